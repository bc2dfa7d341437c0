"""croissant.json of the real gold build: valid Croissant for mlcroissant (offline), its records equal the Parquet
rows, its files and figures come from the build."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from tahqiq.agreement import agreement_from_tasks, agreement_rows
from tahqiq.batches import FIRST_PASS, SECOND_PASS
from tahqiq.build import data_path
from tahqiq.croissant import CROISSANT_FILE, card_bullets, card_section
from tahqiq.errors import DataError
from tahqiq.features import config_features, configs
from tahqiq.provenance import PROVENANCE_FILE
from tahqiq.validate import validate_paths

from conftest import ANNOTATIONS_DIR, LABELS, MANIFEST, PROJECT

CONFIGS = configs(LABELS)
pytestmark = [pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated"),  # inside rdflib and pandas
              pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")]


@pytest.fixture(scope="module")
def metadata(built_repo) -> dict:
    return json.loads((built_repo / CROISSANT_FILE).read_text(encoding="utf-8"))


def validate_cli(path: Path) -> subprocess.CompletedProcess:
    """`mlcroissant validate --jsonld FILE`, the command of the mlcroissant installed next to this Python."""
    command = Path(sys.executable).with_name("mlcroissant")
    return subprocess.run([str(command), "validate", "--jsonld", str(path)], capture_output=True, text=True,
                          timeout=300)


def test_mlcroissant_validates_the_built_file(built_repo):
    mlc.Dataset(jsonld=str(built_repo / CROISSANT_FILE))  # raises mlc.ValidationError when invalid
    done = validate_cli(built_repo / CROISSANT_FILE)
    assert done.returncode == 0, done.stderr
    assert "Done." in done.stderr and "error" not in done.stderr.lower()


def _drop_conforms_to(m):
    del m["conformsTo"]


def _unknown_file_set(m):
    m["recordSet"][1]["field"][1]["source"]["fileSet"]["@id"] = "no-such-files"


def _field_without_type(m):
    del m["recordSet"][1]["field"][1]["dataType"]


def _bad_data_type(m):
    m["recordSet"][0]["field"][1]["dataType"] = "sc:NoSuchType"


def _file_without_url(m):
    del m["distribution"][0]["contentUrl"]


@pytest.mark.parametrize("breakage", [_drop_conforms_to, _unknown_file_set, _field_without_type, _bad_data_type,
                                      _file_without_url])
def test_mlcroissant_refuses_a_broken_copy(built_repo, metadata, tmp_path, breakage):
    broken = copy.deepcopy(metadata)
    breakage(broken)
    path = tmp_path / CROISSANT_FILE
    path.write_text(json.dumps(broken, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(mlc.ValidationError):
        mlc.Dataset(jsonld=str(path))
    assert validate_cli(path).returncode == 1


def test_record_sets_load_offline_from_the_local_parquet_files(built_repo):
    dataset = mlc.Dataset(jsonld=str(built_repo / CROISSANT_FILE))
    for config in ("documents", "entities"):
        expected = {split: pq.read_metadata(built_repo / data_path(config, split)).num_rows
                    for split in MANIFEST.splits}
        records = list(dataset.records(config))
        splits = [r[f"{config}/split"].decode() for r in records]
        assert {split: splits.count(split) for split in expected} == expected
    first = pq.read_table(built_repo / data_path("entities", "train")).to_pylist()[0]
    record = next(r for r in records if r["entities/id"].decode() == first["id"])
    assert [t.decode() for t in record["entities/tokens"]] == first["tokens"]
    assert list(record["entities/ner_tags"]) == first["ner_tags"]
    zones = list(dataset.records("class/zone"))
    assert [z["class/zone/name"] for z in zones] == list(LABELS.zones)


def test_every_parquet_file_and_the_provenance_are_file_objects_with_their_sha256(built_repo, metadata):
    objects = {d["contentUrl"]: d for d in metadata["distribution"] if d["@type"] == "cr:FileObject"}
    parquet = {p.relative_to(built_repo).as_posix() for p in built_repo.rglob("*.parquet")}
    assert set(objects) == parquet | {PROVENANCE_FILE}
    for path, item in objects.items():
        assert item["encodingFormat"] == ("text/csv" if path == PROVENANCE_FILE else "application/x-parquet")
        assert item["sha256"] == hashlib.sha256((built_repo / path).read_bytes()).hexdigest()


def test_a_record_set_per_config_with_a_field_per_column(metadata):
    features = config_features(LABELS)
    record_sets = {r["@id"]: r for r in metadata["recordSet"]}
    for config in CONFIGS:
        fields = {f["name"]: f for f in record_sets[config]["field"]}
        assert list(fields) == ["split", *features[config]]
    entities = {f["name"]: f for f in record_sets["entities"]["field"]}
    assert entities["tokens"]["repeated"] is True and entities["tokens"]["dataType"] == "sc:Text"
    assert entities["ner_tags"]["dataType"] == "sc:Integer" and "1 = B-PERS" in entities["ner_tags"]["description"]
    regions = {f["name"]: f for f in entities["entities"]["subField"]}
    assert regions["start"]["dataType"] == "sc:Integer" and regions["text"]["dataType"] == "sc:Text"
    numbers = {f["name"]: f for f in {f["name"]: f for f in record_sets["numbers"]["field"]}["numbers"]["subField"]}
    assert numbers["value"]["dataType"] == "sc:Float"
    claims = {f["name"]: f for f in {f["name"]: f for f in record_sets["claims"]["field"]}["claims"]["subField"]}
    assert claims["number_ids"]["repeated"] is True


def test_metadata_comes_from_the_project(built_repo, metadata):
    assert metadata["version"] == PROJECT.version
    assert metadata["conformsTo"][0] == "http://mlcommons.org/croissant/1.0"
    assert metadata["license"][0]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert metadata["license"][1]["description"] == MANIFEST.copyright
    text = (built_repo / CROISSANT_FILE).read_text(encoding="utf-8")
    assert "محور بلس" in text and "\\u" not in text  # written with ensure_ascii=False
    assert "OWNER" not in text
    urls = [d["contentUrl"] for d in metadata["distribution"] if "contentUrl" in d] + [metadata["url"]]
    assert all(not u.startswith(("http:", "https:", "/")) and (built_repo / u).is_file() for u in urls)


def test_rai_fields_are_filled_from_the_exports_and_the_agreement(metadata):
    for key in ("dataCollection", "dataAnnotationProtocol", "dataAnnotationAnalysis", "dataLimitations",
                "dataBiases", "personalSensitiveInformation", "annotationsPerItem", "annotatorDemographics"):
        assert metadata[f"rai:{key}"], key
    tasks = validate_paths([ANNOTATIONS_DIR], labels=LABELS, manifest=MANIFEST).tasks
    protocol = " ".join(metadata["rai:dataAnnotationProtocol"])
    for task in tasks:
        for given in task.raw["meta"]["passes"].values():
            assert all(str(given[k]) in protocol for k in ("annotator", "kind", "date", "saw", "made"))
    analysis = metadata["rai:dataAnnotationAnalysis"]
    split_of = {doc.doc_id: doc.split for doc in MANIFEST.documents}
    chosen = {"all": tasks, **{s: [t for t in tasks if split_of[t.doc_id] == s] for s in MANIFEST.splits}}
    results = [r for r in (agreement_from_tasks(c, first=FIRST_PASS, second=SECOND_PASS, labels=LABELS)
                           for c in chosen.values()) if r.documents]
    assert len(analysis) == len(results) + 1
    for line, result in zip(analysis, results, strict=False):
        for row in agreement_rows(result):
            assert f"span F1 exact {row['f1_exact']:.3f}, overlap {row['f1_overlap']:.3f}" in line
            assert f"regions {row['regions_first']} (A) / {row['regions_second']} (B)" in line
    for doc in MANIFEST.documents:
        assert doc.sha256 in metadata["rai:dataCollection"]


def test_card_sections_missing_from_the_prose_are_named():
    prose = "# T\n\nIntro.\n\n## Bias, risks and limitations\n\n- **Small:** *five* texts.\n- `x` two\n"
    assert card_bullets(prose, "Bias, risks and limitations") == ["Small: five texts.", "x two"]
    with pytest.raises(DataError, match="Intended uses"):
        card_section(prose, "Intended uses")
