"""Check a built Hub dataset repo before it ships: the README's YAML against every Parquet file it names.

`datasets` trusts the YAML features over the Parquet data without a word (reordered ClassLabel names, a declared
column missing from the file, label ids out of range all load), so a mismatch must be caught here, before a commit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml
from datasets import ClassLabel, Features, LargeList, List
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard, constants
from huggingface_hub.errors import HFValidationError
from huggingface_hub.repocard import REGEX_YAML_BLOCK
from huggingface_hub.utils import validate_repo_id

from tahqiq.features import config_features
from tahqiq.labels import load_labels
from tahqiq.network import redact, timeout_seconds

REPO_TYPE = "dataset"
CARD_FILE = "README.md"
SCHEMA_FOLDER = "schema"  # the project's schema/ files, copied into the repo by the build
LABELS_IN_REPO = f"{SCHEMA_FOLDER}/labels.yaml"


def bound_hub_calls() -> None:
    """Every later Hub call gives up after $TAHQIQ_TIMEOUT seconds without progress, so an endpoint that accepts
    and never answers cannot hang the command. huggingface_hub passes `timeout=None` (wait for ever) on most calls,
    which overrides any client default, so the bound is set on each request."""
    from huggingface_hub import set_client_factory
    from huggingface_hub.utils._http import default_client_factory

    limit = timeout_seconds()

    def bound(request: httpx2.Request) -> None:
        given = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {phase: min(given.get(phase) or limit, limit)
                                         for phase in ("connect", "read", "write", "pool")}

    def bounded() -> httpx2.Client:
        client = default_client_factory()
        hooks = client.event_hooks
        client.event_hooks = {**hooks, "request": [*hooks.get("request", []), bound]}
        return client

    set_client_factory(bounded)


def endpoint() -> str:
    """The Hub endpoint in use, without any credentials written into it."""
    return redact(constants.ENDPOINT)


def repo_id_problem(repo_id: str) -> str | None:
    """Why `repo_id` is not OWNER/NAME as the Hub accepts it, or None when it is."""
    if repo_id.count("/") != 1:
        return "use OWNER/NAME, e.g. your-user/tahqiq"
    try:
        validate_repo_id(repo_id)
    except HFValidationError as err:
        return str(err)
    return None


def card_yaml(repo: Path) -> str:
    """The YAML block of the repo's README.md exactly as written (empty when there is none)."""
    match = REGEX_YAML_BLOCK.search((repo / CARD_FILE).read_text(encoding="utf-8"))
    return match.group(2) if match else ""


def _class_labels(feature, path: str, array: pa.Array | None = None) -> Iterator[tuple[str, ClassLabel, pa.Array]]:
    """Every ClassLabel inside one column's feature, with a readable path such as `entities[].label` and, when the
    column's Arrow array is given, the array of its class ids."""
    if isinstance(feature, ClassLabel):
        yield path, feature, array
    elif isinstance(feature, dict):
        for name, sub in feature.items():
            yield from _class_labels(sub, f"{path}.{name}", None if array is None else array.field(name))
    elif isinstance(feature, (List, LargeList)):
        yield from _class_labels(feature.feature, f"{path}[]", None if array is None else array.flatten())


def _label_names(features: Features) -> dict[str, list[str]]:
    return {path: label.names for name, feature in features.items() for path, label, _ in _class_labels(feature, name)}


def _data_files(name: str, entry: dict) -> tuple[dict[str, list[str]], list[str]]:
    """split -> file patterns of one `configs` entry, and problems with its form."""
    files = entry.get("data_files")
    if not isinstance(files, list) or not all(isinstance(f, dict) and {"split", "path"} <= f.keys() for f in files):
        return {}, [f"config {name}: data_files must be a list of {{split, path}} entries"]
    splits: dict[str, list[str]] = {}
    for item in files:
        paths = item["path"] if isinstance(item["path"], list) else [item["path"]]
        splits.setdefault(item["split"], []).extend(paths)
    return splits, []


