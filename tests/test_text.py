"""Sentences, zones, tokens and the reading of number surfaces, on the real seed texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tahqiq.quantities import stated_values
from tahqiq.text import aligned_bio, bio_tags, outermost, split_sentences, tokenize

from conftest import MANIFEST

SEEDS = MANIFEST.documents


@pytest.mark.parametrize("seed", SEEDS, ids=lambda d: d.doc_id)
def test_sentences_follow_the_rules(seed):
    text = seed.read_text()
    sentences = split_sentences(text, seed.zones)
    for s in sentences:
        piece = text[s.start:s.end]
        assert "\n" not in piece
        assert piece == piece.strip()
    starts = [s.start for s in sentences]
    assert starts == sorted(starts)
    covered = "".join(text[s.start:s.end] for s in sentences)
    assert "".join(text.split()) == "".join(covered.split())


def test_decimals_and_commas_do_not_split():
    text = "تراجع أسهم إنفيديا 17% إلى 118.58 دولار، ومحو 600 مليار دولار. وقالت الشركة: نعم؟ نعم… لا"
    pieces = [text[s.start:s.end] for s in split_sentences(text)]
    assert pieces == ["تراجع أسهم إنفيديا 17% إلى 118.58 دولار، ومحو 600 مليار دولار.", "وقالت الشركة: نعم؟",
                      "نعم…", "لا"]


def test_zones_and_title_line_stay_whole():
    seed = next(d for d in SEEDS if d.doc_id.startswith("002"))
    text = seed.read_text()
    first = split_sentences(text, seed.zones)[0]
    assert first.zone == "title"
    assert text[first.start:first.end] == text.split("\n")[0]  # `الصينية.. "ديب سيك"` does not split a title
    zones = {s.zone for d in SEEDS for s in split_sentences(d.read_text(), d.zones)}
    assert zones == {"title", "body", "byline", "dateline", "caption", "boilerplate", "duplicate"}


def test_tokens_never_depend_on_the_entities():
    """Proclitics are split before ال and Latin words whatever is annotated; an entity glued to a proclitic that the
    tokens keep (`بإنفيديا`) does not align and is left out of the BIO tags, never cut out of its token."""
    text = "شركات مثل Meta وOpenAI بإنفيديا والصين."
    openai, nvidia = text.index("OpenAI"), text.index("إنفيديا")
    spans = [(openai, openai + 6, "ORG"), (nvidia, nvidia + 7, "ORG")]
    tokens, tags, left_out = aligned_bio(text, spans)
    assert tokens == tokenize(text) == aligned_bio(text, [])[0]
    assert [text[s:e] for s, e in tokens] == ["شركات", "مثل", "Meta", "و", "OpenAI", "بإنفيديا", "و", "الصين", "."]
    assert tags == ["O", "O", "O", "O", "B-ORG", "O", "O", "O", "O"]
    assert left_out == [spans[1]]


def test_numbers_stay_single_tokens():
    text = "يتطلب ما يزيد عن 16,000 شريحة و118.58 دولار."
    assert [text[s:e] for s, e in tokenize(text)] == ["يتطلب", "ما", "يزيد", "عن", "16,000", "شريحة", "و", "118.58",
                                                       "دولار", "."]


def test_proclitics_before_the_article_split_without_any_entity():
    text = "والصين بالذكاء للذكاء ولكن بكين وOpenAI"
    assert [text[s:e] for s, e in tokenize(text)] == ["و", "الصين", "ب", "الذكاء", "للذكاء", "ولكن", "بكين", "و",
                                                       "OpenAI"]


@pytest.mark.parametrize("surface, value", [
    ("589 مليار دولار", 589e9), ("نحو 2000 شريحة", 2000), ("ما يزيد عن 16,000 شريحة", 16000),
    ("1.2 تريليون متغير", 1.2e12), ("294 ألف دولار", 294000), ("لم تتجاوز 6 ملايين دولار", 6e6),
    ("تصل إلى 97.3%", 97.3), ("٣٫٥ مليار", 3.5e9), ("بين 3 مليارات و27 مليار معلمة", 27e9),
    ("بين 3 مليارات و27 مليار معلمة", 3e9), ("20-40 مرة", 40),
])
def test_stated_values_read_digits_and_scale_words(surface, value):
    assert value in stated_values(surface)


def test_stated_values_reject_wrong_scale_and_words_only():
    assert 589e6 not in stated_values("589 مليار دولار")
    assert stated_values("دولارين") == set()


@st.composite
def tokens_and_spans(draw) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """Non-empty tokens in order without overlap (as `tokenize` gives them) and any spans, nested, overlapping, empty
    or off the token edges."""
    tokens, at = [], 0
    for gap, width in draw(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)), max_size=12)):
        tokens.append((at + gap, at + gap + width))
        at += gap + width
    spans = draw(st.lists(st.tuples(st.integers(0, at + 2), st.integers(0, 8), st.sampled_from("XY")), max_size=5))
    return tokens, [(start, start + width, label) for start, width, label in spans]


@given(tokens_and_spans())
def test_a_token_is_tagged_by_the_outermost_span_that_holds_it_whole(case):
    tokens, spans = case
    outer = outermost(spans)
    expected = []
    for start, end in tokens:
        holder = [s for s in outer if s[0] <= start and end <= s[1]]
        expected.append("O" if not holder else ("B-" if start == holder[0][0] else "I-") + holder[0][2])
    assert bio_tags(tokens, spans) == expected
