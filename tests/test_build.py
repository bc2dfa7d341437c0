"""The build end to end: the fixture export → dist-like repo → the real `datasets.load_dataset` with a fresh cache."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import Features, load_dataset
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCardData

from tahqiq.build import build, data_path
from tahqiq.errors import Refused
from tahqiq.features import DEFAULT_CONFIG, config_features, configs

from conftest import ANNOTATIONS_DIR, LABELS, MANIFEST, PROJECT

CONFIGS = configs(LABELS)

SPAN_LISTS = ("entities", "numbers", "claims")


@pytest.fixture(scope="module")
def built(tmp_path_factory, fixture_export, fixture_project):
    out = tmp_path_factory.mktemp("hub") / "repo"
    summary = build(project=fixture_project, annotations=[fixture_export], out=out)
    return out, summary


@pytest.fixture(scope="module")
def loaded(built, tmp_path_factory):
    out, _ = built
    cache = tmp_path_factory.mktemp("hf-cache")
    return {config: load_dataset(str(out), config, cache_dir=str(cache)) for config in CONFIGS}


def test_every_config_loads_with_train_and_test(loaded, built):
    _, summary = built
    for config, dataset in loaded.items():
        assert set(dataset) == {"train", "test"}
        assert {s: len(d) for s, d in dataset.items()} == summary.rows[config]
        assert all(len(d) > 0 for d in dataset.values())


def test_loaded_features_equal_declared_features(loaded):
    declared = config_features(LABELS)
    for config, dataset in loaded.items():
        for split in dataset.values():
            assert split.features == declared[config]


def test_card_yaml_features_match_parquet_schema(built):
    out, _ = built
    text = (out / "README.md").read_text(encoding="utf-8")
    card = DatasetCardData(**yaml.safe_load(text.split("---")[1]))
    infos = DatasetInfosDict.from_dataset_card_data(card)
    assert sorted(infos) == sorted(CONFIGS)
    default = [c["config_name"] for c in card.configs if c.get("default")]
    assert default == [DEFAULT_CONFIG]
    for config in CONFIGS:
        for split in ("train", "test"):
            schema = pq.read_schema(out / data_path(config, split))
            assert Features.from_arrow_schema(schema) == infos[config].features
            assert infos[config].splits[split].num_examples == pq.read_metadata(out / data_path(config, split)).num_rows


def test_every_span_points_into_its_rows_text(loaded):
    checked = 0
    for dataset in loaded.values():
        for split in dataset.values():
            for row in split:
                for column in SPAN_LISTS:
                    for span in row.get(column) or []:
                        assert row["text"][span["start"]:span["end"]] == span["text"]
                        checked += 1
    assert checked > 50


def test_no_document_in_two_splits(loaded):
    docs = loaded["documents"]
    assert not {r["doc_id"] for r in docs["train"]} & {r["doc_id"] for r in docs["test"]}
    for config in ("entities", "numbers", "claims"):
        for split in ("train", "test"):
            assert {r["doc_id"] for r in loaded[config][split]} == {r["doc_id"] for r in docs[split]}


def test_claim_links_resolve_to_regions_of_the_document(loaded):
    for split in loaded["documents"].values():
        for row in split:
            numbers = {n["id"] for n in row["numbers"]}
            entities = {e["id"] for e in row["entities"]}
            for claim in row["claims"]:
                assert set(claim["number_ids"]) <= numbers
                assert set(claim["entity_ids"]) <= entities
                assert set(claim["source_ids"]) <= entities


def test_bio_tags_keep_proclitics_outside(loaded):
    ner = loaded["entities"]["train"]
    names = ner.features["ner_tags"].feature.names
    seen_b = 0
    for row in ner:
        tags = [names[t] for t in row["ner_tags"]]
        assert len(tags) == len(row["tokens"])
        entity_texts = [e["text"] for e in row["entities"]]
        for token, tag in zip(row["tokens"], tags, strict=True):
            if tag.startswith("B-"):  # an entity's first token is the start of an entity's text, no proclitic
                seen_b += 1
                assert any(text.startswith(token) for text in entity_texts)
        for prev, tag in zip(["O", *tags], tags, strict=False):
            if tag.startswith("I-"):
                assert prev[2:] == tag[2:]
    assert seen_b > 5


def test_sentence_zones_come_from_the_manifest(loaded):
    zones = loaded["entities"]["test"].features["zone"].names
    seen = {zones[r["zone"]] for r in loaded["entities"]["test"]}
    assert {"title", "byline", "dateline", "caption", "body"} <= seen


def test_build_refuses_invalid_input_and_writes_nothing(built, fixture_project, tmp_path, case_exports):
    out, _ = built
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "broken.json"
    shutil.copyfile(case_exports["span-text-mismatch"], broken)
    with pytest.raises(Refused) as refused:
        build(project=fixture_project, annotations=[broken], out=out)
    assert [i.code for i in refused.value.report.errors] == ["span-text-mismatch"]
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_the_real_gold_builds_and_loads(tmp_path):

    out = tmp_path / "hub"
    summary = build(project=PROJECT, annotations=[ANNOTATIONS_DIR], out=out)
    assert summary.documents == {split: sorted(d.doc_id for d in MANIFEST.documents if d.split == split)
                                 for split in MANIFEST.splits}
    docs = load_dataset(str(out), "documents", cache_dir=str(tmp_path / "cache"))
    assert docs["train"].features == config_features(LABELS)["documents"]
    assert sum(len(r["numbers"]) for split in docs.values() for r in split) >= 40
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "<!-- tahqiq:" not in readme and "Agreement between annotators 1 (A) and 2 (B)" in readme
