"""The dataset's metadata as Croissant 1.0 JSON-LD (`croissant.json` of the Hub repo), with the Responsible-AI
fields of the Croissant RAI vocabulary.

Everything comes from the build's inputs: the Features (record sets and their fields), the Parquet files written
(FileObjects with their sha256), the manifest (provenance), each task's `meta.passes` (who annotated, how, when, from
what), the agreement of the two passes computed at build time, the project version and the card prose (description,
intended uses, limitations, personal information, citation). Nothing here reads or writes files but
`file_digests`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from datasets import ClassLabel, Features, LargeList, List, Value

from tahqiq.agreement import NO_AGREEMENT, AgreementResult, agreement_rows, figure, named_list
from tahqiq.card import TAGS
from tahqiq.errors import ProjectFileInvalid
from tahqiq.manifest import Manifest, sha256_file
from tahqiq.passes import PassLedger
from tahqiq.provenance import PROVENANCE_FILE, SHOWN, Provenance, shown_note

CROISSANT_FILE = "croissant.json"
CONFORMS_TO = ["http://mlcommons.org/croissant/1.0", "http://mlcommons.org/croissant/RAI/1.0"]
PARQUET = "application/x-parquet"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
ANNOTATION_PLATFORM = "Label Studio"
# The @context of Croissant 1.0 as mlcroissant writes it (the examples' terms plus equivalentProperty and
# samplingRate, which mlcroissant warns about when they are missing), with the `rai` prefix.
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
VALUE_TYPES = {"string": "sc:Text", "large_string": "sc:Text", "bool": "sc:Boolean",
               **{f"{sign}int{n}": "sc:Integer" for sign in ("", "u") for n in (8, 16, 32, 64)},
               **{f"float{n}": "sc:Float" for n in (16, 32, 64)}}


def file_digests(folder: Path, paths: list[str]) -> dict[str, str]:
    """sha256 (hex) of each file, by its path relative to `folder`."""
    return {path: sha256_file(folder / path) for path in paths}


# ---- the card prose: the parts the metadata repeats ------------------------------------------------------------

def _plain(markdown: str) -> str:
    """Markdown inline text as plain text: no emphasis, code marks or line breaks."""
    return " ".join(re.sub(r"\*\*|\*(?=\S)|(?<=\S)\*|`", "", markdown).split())


def card_section(prose: str, heading: str) -> str:
    """The body of the card section headed `heading` (any level), up to the next heading."""
    match = re.search(rf"^#+ {re.escape(heading)}\s*$(.*?)(?=^#+ |\Z)", prose, flags=re.MULTILINE | re.DOTALL)
    if match is None or not match.group(1).strip():
        raise ProjectFileInvalid(f"the card prose has no section `{heading}`; croissant.json takes its text from it")
    return match.group(1).strip()


def card_bullets(prose: str, heading: str) -> list[str]:
    """The bullet items of a card section, as plain text."""
    items = re.split(r"^- ", card_section(prose, heading), flags=re.MULTILINE)[1:]
    if not items:
        raise ProjectFileInvalid(f"the card section `{heading}` has no bullet list; croissant.json takes its items "
                                 "from it")
    return [_plain(item) for item in items]


def card_description(prose: str) -> str:
    """The first paragraph of the card after its title."""
    paragraphs = [p for p in re.split(r"\n\s*\n", prose) if p.strip() and not p.lstrip().startswith("#")]
    if not paragraphs:
        raise ProjectFileInvalid("the card prose has no paragraph to describe the dataset with")
    return _plain(paragraphs[0])


def card_citation(prose: str) -> str | None:
    """The BibTeX entry of the card, if it has one."""
    match = re.search(r"```bibtex\n(.*?)```", prose, flags=re.DOTALL)
    return match.group(1).strip() if match else None


# ---- record sets from the Features ----------------------------------------------------------------------------

def _class_sets(features: dict[str, Features]) -> dict[tuple, str]:
    """One enumeration record set per ClassLabel column (or struct key) name and list of names: `class/<name>`."""
    found: dict[tuple, str] = {}

    def visit(name: str, feature) -> None:
        if isinstance(feature, ClassLabel):
            key = (name, *feature.names)
            if key not in found:
                taken = set(found.values())
                found[key] = next(i for i in (f"class/{name}", *(f"class/{name}-{n}" for n in range(2, 99)))
                                  if i not in taken)
        elif isinstance(feature, (List, LargeList)):
            visit(name, feature.feature)
        elif isinstance(feature, dict):
            for sub, inner in feature.items():
                visit(sub, inner)

    for config_features in features.values():
        for column, feature in config_features.items():
            visit(column, feature)
    return found


def class_record_set(names: list[str], set_id: str) -> dict:
    """A categorical record set: the class id as Parquet stores it, and its name."""
    return {
        "@type": "cr:RecordSet", "@id": set_id, "name": set_id, "dataType": "sc:Enumeration",
        "description": "Names of the classes of a ClassLabel: the id stored in the Parquet files is the index.",
        "key": {"@id": f"{set_id}/id"},
        "field": [
            {"@type": "cr:Field", "@id": f"{set_id}/id", "name": "id", "dataType": "sc:Integer",
             "description": "class id, as stored in the Parquet files"},
            {"@type": "cr:Field", "@id": f"{set_id}/name", "name": "name", "dataType": "sc:Text",
             "description": "class name"},
        ],
        "data": [{f"{set_id}/id": index, f"{set_id}/name": name} for index, name in enumerate(names)],
    }


def _leaf(feature, name: str, where: str, class_sets: dict[tuple, str]) -> dict:
    """dataType and description of a scalar feature (`name` is its column or struct key)."""
    if isinstance(feature, ClassLabel):
        names = ", ".join(f"{i} = {n}" for i, n in enumerate(feature.names))
        return {"dataType": "sc:Integer",
                "description": f"ClassLabel: the class id as stored in Parquet; names by id: {names} (record set "
                               f"`{class_sets[(name, *feature.names)]}`)."}
    if isinstance(feature, Value) and feature.dtype in VALUE_TYPES:
        return {"dataType": VALUE_TYPES[feature.dtype]}
    raise ProjectFileInvalid(f"croissant.json cannot describe the feature {feature!r} of {where}")


def _field(feature, *, field_id: str, name: str, source: dict, class_sets: dict[tuple, str],
           nested: bool = False) -> dict:
    """A cr:Field for a column (or, `nested`, a key of the structs of a column) and its feature. A list is a
    `repeated` field, a struct a field of `subField`s read from the same column by a jsonPath."""
    field = {"@type": "cr:Field", "@id": field_id, "name": name}
    if isinstance(feature, (List, LargeList)):
        field["repeated"] = True
        feature = feature.feature
        if isinstance(feature, (List, LargeList)):
            raise ProjectFileInvalid(f"croissant.json cannot describe the list of lists {field_id}")
    if isinstance(feature, dict):
        if nested:
            raise ProjectFileInvalid(f"croissant.json cannot describe the struct inside a struct {field_id}")
        field["subField"] = [
            _field(inner, field_id=f"{field_id}/{sub}", name=sub, class_sets=class_sets, nested=True,
                   source={**source, "transform": {"jsonPath": sub}})
            for sub, inner in feature.items()
        ]
        field["description"] = f"list of structs with the keys {', '.join(feature)}" if field.get("repeated") \
            else f"a struct with the keys {', '.join(feature)}"
        return field
    field.update(_leaf(feature, name, field_id, class_sets))
    field["source"] = source
    return field


def _file_set_id(config: str) -> str:
    return f"{config}-parquet"


def record_set(config: str, features: Features, *, splits: list[str], row_counts: dict[str, int],
               class_sets: dict[tuple, str]) -> dict:
    """The record set of one config: a field per column, read from the config's Parquet files, and `split`, taken
    from each file's name."""
    file_set = {"@id": _file_set_id(config)}
    split_pattern = "|".join(re.escape(s) for s in splits)
    fields = [{
        "@type": "cr:Field", "@id": f"{config}/split", "name": "split", "dataType": "sc:Text",
        "description": f"the split of the row ({', '.join(splits)}), from the name of its Parquet file",
        "source": {"fileSet": file_set, "extract": {"fileProperty": "fullpath"},
                   "transform": {"regex": rf"^(?:.*/)?({split_pattern})-\d{{5}}-of-\d{{5}}\.parquet$"}},
    }]
    fields += [_field(feature, field_id=f"{config}/{column}", name=column, class_sets=class_sets,
                      source={"fileSet": file_set, "extract": {"column": column}})
               for column, feature in features.items()]
    counts = ", ".join(f"{split} {n}" for split, n in row_counts.items())
    return {"@type": "cr:RecordSet", "@id": config, "name": config,
            "description": f"The `{config}` config, rows per split: {counts}.", "field": fields}


