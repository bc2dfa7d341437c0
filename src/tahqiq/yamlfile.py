"""YAML as the project's hand-edited files need it: safe, and a key written twice is an error rather than the last
one silently winning (PyYAML's default)."""

from __future__ import annotations

from typing import Any

import yaml

from tahqiq.strictjson import json_fault


class _UniqueKeys(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when PyYAML was built with it
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """Parse YAML; raises yaml.YAMLError (with line and column) on a repeated key too. A file written as JSON (a
    subset of YAML, as a generated manifest of many documents may be) is read by the strict JSON parser, which is
    two orders of magnitude faster (and, on a large file, lighter than orjson, which holds a document of its
    own while it builds the result)."""
    if text.lstrip().startswith("{"):
        value, problem = json_fault(text)
        if problem is None:
            return value
    return yaml.load(text, Loader=_UniqueKeys)  # noqa: S506 - a SafeLoader subclass
