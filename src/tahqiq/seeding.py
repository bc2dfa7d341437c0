"""Adding an article to the corpus: its text byte for byte in seeds/, its sha256, split and the zones of its
non-body lines in seeds/manifest.yaml.

Zones are proposed from the text (a first line as title, byline and dateline lines, Latin-script captions, site
furniture, repeated lines) for the maintainer to confirm; the entry is appended to the manifest as text, so its
comments and layout stay, and the seed and the manifest are written together or not at all. A text already in
the manifest is refused, and so is a taken doc id: a document never changes split (a test document never moves
to train)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tahqiq.atomic import atomic_write_many
from tahqiq.errors import ManifestInvalid, SeedRefused
from tahqiq.manifest import DOC_ID_MAX, SPLITS, Manifest, load_manifest, safe_doc_id, sha256_text
from tahqiq.yamlfile import load_yaml

DEFAULT_COPYRIGHT = "© its original publisher, whom the text does not name; not licensed by Tahqiq"
_BYLINE = re.compile(r"^(مراجعة|كتب|كتبت|بقلم|تحرير|إعداد|تقرير|حوار)\s*[:：]")
_DAY_OR_MONTH = re.compile(r"الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|يناير|فبراير|مارس|أبريل|"
                           r"مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|كانون|شباط|آذار|نيسان|أيار|حزيران|"
                           r"تموز|آب|أيلول|تشرين")
_YEAR = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])")
# Site furniture is a short line of its own ("شارك", "ابحث عن …"): matched anywhere, these words would also take
# body sentences ("وشارك في الاجتماع …", "ارتفعت المشاركة …"). Only "click here" and a run of tatweel mark a
# line of any length.
_FURNITURE = re.compile(r"^(?:اضغط|ابحث عن|اقرأ أيض|للمزيد|تابعونا|شارك|Back Top$|خاص$)", re.IGNORECASE)
_FURNITURE_WORDS = 4
_FURNITURE_ANYWHERE = re.compile(r"(?<!\S)اضغط هن|ـ{3,}")
_LATIN_ONLY = re.compile(r"[A-Za-z0-9 .\-]+")
_SHORT_WORDS = 3  # a caption is a short line
_DATELINE_WORDS = 8


@dataclass(frozen=True)
class NewSeed:
    doc_id: str
    split: str
    sha256: str
    title: str | None
    zones: dict[str, list[int]]
    path: Path


def _zone_of(number: int, line: str, earlier: dict[str, int], zones: dict[int, str]) -> str | None:
    words = len(line.split())
    if line in earlier and (zones.get(earlier[line]) == "title" or words > _SHORT_WORDS):
        return "duplicate"
    if number == 0:
        return "title"
    if _BYLINE.match(line):
        return "byline"
    if (words <= _FURNITURE_WORDS and _FURNITURE.match(line)) or _FURNITURE_ANYWHERE.search(line):
        return "boilerplate"
    if words <= _DATELINE_WORDS and _DAY_OR_MONTH.search(line) and _YEAR.search(line):
        return "dateline"
    if words <= _SHORT_WORDS and _LATIN_ONLY.fullmatch(line):
        return "caption"
    return None


def propose_zones(text: str) -> dict[int, str]:
    """Line number (0-based, text.split("\\n")) -> zone, for the lines that look like no body text."""
    zones: dict[int, str] = {}
    earlier: dict[str, int] = {}
    for number, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line:
            continue
        zone = _zone_of(number, line, earlier, zones)
        if zone is not None:
            zones[number] = zone
        earlier.setdefault(line, number)
    return zones


def read_article(path: Path) -> str:
    """The file's text, refused unless it is non-empty UTF-8 (strictly decoded, so its UTF-8 is the file's bytes)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SeedRefused(f"{path} is not UTF-8 (byte {err.start}); save it as UTF-8 first") from None
    if not text.strip():
        raise SeedRefused(f"{path} holds no text")
    return text