def distribution(data_files: dict[str, dict[str, str]], digests: dict[str, str],
                 row_counts: dict[str, dict[str, int]]) -> list[dict]:
    """A FileObject per Parquet file (relative path, sha256) and, per config, the FileSet of its files that its
    record set reads."""
    objects, sets = [], []
    for config, by_split in data_files.items():
        for split, path in by_split.items():
            objects.append(_file_object(path, PARQUET, digests[path],
                                        f"`{config}` config, `{split}` split: {row_counts[config][split]} rows"))
        sets.append({"@type": "cr:FileSet", "@id": _file_set_id(config), "name": _file_set_id(config),
                     "encodingFormat": PARQUET, "includes": list(by_split.values()),
                     "description": f"the Parquet files of the `{config}` config (the FileObjects above)"})
    return objects + sets


def _file_object(path: str, encoding: str, sha256: str, description: str) -> dict:
    return {"@type": "cr:FileObject", "@id": path, "name": path, "contentUrl": path, "encodingFormat": encoding,
            "sha256": sha256, "description": description}


def provenance_object(digests: dict[str, str]) -> dict:
    """The FileObject of provenance.csv: the full list of documents that rai:dataCollection names the first of."""
    return _file_object(PROVENANCE_FILE, "text/csv", digests[PROVENANCE_FILE],
                        "every document: doc_id, split, title and publisher as the text shows them, rights, "
                        "length in code points, sha256 of the text")


