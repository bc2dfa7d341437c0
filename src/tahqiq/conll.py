"""CoNLL / IOB files of the `entities` config for NER tools, with nested entities in extra columns (the way the
Wojood corpus ships nested NER).

One token per line, tab-separated: the token, its BIO tag over the outermost entities (the `ner_tags` column), then
one column per further nesting level: the BIO tags of the entities nested one level deeper, `O` elsewhere. A
`# id = <row id>` line comes before each sentence and a blank line after it."""

from __future__ import annotations

from tahqiq.errors import DataError
from tahqiq.text import aligned_spans, bio_tags, outermost, tokenize

Span = tuple[int, int, str]


def nesting_levels(spans: list[Span]) -> list[list[Span]]:
    """The spans by depth: level 0 the outermost ones (as `text.outermost` keeps them), level 1 the outermost of the
    rest, and so on. Spans of one level never overlap."""
    rest = list(spans)
    levels = []
    while rest:
        level = outermost(rest)
        levels.append(level)
        for span in level:
            rest.remove(span)
    return levels


def _spans(row: dict) -> list[Span]:
    """The row's entities that align with its tokens (the others are left out of every tag column, as they are
    left out of `ner_tags`)."""
    spans = [(e["start"], e["end"], e["label"]) for e in row["entities"]]
    return aligned_spans(row["text"], spans)[0]


def nesting_depth(rows: list[dict]) -> int:
    """How many tag columns the rows need: the deepest nesting of their entities, at least 1."""
    return max([1, *(len(nesting_levels(_spans(row))) for row in rows)])


def token_offsets(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each token in `text`; the tokens are in order and only whitespace lies between them."""
    offsets, position = [], 0
    for token in tokens:
        start = text.find(token, position)
        if start < 0 or text[position:start].strip():
            raise DataError(f"token {token!r} is not the next token of {text!r} after offset {position}")
        offsets.append((start, start + len(token)))
        position = start + len(token)
    return offsets


def sentence_block(row: dict, depth: int) -> str:
    """One sentence of an `entities` row (labels by name, as `rows.sentence_rows` makes them): its `# id` line and
    one line per token with `depth` tag columns; the first tag column is the row's `ner_tags`."""
    for token in row["tokens"]:
        if len(token.split()) != 1 or token.strip() != token:
            raise DataError(f"row {row['id']}: token {token!r} cannot stand on a CoNLL line")
    return _block(row, nesting_levels(_spans(row)), depth, token_offsets(row["text"], row["tokens"]))


def own_block(row: dict) -> tuple[str, int]:
    """The sentence block of a row that `rows.sentence_rows` just made (its tokens are `tokenize(text)`: never empty,
    never with whitespace), with as many tag columns as the row itself needs, and that number."""
    levels = nesting_levels(_spans(row))
    depth = max(1, len(levels))
    return _block(row, levels, depth, tokenize(row["text"])), depth


def _block(row: dict, levels: list[list[Span]], depth: int, offsets) -> str:
    if len(levels) > depth:
        raise DataError(f"row {row['id']} nests entities {len(levels)} deep, more than the {depth} tag columns")
    columns = [list(row["ner_tags"])]
    columns += [bio_tags(offsets, level) for level in levels[1:]]
    columns += [["O"] * len(offsets)] * (depth - len(columns))
    return "\n".join([f"# id = {row['id']}", *map("\t".join, zip(row["tokens"], *columns, strict=True))]) + "\n"


def conll_text(rows: list[dict], depth: int | None = None) -> str:
    """The CoNLL file of one split: every sentence block, a blank line after each. `depth` (the number of tag
    columns) defaults to what the rows need; give the same to every split so that their files have one layout."""
    depth = nesting_depth(rows) if depth is None else depth
    return "".join(sentence_block(row, depth) + "\n" for row in rows)
