"""The CoNLL / IOB files: their layout, nested entities in extra columns, and agreement with the `entities` config
of the real gold build."""

from __future__ import annotations

import re

import pyarrow.parquet as pq
import pytest

from tahqiq.build import conll_path, data_path
from tahqiq.conll import conll_text, nesting_depth, nesting_levels, sentence_block, token_offsets
from tahqiq.errors import DataError
from tahqiq.features import config_features

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
    assert sentence_block(NESTED, 2) == (
        "# id = doc-000\nمعالجات\tO\tO\nهواوي\tB-PRODUCT\tB-ORG\nAscend\tI-PRODUCT\tO\n910B\tI-PRODUCT\tO\n"
        "جديدة\tO\tO\n")
    assert sentence_block(NESTED, 3).splitlines()[2] == "هواوي\tB-PRODUCT\tB-ORG\tO"
    with pytest.raises(DataError, match="nests entities 2 deep"):
        sentence_block(NESTED, 1)


def test_a_file_puts_a_blank_line_after_every_sentence_and_pads_to_the_depth_it_is_given():
    flat = row("قال ترمب", ["قال", "ترمب"], ["O", "B-PERS"], [(4, 8, "PERS")])
    assert nesting_depth([flat]) == 1 and nesting_depth([flat, NESTED]) == 2
    assert conll_text([flat]) == "# id = doc-000\nقال\tO\nترمب\tB-PERS\n\n"
    text = conll_text([flat, NESTED])
    assert [len(cols) for _, lines in parse_conll(text) for cols in lines] == [3] * 7
    assert conll_text([]) == ""


def test_tokens_must_be_the_texts_own_words_in_order():
    assert token_offsets("و الصين  OpenAI", ["و", "الصين", "OpenAI"]) == [(0, 1), (2, 7), (9, 15)]
    with pytest.raises(DataError):
        token_offsets("والصين", ["الصين", "و"])
    with pytest.raises(DataError):
        token_offsets("قال ترمب", ["ترمب"])  # a word left out


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
            offsets = token_offsets(parquet_row["text"], [cols[0] for cols in lines])
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