# ---- Responsible-AI fields -------------------------------------------------------------------------------------

def _pass_text(record: dict) -> str:
    role = "gold (ground truth)" if record["gold"] else "not gold"
    given = [f"{label} {record[key]}" for key, label in (("annotator", "annotator"), ("kind", "kind"),
                                                        ("date", "date"), ("guidelines", "guidelines"))
             if record[key] is not None]
    what = [f"{key}: {record[key]}" for key in ("made", "saw") if record[key] is not None]
    return (f"Annotation completed_by {record['completed_by']} ({role}; " + ", ".join(given) + "). " +
            "; ".join(what) + f". Documents ({len(record['documents'])}): {named_list(record['documents'])}.")


def annotation_protocol(per_task: list[int], passes: list[dict]) -> list[str]:
    guidelines = sorted({p["guidelines"] for p in passes if p["guidelines"]})
    gold = sorted({str(p["completed_by"]) for p in passes if p["gold"]})
    others = sorted({str(p["completed_by"]) for p in passes if not p["gold"]})
    lead = (f"Annotated in {ANNOTATION_PLATFORM} under written guidelines (version "
            f"{', '.join(guidelines) or 'not recorded'}; docs/guidelines.md of the project repository), with "
            f"{' or '.join(map(str, per_task))} annotations per document: the passes completed_by "
            f"{', '.join(others)} and the gold (completed_by {', '.join(gold)}), which adjudicates between them. "
            "Each pass as recorded in the task's meta.passes of the Label Studio exports (annotations/ in this "
            "repository) follows. Every export is checked by a validator (JSON Schema; offsets, span texts, ids, "
            "links, the text's sha256 against its seed; required attributes and the agreement of numbers with their "
            "values) before anything is built.")
    return [lead, *(_pass_text(p) for p in passes)]


