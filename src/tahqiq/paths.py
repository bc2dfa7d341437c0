"""Where the project's files live. The package is installed editable from its repository, so the repository root is
two levels above this folder; TAHQIQ_ROOT overrides it (tests point it at copies)."""

import os
from pathlib import Path

ROOT = Path(os.environ.get("TAHQIQ_ROOT") or Path(__file__).resolve().parents[2])
SCHEMA_DIR = ROOT / "schema"
LABELS_FILE = SCHEMA_DIR / "labels.yaml"
EXPORT_SCHEMA_FILE = SCHEMA_DIR / "export.schema.json"
LABELING_CONFIG_FILE = SCHEMA_DIR / "labeling_config.xml"
SEEDS_DIR = ROOT / "seeds"
MANIFEST_FILE = SEEDS_DIR / "manifest.yaml"
ANNOTATIONS_DIR = ROOT / "annotations"
CARD_PROSE_FILE = ROOT / "dataset_card.md"
CHECKS_DOC_FILE = ROOT / "docs" / "checks.md"
DIST_HUB_DIR = ROOT / "dist" / "hub"
HUB_ANNOTATIONS_FOLDER = "annotations"  # where a built repo carries its Label Studio exports
DATA_LICENSE_FILE = ROOT / "LICENSE-DATA.md"