def default_doc_id(manifest: Manifest, sha256: str) -> str:
    """The next number of the corpus and the start of the text's sha256, like `005_1a2b3c4d5e6f7a8b`."""
    numbers = [int(m[1]) for d in manifest.documents if (m := re.match(r"([0-9]+)_", d.doc_id))]
    return f"{max(numbers, default=-1) + 1:03d}_{sha256[:16]}"


def _check_new(manifest: Manifest, doc_id: str, split: str, sha256: str) -> None:
    if split not in SPLITS:
        raise SeedRefused(f"split {split!r}: the splits are {', '.join(SPLITS)}")
    if not safe_doc_id(doc_id):
        raise SeedRefused(f"doc id {doc_id!r} is not a safe file name (letters, digits, _ . -, no leading dot or "
                          f"-, at most {DOC_ID_MAX} characters)")
    same_text = [d.doc_id for d in manifest.documents if d.sha256 == sha256]
    if same_text:
        raise SeedRefused(f"this text is already in the manifest as {same_text[0]}; a document is added once and "
                          "never changes split")
    if doc_id in manifest.by_id:
        raise SeedRefused(f"doc id {doc_id} is taken (split {manifest.by_id[doc_id].split}); choose another with "
                          "--doc-id")


def _entry_text(seed: NewSeed, copyright_line: str) -> str:
    """The manifest entry in the layout of the existing ones (JSON scalars are YAML flow scalars)."""
    def scalar(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    zones = "{" + ", ".join(f"{zone}: {lines}" for zone, lines in seed.zones.items()) + "}"
    return (f"  - doc_id: {scalar(seed.doc_id)}\n    copyright: {scalar(copyright_line)}\n"
            f"    sha256: {scalar(seed.sha256)}\n"
            f"    title: {scalar(seed.title)}\n    source: null\n    language: ar\n    split: {seed.split}\n"
            f"    zones: {zones}\n")


def add_seed(*, manifest_file: Path, text: str, split: str, zones: dict[int, str], doc_id: str | None = None,
             copyright_line: str = DEFAULT_COPYRIGHT) -> NewSeed:
    """Copy an article (its text as `read_article` gave it, the text its zones were confirmed on) into the seeds
    folder and append its manifest entry, both at once. `zones` are the confirmed ones (line number -> zone)."""
    manifest = load_manifest(manifest_file)
    sha256 = sha256_text(text)
    doc_id = doc_id or default_doc_id(manifest, sha256)
    _check_new(manifest, doc_id, split, sha256)
    by_zone: dict[str, list[int]] = {}
    for number, zone in sorted(zones.items()):
        by_zone.setdefault(zone, []).append(number)
    title_lines = by_zone.get("title", [])
    seed = NewSeed(doc_id=doc_id, split=split, sha256=sha256, zones=by_zone,
                   title=text.split("\n")[title_lines[0]].strip() if title_lines else None,
                   path=manifest_file.parent / f"{doc_id}.txt")
    old_text = manifest_file.read_text(encoding="utf-8")
    new_text = old_text + ("" if old_text.endswith("\n") else "\n") + _entry_text(seed, copyright_line)
    old, new = load_yaml(old_text), load_yaml(new_text)
    expected = {"doc_id": doc_id, "copyright": copyright_line, "sha256": sha256, "title": seed.title,
                "source": None, "language": "ar", "split": split, "zones": by_zone}
    if new.get("documents") != [*old["documents"], expected] or {**new, "documents": None} != \
            {**old, "documents": None}:
        raise ManifestInvalid(f"{manifest_file} does not end with its `documents` list, so the new entry cannot be "
                              "appended; move `documents` to the end of the file")
    if seed.path.exists():
        raise SeedRefused(f"{seed.path} exists already but is not in the manifest; move it away first")
    atomic_write_many({seed.path: text.encode("utf-8"), manifest_file: new_text.encode("utf-8")})
    return seed