def annotation_analysis(agreement: dict[str, AgreementResult]) -> list[str]:
    """The agreement of the two passes, as computed by the build, one text per set of documents."""
    out = []
    for heading, result in agreement.items():
        if not result.documents:
            continue
        parts = []
        for row in agreement_rows(result):
            attributes = "; ".join(f"{attr} κ {figure(a['kappa'])}, exact match {figure(a['exact_match'])} "
                                   f"over {a['pairs']} matched pairs" for attr, a in row["attributes"].items())
            parts.append(f"{row['layer']}: regions {row['regions_first']} (A) / {row['regions_second']} (B), span F1 "
                         f"exact {figure(row['f1_exact'])}, overlap {figure(row['f1_overlap'])}"
                         + (f"; {attributes}" if attributes else ""))
        out.append(f"{_plain(heading)}: agreement between annotators {result.first} (A) and {result.second} (B), "
                   f"before adjudication, on {len(result.documents)} document(s) ({named_list(result.documents)}). "
                   + ". ".join(parts) + ".")
    if not out:
        return [NO_AGREEMENT]
    return out + ["Span F1 treats one pass as reference (it is symmetric); attribute agreement is over regions matched "
                  "by overlap; κ is Cohen's kappa, n/a when undefined. All annotators are of the kinds listed in "
                  "rai:annotatorDemographics, so these figures show how far the guidelines determine the labels for "
                  "such annotators, not how independent human experts would agree."]


def annotators(passes: list[dict]) -> tuple[list[str], list[str]]:
    """rai:annotatorDemographics and rai:machineAnnotationTools from the passes' annotators and kinds."""
    by_kind: dict[str, list[str]] = {}
    for record in passes:
        annotator = record["annotator"] or f"completed_by {record['completed_by']}"
        kind = record["kind"] or "kind not recorded"
        if annotator not in by_kind.setdefault(kind, []):
            by_kind[kind].append(annotator)
    demographics = [f"{kind}: annotator(s) {', '.join(ids)}" for kind, ids in by_kind.items()]
    tools = [f"{kind} (annotator(s) {', '.join(ids)})" for kind, ids in by_kind.items() if "agent" in kind.lower()
             or "model" in kind.lower()]
    return demographics, tools


def data_collection(manifest: Manifest, records: list[Provenance]) -> str:
    """Provenance of the first SHOWN documents (`provenance.csv` has all)."""
    documents = "; ".join(
        f"{doc.doc_id} ({doc.split}, {doc.code_points} code points, sha256 {doc.sha256}): title "
        f"{doc.title or 'none in the text'}; publisher named in the text: {doc.publisher or 'none'}; rights: "
        f"{doc.rights}" for doc in records[:SHOWN])
    languages = ", ".join(sorted({doc.language for doc in manifest.documents}))
    return (f"{len(manifest.documents)} news articles (language: {languages}), stored exactly as collected, byte "
            "for byte, with their diacritics, tatweel, punctuation and site furniture, because every offset points "
            "into them; the sha256 of each text is checked against the project's seed manifest at every build. The "
            f"manifest records no URL. Provenance as in the manifest: {documents}. {shown_note(records)} "
            f"{manifest.copyright}")


