"""Nothing from a test article reaches the guidelines or the word lists of the code: every example the guidelines
quote, and every string in the rule-based annotators, either occurs in a train article or in no test article.

One kind of list is exempt, by name: general Arabic vocabulary (reporting verbs, hedges, topic words, calendar words,
currencies, units, cue words of bounds and approximation). That is language knowledge, not data, and with three train
articles many everyday words (ساعة, أعلن) happen to occur only in a test article. Names — the gazetteer, Latin
labels, nationality stems — examples in docstrings and every other string must pass."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import MANIFEST, ROOT

TRAIN = [d.read_text() for d in MANIFEST.documents if d.split == "train"]
TEST = [d.read_text() for d in MANIFEST.documents if d.split == "test"]
LETTERS = re.compile(r"[A-Za-z\u0621-\u064a]{2}")


def leaked(strings: set[str]) -> list[str]:
    """The strings that occur in a test text and in no train text."""
    return sorted(s for s in strings if LETTERS.search(s) and any(s in t for t in TEST)
                  and not any(s in t for t in TRAIN))


VOCABULARY = {  # module -> its lists of general Arabic vocabulary (see the module docstring)
    "claims.py": {"REPORTING", "ESTIMATE", "HEDGES", "CLAIM_TYPES"},
    "entities.py": {"MONTHS", "WEEKDAYS", "YEAR_CUES"},
    "numbers.py": {"CURRENCIES", "UNIT_WORDS", "MULTI_WORD_UNITS", "DUALS", "RATES", "APPROXIMATE_CUES",
                   "BOUND_CUES", "ORDINALS", "ORDINAL_LEAD", "TIMES", "COMPARATIVES"},
}


def _strings(node: ast.AST) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.add(sub.value)
            found |= {p.strip() for p in re.split(r"[`,،()]", sub.value)} - {""}
    return found


def code_strings(path: Path) -> set[str]:
    """Every string literal of a module outside its vocabulary lists (word lists, patterns, docstrings), and each of
    its backticked or comma-separated parts, so that a list written inside one string is checked item by item."""
    exempt = VOCABULARY.get(path.name, set())
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
            else []
        if not any(getattr(t, "id", None) in exempt for t in targets):
            found |= _strings(node)
    return found


def test_the_splits_are_both_present():
    assert TRAIN and TEST


def test_guideline_examples_never_come_from_a_test_article():
    text = (ROOT / "docs" / "guidelines.md").read_text(encoding="utf-8")
    assert leaked(set(re.findall(r"`([^`\n]+)`", text))) == []


@pytest.mark.parametrize("path", sorted((ROOT / "src" / "tahqiq" / "baselines").glob("*.py")), ids=lambda p: p.name)
def test_word_lists_never_come_from_a_test_article(path):
    assert leaked(code_strings(path)) == []


def test_vocabulary_lists_exist():
    """The exemption names real lists: a renamed list would otherwise be checked by nothing at all."""
    for name, lists in VOCABULARY.items():
        tree = ast.parse((ROOT / "src" / "tahqiq" / "baselines" / name).read_text(encoding="utf-8"))
        assigned = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        assert lists <= assigned, name


def test_the_check_finds_a_leak():
    """The test above can fail: a name that only a test article contains is reported."""
    only_test = next(w for w in re.findall(r"[\u0621-\u064a]{4,}", TEST[0]) if not any(w in t for t in TRAIN))
    assert leaked({only_test, "الذكاء الاصطناعي"}) == [only_test]
