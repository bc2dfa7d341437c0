"""CoNLL / IOB files of the `entities` config for NER tools, with nested entities in extra columns (the way the
Wojood corpus ships nested NER).

One token per line, tab-separated: the token, its BIO tag over the outermost entities (the `ner_tags` column), then
one column per further nesting level: the BIO tags of the entities nested one level deeper, `O` elsewhere. A
`# id = <row id>` line comes before each sentence and a blank line after it."""

from __future__ import annotations

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


def own_block(row: dict) -> tuple[str, int]:
    """The sentence block of an `entities` row that `rows.sentence_rows` made (labels by name; its tokens are
    `tokenize(text)`: never empty, never with whitespace): its `# id` line and one line per token with as many tag
    columns as the row nests entities (the first is the row's `ner_tags`), and that number. `sinks.ConllSink` pads
    every block of a file to the deepest."""
    levels = nesting_levels(_spans(row))
    offsets = tokenize(row["text"])
    columns = [list(row["ner_tags"]), *(bio_tags(offsets, level) for level in levels[1:])]
    lines = map("\t".join, zip(row["tokens"], *columns, strict=True))
    return "\n".join([f"# id = {row['id']}", *lines]) + "\n", len(columns)
