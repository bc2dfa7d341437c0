"""Property-based fuzzing: mutated valid exports — keys dropped, types changed, offsets shifted, junk inserted —
give Issues with catalogued codes or a clean build, never an exception. Bounded in `make test`; set
TAHQIQ_FUZZ_EXAMPLES (for example 5000) for a longer run."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tahqiq.build import config_rows
from tahqiq.gold import gold_documents
from tahqiq.issues import CATALOGUE
from tahqiq.validate import validate_paths

from conftest import FIXTURES, LABELS

BASE = json.loads((FIXTURES / "export.json").read_text(encoding="utf-8"))
EXAMPLES = int(os.environ.get("TAHQIQ_FUZZ_EXAMPLES", "60"))
JUNK = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
                    | st.text(max_size=8), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


def _places(node, path=()) -> list[tuple]:
    """The path of every value in the document."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _places(value, (*path, index))
    return out


PLACES = _places(BASE)


def _parent(doc, path):
    for part in path[:-1]:
        doc = doc[part]
    return doc


@st.composite
def mutated(draw) -> list:
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PLACES[1:]))
        try:
            parent = _parent(doc, path)
            key = path[-1]
            parent[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced the way there
        if not isinstance(parent, (dict, list)):
            continue  # replaced by a string, which can be indexed but not changed
        action = draw(st.sampled_from(["drop", "replace", "shift", "junk-key"]))
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(JUNK)
        elif action == "shift" and isinstance(parent[key], int) and not isinstance(parent[key], bool):
            parent[key] += draw(st.integers(-50, 50))
        elif action == "junk-key" and isinstance(parent[key], dict):
            parent[key][draw(st.text(min_size=1, max_size=6))] = draw(JUNK)
    return doc


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=mutated())
def test_mutated_exports_give_issues_or_a_clean_build(doc, fixture_manifest):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        validation = validate_paths([path], labels=LABELS, manifest=fixture_manifest)
    assert {i.code for i in validation.report.issues} <= set(CATALOGUE)
    if validation.report.ok:  # what validates must also turn into rows
        docs = gold_documents(validation.tasks, manifest=fixture_manifest)
        config_rows(docs, fixture_manifest.splits, LABELS)