def _compare_features(yaml_features: Features, parquet: pa.Schema, where: str) -> list[str]:
    problems = []
    if list(yaml_features) != parquet.names:
        problems.append(f"{where}: columns differ: YAML {list(yaml_features)} vs Parquet {parquet.names}")
    raw = (parquet.metadata or {}).get(b"huggingface")
    if raw is None:
        return problems + [f"{where}: no Hugging Face features in the Parquet metadata"]
    stored = Features.from_dict(json.loads(raw)["info"]["features"])
    ours, theirs = _label_names(yaml_features), _label_names(stored)
    label_columns = set()
    for path in sorted(ours.keys() | theirs.keys()):
        if ours.get(path) != theirs.get(path):
            label_columns.add(path.split(".")[0].split("[")[0])
            problems.append(f"{where}: ClassLabel names of {path} differ: YAML {ours.get(path)} vs Parquet "
                            f"{theirs.get(path)}")
    for name in [n for n in yaml_features if n in parquet.names]:
        if name not in label_columns and stored.get(name) != yaml_features[name]:
            problems.append(f"{where}: feature of column {name} differs: YAML {yaml_features[name]} vs Parquet "
                            f"{stored.get(name)}")
        expected = yaml_features.arrow_schema.field(name).type
        if parquet.field(name).type != expected:
            problems.append(f"{where}: column {name} is {parquet.field(name).type} in Parquet, YAML implies {expected}")
    return problems


def _label_ids_in_range(yaml_features: Features, table: pa.Table, where: str) -> list[str]:
    problems = []
    for name in table.column_names:
        for path, label, ids in _class_labels(yaml_features[name], name, table.column(name).combine_chunks()):
            low, high = pc.min_max(ids).values()
            if low.is_valid and (low.as_py() < 0 or high.as_py() >= label.num_classes):
                problems.append(f"{where}: {path} has class ids {low.as_py()}..{high.as_py()}, "
                                f"outside 0..{label.num_classes - 1}")
    return problems


def _check_file(path: Path, yaml_features: Features, where: str) -> tuple[int, list[str]]:
    """Rows in one Parquet file and its problems against the YAML features."""
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowInvalid) as err:
        return 0, [f"{where}: not a readable Parquet file: {err}"]
    problems = _compare_features(yaml_features, schema, where)
    if not problems:  # ids are only meaningful once the columns and their labels agree
        labelled = [n for n in schema.names if any(_class_labels(yaml_features[n], n))]
        problems += _label_ids_in_range(yaml_features, pq.read_table(path, columns=labelled), where)
    return pq.read_metadata(path).num_rows, problems


def _check_config(repo: Path, name: str, entry: dict, info: DatasetInfo | None) -> list[str]:
    splits, problems = _data_files(name, entry)
    if info is None or info.features is None:
        return problems + [f"config {name}: no dataset_info features in the YAML"]
    declared = set(info.splits or {})
    if set(splits) != declared:
        problems.append(f"config {name}: splits in configs {sorted(splits)} vs dataset_info {sorted(declared)}")
    for split, patterns in splits.items():
        files = sorted(f for pattern in patterns for f in repo.glob(pattern) if f.is_file())
        if not files:
            problems.append(f"config {name}, split {split}: no file matches {patterns}")
        rows = 0
        for path in files:
            count, file_problems = _check_file(path, info.features, path.relative_to(repo).as_posix())
            rows += count
            problems += file_problems
        expected = info.splits[split].num_examples if split in declared else None
        if files and expected is not None and expected != rows:
            problems.append(f"config {name}, split {split}: dataset_info says {expected} rows, Parquet has {rows}")
    return problems


def verify_repo(path: Path) -> list[str]:
    """Problems of a built dataset repo: YAML configs, splits, columns and ClassLabels against its Parquet files, and
    the features against the repo's own schema/labels.yaml. An empty list means it loads as its card says."""
    if not (path / CARD_FILE).is_file():
        return [f"no {CARD_FILE} in {path}"]
    try:
        data = DatasetCard.load(path / CARD_FILE).data
    except (ValueError, yaml.YAMLError) as err:
        return [f"{CARD_FILE}: the card YAML cannot be read: {err}"]
    configs = MetadataConfigs.from_dataset_card_data(data)
    infos = DatasetInfosDict.from_dataset_card_data(data)
    if not configs:
        return [f"{CARD_FILE}: no `configs` in the card YAML"]
    problems = []
    if set(infos) - set(configs):
        problems.append(f"dataset_info names configs that `configs` lacks: {sorted(set(infos) - set(configs))}")
    if len(configs) > 1 and sum(bool(c.get("default")) for c in configs.values()) != 1:
        problems.append("exactly one config must be marked `default: true`")
    for name, entry in configs.items():
        problems += _check_config(path, name, entry, infos.get(name))
    if (path / LABELS_IN_REPO).is_file():
        expected = config_features(load_labels(path / LABELS_IN_REPO))
        for name, info in infos.items():
            if name in expected and info.features != expected[name]:
                problems.append(f"config {name}: YAML features differ from those {LABELS_IN_REPO} defines")
    return problems
