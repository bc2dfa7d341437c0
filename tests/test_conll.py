"""The CoNLL / IOB files: their layout, nested entities in extra columns, and agreement with the `entities` config
of the real gold build."""

from __future__ import annotations

import re

import pyarrow.parquet as pq
import pytest

from tahqiq.build import conll_path, data_path
from tahqiq.conll import nesting_levels, own_block
from tahqiq.features import config_features
from tahqiq.sinks import ConllSink, pad_block

from conftest import LABELS, MANIFEST, PROJECT

ENTITIES = LABELS.layers["entity"].config


def parse_conll(text: str) -> list[tuple[str, list[list[str]]]]:
    """(row id, one list of columns per token) per sentence; fails on anything out of layout."""
    assert text.endswith("\n\n")
    sentences = []
    for block in text[:-2].split("\n\n"):
        head, *lines = block.split("\n")
        match = re.fullmatch(r"# id = (\S+)", head)
        assert match, head
        assert lines and all(lines)
        sentences.append((match.group(1), [line.split("\t") for line in lines]))
    return sentences


def _offsets(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each token in `text`, found independently of the tokenizer: in order, whitespace between."""
    offsets, position = [], 0
    for token in tokens:
        start = text.find(token, position)
        assert start >= 0 and not text[position:start].strip(), (token, text)
        offsets.append((start, start + len(token)))
        position = start + len(token)
    return offsets


def test_nesting_levels_go_from_outermost_inwards():
    spans = [(0, 20, "PRODUCT"), (0, 5, "ORG"), (0, 3, "GPE"), (25, 30, "PERS")]
    assert nesting_levels(spans) == [[(0, 20, "PRODUCT"), (25, 30, "PERS")], [(0, 5, "ORG")], [(0, 3, "GPE")]]
    assert nesting_levels([]) == []


def row(text: str, tokens: list[str], tags: list[str], entities: list[tuple[int, int, str]]) -> dict:
    return {"id": "doc-000", "text": text, "tokens": tokens, "ner_tags": tags,
            "entities": [{"start": s, "end": e, "label": label} for s, e, label in entities]}


NESTED = row("معالجات هواوي Ascend 910B جديدة", ["معالجات", "هواوي", "Ascend", "910B", "جديدة"],
             ["O", "B-PRODUCT", "I-PRODUCT", "I-PRODUCT", "O"], [(8, 25, "PRODUCT"), (8, 13, "ORG")])


def test_a_sentence_block_has_its_id_then_a_line_per_token_with_one_tag_column_per_level():
    assert own_block(NESTED) == (
        "# id = doc-000\nمعالجات\tO\tO\nهواوي\tB-PRODUCT\tB-ORG\nAscend\tI-PRODUCT\tO\n910B\tI-PRODUCT\tO\n"
        "جديدة\tO\tO\n", 2)
    assert pad_block(own_block(NESTED)[0], 3).splitlines()[2] == "هواوي\tB-PRODUCT\tB-ORG\tO"


def test_a_file_puts_a_blank_line_after_every_sentence_and_pads_to_the_deepest(tmp_path):
    flat = row("قال ترمب", ["قال", "ترمب"], ["O", "B-PERS"], [(4, 8, "PERS")])
    assert own_block(flat) == ("# id = doc-000\nقال\tO\nترمب\tB-PERS\n", 1)
    sink = ConllSink(tmp_path / "train.conll")
    sink.add([own_block(flat), own_block(NESTED)])
    sink.add([own_block(flat)])
    sink.close(2)
    text = (tmp_path / "train.conll").read_text(encoding="utf-8")
    assert [len(cols) for _, lines in parse_conll(text) for cols in lines] == [3] * 9
    assert text.startswith("# id = doc-000\nقال\tO\tO\nترمب\tB-PERS\tO\n\n")
    empty = ConllSink(tmp_path / "test.conll")
    empty.close(2)
    assert (tmp_path / "test.conll").read_text(encoding="utf-8") == ""


@pytest.fixture(scope="module")
def gold_conll(built_repo) -> dict[str, list[tuple[str, list[list[str]]]]]:
    return {split: parse_conll((built_repo / conll_path(split)).read_text(encoding="utf-8"))
            for split in MANIFEST.splits}


def test_conll_tokens_and_outermost_tags_equal_the_entities_config(built_repo, gold_conll):
    names = config_features(LABELS)[ENTITIES]["ner_tags"].feature.names
    for split, sentences in gold_conll.items():
        table = pq.read_table(built_repo / data_path(ENTITIES, split)).to_pylist()
        assert [sid for sid, _ in sentences] == [r["id"] for r in table]
        for (_, lines), parquet_row in zip(sentences, table, strict=True):
            assert [cols[0] for cols in lines] == parquet_row["tokens"]
            assert [cols[1] for cols in lines] == [names[t] for t in parquet_row["ner_tags"]]


def test_every_gold_entity_is_one_complete_bio_run_in_exactly_one_column(built_repo, gold_conll):
    """Nested entities are not lost: each entity of the `entities` rows, outermost or nested, is tagged B- then I-
    on exactly the tokens it covers, in one column."""
    widths = {len(cols) for sentences in gold_conll.values() for _, lines in sentences for cols in lines}
    assert widths == {3}  # token, outermost tags, one nested level: the gold nests two deep
    nested = 0
    for split, sentences in gold_conll.items():
        table = pq.read_table(built_repo / data_path(ENTITIES, split)).to_pylist()
        names = config_features(LABELS)[ENTITIES]["entities"].feature["label"].names
        for (_, lines), parquet_row in zip(sentences, table, strict=True):
            offsets = _offsets(parquet_row["text"], [cols[0] for cols in lines])
            edges = {s for s, _ in offsets}, {e for _, e in offsets}
            for entity in parquet_row["entities"]:
                if entity["start"] not in edges[0] or entity["end"] not in edges[1]:
                    continue  # an edge inside a token: left out of every tag column, as of ner_tags
                covered = [i for i, (s, e) in enumerate(offsets) if entity["start"] <= s and e <= entity["end"]]
                assert covered and (offsets[covered[0]][0], offsets[covered[-1]][1]) == (entity["start"], entity["end"])
                label = names[entity["label"]]
                expected = [f"B-{label}"] + [f"I-{label}"] * (len(covered) - 1)
                columns = [c for c in range(1, 3) if [lines[i][c] for i in covered] == expected
                           and (covered[-1] + 1 == len(lines) or lines[covered[-1] + 1][c] != f"I-{label}")]
                assert len(columns) == 1, (parquet_row["id"], entity)
                nested += columns == [2]
    assert nested >= 5


def test_the_cards_conll_example_is_in_the_built_file(built_repo):
    prose = PROJECT.card_prose_file.read_text(encoding="utf-8")
    example = re.search(r"```text\n(# id = .*?)```", prose, flags=re.DOTALL).group(1)
    head, *lines = [line for line in example.splitlines() if line != "…"]
    text = (built_repo / conll_path("train")).read_text(encoding="utf-8")
    block = text[text.index(head + "\n"):].split("\n\n")[0]
    assert "\n".join(lines) in block
