"""Claim-sentence cues: a title or body sentence with a number (as the number rules find them), a reporting verb,
an estimate or a hedge is suggested as one claim, with checkworthy / claim_type / modality guessed from cue words
(docs/guidelines.md §3).

Sentences come from tahqiq.text (every newline is a boundary); duplicated lines and other zones are skipped, as
the guidelines exclude them. A leading proclitic و/ف and the final punctuation stay outside the span."""

from __future__ import annotations

import re

from tahqiq.baselines.base import ARABIC_LETTER, PreAnnotator, Suggestion, plain
from tahqiq.baselines.numbers import suggest_numbers
from tahqiq.labels import CLAIM
from tahqiq.text import BODY, PROCLITICS, TITLE, split_sentences

MODEL_VERSION = "claims-rules-1"

REPORTING = ("بحسب", "وفقا", "حسبما", "حسب", "قال", "قالت", "أكد", "أكدت", "أعلن", "أعلنت", "تزعم", "يزعم",
             "يقال", "ذكرت", "ذكر", "أفادت", "أفاد", "كشفت", "كشف", "صرح", "أشار", "أشارت")
ESTIMATE = ("التقديرات", "تقدر", "يقدر", "تقديرات")
HEDGES = ("من المتوقع", "من المرجح", "يتوقع", "يعتقد", "يأمل", "ربما", "توقعات", "يرجح")
CLAIM_TYPES = (  # first match wins
    ("policy", ("حظر", "قيود", "تعريفات", "تصدير", "عقوبات", "قانون", "الحكومة")),
    ("cost", ("تكلفة", "كلفة", "تكاليف", "بتكلفة", "سعر")),
    ("market", ("سهم", "أسهم", "السوق", "السوقية", "قيمة", "تقييم", "استثمار", "استثمارات", "تحميل", "تنزيل",
                "المستثمرين", "خسائر")),
    ("technical", ("تدريب", "بنية", "معالج", "معالجات", "شريحة", "شرائح", "بيانات", "متغير", "معلمة")),
    ("capability", ("أداء", "قدرة", "قدرات", "كفاءة", "يتفوق", "تفوق", "متفوقا")),
)
_LEADING_CLITIC = re.compile(f"^[وف](?=[{ARABIC_LETTER}]{{2,}})(?!وفق|وصف|وصل|وضع|وقع|وجد|وفر)")
_TRAILING = ".،,:؛;!?؟… "
_MIN_CHARS = 15  # shorter cue-bearing lines are headings, not claims


def _words(sentence: str) -> set[str]:
    """The plain words of a sentence, each also without one leading proclitic (`وبحسب` → `بحسب`)."""
    words = set(re.findall(f"[{ARABIC_LETTER}]+", plain(sentence)))
    return words | {w[1:] for w in words if w[0] in PROCLITICS and len(w) > 3}


def _has_any(sentence: str, words: set[str], cues) -> bool:
    flat = plain(sentence)
    return any((" " in c and c in flat) or c in words for c in cues)


def _modality(sentence: str, words: set[str]) -> str:
    if re.search(f"(?<![{ARABIC_LETTER}])قد [يت]", plain(sentence)) or _has_any(sentence, words, HEDGES):
        return "speculative"
    if _has_any(sentence, words, ESTIMATE):
        return "estimated"
    if _has_any(sentence, words, REPORTING):
        return "reported"
    return "asserted"


def _claim_type(words: set[str], modality: str) -> str:
    for claim_type, cues in CLAIM_TYPES:
        if words & set(cues):
            return claim_type
    return "forecast" if modality == "speculative" else "other"


def trim_claim(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence's claim span: final punctuation and a leading proclitic و/ف outside (docs/guidelines.md §3)."""
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    if _LEADING_CLITIC.match(text[start:end]):
        start += 1
    return start, end


def suggest_claims(text: str, *, zones: dict[int, str]) -> list[Suggestion]:
    """Claim suggestions (see module docstring)."""
    numbers = suggest_numbers(text, zones=zones)
    out = []
    for sentence in split_sentences(text, zones):
        if sentence.zone not in (TITLE, BODY):
            continue
        raw = text[sentence.start:sentence.end]
        words = _words(raw)
        has_number = any(sentence.start <= n.start and n.end <= sentence.end for n in numbers)
        modality = _modality(raw, words)
        if not has_number and modality == "asserted":
            continue
        start, end = trim_claim(text, sentence.start, sentence.end)
        if end - start < _MIN_CHARS:
            continue
        attrs = {"checkworthy": "yes" if has_number or modality != "speculative" else "no",
                 "claim_type": _claim_type(words, modality), "modality": modality}
        out.append(Suggestion(CLAIM, "CLAIM", start, end, attrs))
    return out


CLAIMS = PreAnnotator(MODEL_VERSION, CLAIM, suggest_claims)
