"""Arabic news text, cut the way Tahqiq's configs need it: sentences with zones, and tokens for BIO tags.

Offsets are Python code points into the unmodified text; nothing here normalises characters."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tahqiq.model import Span

BODY, TITLE = "body", "title"
PROCLITICS = "وفبلك"
PROCLITIC_PREFIX = "[وف]?[بلك]?"  # a glued conjunction and/or preposition: وبإنفيديا → و + ب + إنفيديا
# Sentence ends: . ! ? ؟ … (and runs of them) followed by whitespace; a decimal point has no space after it.
_SENTENCE_END = re.compile(r"[.!?؟…]+(?=\s)")
_PUNCT = set('.,،؛;:!?؟…"“”«»\'()[]{}')
_TOKEN = re.compile(r"[^\s" + re.escape("".join(sorted(_PUNCT - {".", ","}))) + r"]+|\S")
# A proclitic cluster (و/ف, then ب/ل/ك) before the article ال or a Latin-script or digit word: `والصين`, `بالذكاء`,
# `وOpenAI`. Splitting these everywhere keeps most token boundaries independent of the gold entities.
_PROCLITIC = re.compile(f"^{PROCLITIC_PREFIX}(?=ال\\w\\w|[A-Za-z0-9])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    zone: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, zones: dict[int, str] | None = None) -> list[Sentence]:
    """Every newline is a boundary; inside a line, split after . ! ? ؟ … when whitespace follows, never on `،`.
    A title line stays one sentence. `zones` maps 0-based line numbers to their zone; other lines are body."""
    zones = zones or {}
    sentences = []
    line_start = 0
    for number, line in enumerate(text.split("\n")):
        zone = zones.get(number, BODY)
        cuts = [] if zone == TITLE else [m.end() for m in _SENTENCE_END.finditer(line)]
        piece_start = 0
        for cut in [*cuts, len(line)]:
            start, end = _trimmed(text, line_start + piece_start, line_start + cut)
            if end > start:
                sentences.append(Sentence(start, end, zone))
            piece_start = cut
        line_start += len(line) + 1
    return sentences


@lru_cache(maxsize=4096)  # one sentence is tokenized for its rows, its CoNLL block and the misaligned mentions
def tokenize(text: str) -> tuple[tuple[int, int], ...]:
    """Whitespace- and punctuation-separated tokens as (start, end), the same for any annotation of the text.

    Proclitics before ال or a Latin-script word are split off (`والصين` → `و` `الصين`); a proclitic glued to another
    word (`بإنفيديا`) stays in its token. Decimal points and thousands commas inside numbers stay in the token
    (`118.58`)."""
    tokens = []
    for match in _TOKEN.finditer(text):
        start = match.start()
        clitic = _PROCLITIC.match(match.group())
        inner = {start + clitic.end()} if clitic else set()
        for cut in sorted(c for c in inner if match.start() < c < match.end()):
            tokens.append((start, cut))
            start = cut
        tokens.append((start, match.end()))
    return tuple(_split_edges(text, tokens))


def aligned_bio(text: str, spans: list[tuple[int, int, str]]
                ) -> tuple[list[tuple[int, int]], list[str], list[tuple[int, int, str]]]:
    """Tokens of `text` (never cut at the spans: tokens must not reveal where entities start), their BIO tags from
    the spans whose edges fall on token edges, and the spans that do not (left out of the tags, as spaCy does)."""
    tokens = tokenize(text)
    aligned, left_out = aligned_spans(text, spans)
    return tokens, bio_tags(tokens, aligned), left_out


@lru_cache(maxsize=4096)
def _token_edges(text: str) -> tuple[frozenset[int], frozenset[int]]:
    tokens = tokenize(text)
    return frozenset(s for s, _ in tokens), frozenset(e for _, e in tokens)


def aligned_spans(text: str, spans: list[tuple[int, int, str]]
                  ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The spans whose edges fall on token edges of `text`, and the others."""
    starts, ends = _token_edges(text)
    aligned = [s for s in spans if s[0] in starts and s[1] in ends]
    return aligned, [s for s in spans if s not in aligned]


def _split_edges(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split a sentence-final `.` or `,` off the end of a word (`السوق.` → `السوق` `.`); keep them inside numbers."""
    out = []
    for start, end in tokens:
        if end - start > 1 and text[end - 1] in ".," and not text[end - 2].isdigit():
            out += [(start, end - 1), (end - 1, end)]
        else:
            out.append((start, end))
    return out


def bio_tags(tokens: Sequence[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO tags from the outermost spans: a token inside a span is B- at the span's first token, I- after. The
    tokens are non-empty, in order and do not overlap (as `tokenize` gives them), and neither do the outer spans,
    so each span jumps (by bisection) to its first token."""
    tags = ["O"] * len(tokens)
    if not spans:
        return tags
    starts = [start for start, _ in tokens]
    for s_start, s_end, label in outermost(spans):
        at = bisect_left(starts, s_start)
        while at < len(tokens) and tokens[at][1] <= s_end:
            tags[at] = ("B-" if tokens[at][0] == s_start else "I-") + label
            at += 1
    return tags


def outermost(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans not contained in another span; of two equal spans the first is kept."""
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for span in ordered:
        if kept and span[0] < kept[-1][1]:
            continue  # nested in (or overlapping) the previous outer span
        kept.append(span)
    return kept
