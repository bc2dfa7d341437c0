"""Strict JSON (RFC 8259 and no more): what Python's parser accepts minus NaN and infinities, numbers beyond a
64-bit float, a key written twice in one object, a lone surrogate; and where a text fails, the line and column.

The bottom room of reading: exports, predictions and a manifest written as JSON are all parsed by these rules."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

MISSING = object()  # what a parser returns for a text it could not parse (a JSON `null` is None)


_LONE_SURROGATE = re.compile(r"(?<!\\)\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|"
                             r"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_MAX_INT_DIGITS = 309  # beyond a 64-bit float's range


class _NotJSON(ValueError):
    """A token Python's parser accepts but JSON (RFC 8259) or a 64-bit float does not."""


def _constant(name: str):
    raise _NotJSON(f"{name} is not JSON (RFC 8259); write null or a number")


def _float(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise _NotJSON(f"the number {raw[:40]} is outside the range of a 64-bit float")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    """An object whose keys are all different (Python's parser would silently keep the last of two)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        repeated = sorted({k for k, _ in pairs if sum(1 for j, _ in pairs if j == k) > 1})
        raise _NotJSON(f"the key {repeated[0]!r} is written twice in one object")
    return data


def _int(raw: str) -> int:
    if len(raw.lstrip("-")) > _MAX_INT_DIGITS:
        raise _NotJSON(f"an integer of {len(raw.lstrip('-'))} digits is outside the range of a 64-bit float")
    return int(raw)


TOO_DEEP = ("the JSON is nested deeper than the parser allows (about 1,000 levels; a Label Studio export needs fewer "
            "than 10)")


@dataclass(frozen=True)
class JsonFault:
    """Why a text is not strict JSON, and where (1-based line and column in the text) when the parser knows."""

    message: str
    line: int | None = None
    column: int | None = None
    code: str = "json-invalid"  # or json-too-deep, file-unreadable (not UTF-8)

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}, column {self.column}: {self.message}"


def json_fault(text: str) -> tuple[Any, JsonFault | None]:
    """Strict JSON: (data, None), or (MISSING, the fault) for broken JSON, NaN or infinities, numbers beyond a
    64-bit float, a key written twice in one object, a lone surrogate or nesting too deep."""
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        return MISSING, JsonFault(err.msg, err.lineno, err.colno)
    except _NotJSON as err:
        return MISSING, JsonFault(str(err))
    except RecursionError:
        return MISSING, JsonFault(TOO_DEEP, code="json-too-deep")
    if "\\u" in text and _LONE_SURROGATE.search(text):
        return MISSING, JsonFault("a \\u escape names half of a surrogate pair (a lone surrogate), which is no "
                                  "character")
    return data, None