def data_biases(manifest: Manifest, passes: list[dict]) -> list[str]:
    kinds = sorted({p["kind"] for p in passes if p["kind"]})
    sources = sorted({doc.source for doc in manifest.documents if doc.source})
    unnamed = sum(doc.source is None for doc in manifest.documents)
    return [
        f"Topic and outlet: {len(manifest.documents)} articles on one news story; publishers named in the texts: "
        f"{', '.join(sources) or 'none'} ({unnamed} text(s) name none). Spelling variants of names are those of "
        "these outlets.",
        f"Annotators: every pass was made by annotators of the kind(s) {', '.join(kinds) or 'not recorded'}; the "
        "labels reflect how such annotators read the guidelines, not a human expert review.",
    ]


# ---- the whole document ----------------------------------------------------------------------------------------

def croissant_jsonld(*, name: str, version: str, prose: str, manifest: Manifest, features: dict[str, Features],
                     data_files: dict[str, dict[str, str]], digests: dict[str, str],
                     row_counts: dict[str, dict[str, int]], ledger: PassLedger,
                     agreement: dict[str, AgreementResult], provenance: list[Provenance]) -> str:
    """croissant.json: Croissant 1.0 metadata with RAI fields, as indented UTF-8 JSON text. `data_files` maps
    config -> split -> the path of its Parquet file in the repo, `digests` path -> sha256, `agreement` a heading
    (which documents) -> the agreement of the two passes on them, `prose` is the card prose (dataset_card.md)."""
    passes = ledger.records()
    class_sets = _class_sets(features)
    demographics, tools = annotators(passes)
    dates = sorted({p["date"] for p in passes if p["date"]})
    citation = card_citation(prose)
    author = re.search(r"author\s*=\s*\{+([^{}]+)\}+", citation or "")
    splits = list(next(iter(data_files.values())))
    per_task = sorted(ledger.per_task)
    metadata = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": name,
        "description": card_description(prose),
        "url": "README.md",  # the dataset card, next to this file: the repo's own address is not known here
        "version": version,
        "license": [
            {"@type": "sc:CreativeWork", "name": "CC BY 4.0", "url": CC_BY_4,
             "description": "The annotations (regions, attributes, links, sentence and zone segmentation, label "
                            "definitions) are licensed under CC BY 4.0."},
            {"@type": "sc:CreativeWork", "name": "Article texts: copyright of their publishers", "url": "LICENSE",
             "description": manifest.copyright},
        ],
        "inLanguage": sorted({doc.language for doc in manifest.documents}),
        "keywords": TAGS,
        **({"citeAs": citation} if citation else {}),
        **({"creator": {"@type": "sc:Organization", "name": author.group(1).strip()}} if author else {}),
        **({"dateModified": dates[-1]} if dates else {}),
        "distribution": [*distribution(data_files, digests, row_counts), provenance_object(digests)],
        "recordSet": [
            *(record_set(config, config_features, splits=splits, row_counts=row_counts[config],
                         class_sets=class_sets) for config, config_features in features.items()),
            *(class_record_set(list(names), set_id) for (_, *names), set_id in class_sets.items()),
        ],
        "rai:dataCollection": data_collection(manifest, provenance),
        "rai:dataPreprocessingProtocol": [
            "None on the texts: offsets are code points into the unmodified text. Sentences, zones (from the "
            "manifest's line zones) and tokens are derived at build time as the card's Dataset structure says."],
        "rai:dataAnnotationProtocol": annotation_protocol(per_task, passes),
        "rai:dataAnnotationPlatform": [ANNOTATION_PLATFORM],
        "rai:dataAnnotationAnalysis": annotation_analysis(agreement),
        "rai:annotationsPerItem": f"{' or '.join(map(str, per_task))} annotations per document ({ledger.tasks} "
                                  "documents), the gold among them",
        "rai:annotatorDemographics": demographics,
        **({"rai:machineAnnotationTools": tools} if tools else {}),
        "rai:dataUseCases": card_bullets(prose, "Intended uses"),
        "rai:dataLimitations": card_bullets(prose, "Bias, risks and limitations"),
        "rai:dataBiases": data_biases(manifest, passes),
        "rai:personalSensitiveInformation": [_plain(card_section(prose, "Personal and sensitive information"))],
    }
    return json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"
