"""Entity suggestions from rules that never look at the gold: Latin-script names, nationality adjectives, dates and
times, and a small hand-written gazetteer of well-known names.

The gazetteer holds world knowledge only (big companies, countries and cities, famous people, common titles); no name
in it occurs only in a test article (tests/test_leaks.py); anything else is left to the annotator. Proclitics
(و ف ب ل ك) glued to a name stay outside the span, as the guidelines ask."""

from __future__ import annotations

import re

from tahqiq.baselines.base import ARABIC_LETTER, PreAnnotator, Suggestion, without_overlaps
from tahqiq.labels import ENTITY
from tahqiq.text import PROCLITIC_PREFIX, split_sentences

MODEL_VERSION = "entities-rules-2"

GAZETTEER: dict[str, tuple[str, ...]] = {
    "ORG": ("إنفيديا", "نفيديا", "انفيديا", "أوبن أي آي", "جوجل", "غوغل", "آبل", "مايكروسوفت", "ميتا", "أمازون",
            "هواوي", "ديب سيك", "بايدو", "علي بابا", "تينسنت", "بايت دانس", "سامسونج", "إنتل", "تسلا", "بلومبرغ",
            "رويترز"),
    "GPE": ("الصين", "الولايات المتحدة", "أميركا", "روسيا", "اليابان", "الهند", "فرنسا", "ألمانيا", "بريطانيا",
            "تايوان", "كوريا الجنوبية", "مصر", "السعودية", "الإمارات", "شنغهاي"),
    "LOC": ("وادي السيليكون", "أفريقيا", "أوروبا"),
    "PERS": ("سام ألتمان", "إيلون ماسك", "دونالد ترامب", "جو بايدن", "شي جين بينغ", "جنسن هوانغ"),
    "PRODUCT": ("شات جي بي تي", "جيميناي", "آب ستور"),
    "OCC": ("الرئيس التنفيذي", "المدير التنفيذي", "الرئيس", "المحلل", "المحللين", "المحللون", "محللون",
            "محللين", "محلل", "مهندسي", "مؤسس", "الباحثين", "باحثون"),
}
LATIN_LABELS = {"OpenAI": "ORG", "Meta": "ORG", "Google": "ORG", "Nvidia": "ORG", "NVIDIA": "ORG",
                "Microsoft": "ORG", "Apple": "ORG", "DeepSeek": "ORG", "Huawei": "ORG",
                "ChatGPT": "PRODUCT", "Gemini": "PRODUCT", "Claude": "PRODUCT", "Llama": "PRODUCT",
                "arXiv": "WEBSITE", "Hugging Face": "WEBSITE", "GitHub": "WEBSITE", "Stargate": "FAC"}
_LATIN_STOPWORDS = {"of", "and", "the", "for", "with"}
NISBA_STEMS = ("صين", "أمريك", "أميرك", "غرب", "ألمان", "بريطان", "روس", "يابان", "كور", "هند",
               "أوروب", "عرب", "مصر", "سعود", "إمارات", "تايوان", "إسرائيل", "إيران", "تركي")
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "إبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر")
WEEKDAYS = ("السبت", "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة")
YEAR_CUES = ("في", "منذ", "بدء", "حتى", "قبل", "بعد", "خلال", "مطلع", "نهاية", "بداية")
DIGIT = "[0-9٠-٩]"

_NOT_LETTER_BEFORE = f"(?<![{ARABIC_LETTER}A-Za-z0-9])"
_NOT_LETTER_AFTER = f"(?![{ARABIC_LETTER}A-Za-z0-9])"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def word_pattern(core: str) -> re.Pattern:
    """A whole word (or phrase), optionally behind proclitics; group `core` is the span."""
    return re.compile(f"{_NOT_LETTER_BEFORE}{PROCLITIC_PREFIX}(?P<core>{core}){_NOT_LETTER_AFTER}")


_GAZETTEER_PATTERNS = {label: word_pattern(_alternation(names)) for label, names in GAZETTEER.items()}
_NISBA = word_pattern(f"(?:ال)?(?:{'|'.join(NISBA_STEMS)})(?:ية|يون|يين|يان|ي)")
_PRODUCT_NUMBER = re.compile(f"(?P<core>{_alternation(GAZETTEER['PRODUCT'])}) {DIGIT}+(?:\\.{DIGIT}+)?"
                             f"{_NOT_LETTER_AFTER}")
_LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*"
                    r"(?: (?:[A-Z][A-Za-z0-9]*|[0-9]+[A-Za-z]+)(?:-[A-Za-z0-9]+)*)*")
_DATE_PATTERNS = [
    word_pattern(f"(?:(?:{_alternation(WEEKDAYS)})، )?(?:{DIGIT}{{1,2}} )?(?:{_alternation(MONTHS)})"
                  f"(?: {DIGIT}{{4}}| الماضي| المقبل| المقبلة)?"),
    word_pattern(f"(?:عام|العام|سنة) {DIGIT}{{4}}"),
    word_pattern("(?:العام|الشهر|الأسبوع|الأعوام|السنوات|الأشهر) (?:الماضي|المقبل|الحالي|الماضية|المقبلة)"),
    word_pattern(f"يوم (?:{_alternation(WEEKDAYS)})"),
    # a bare year only after a time preposition, so that `2000 شريحة` stays a number
    re.compile(f"(?:{_alternation(YEAR_CUES)}) (?P<core>(?:199|20[0-3]){DIGIT})(?!{DIGIT})(?![A-Za-z-])"),
]
_TIME = re.compile(f"(?<!{DIGIT}){DIGIT}{{1,2}}:{DIGIT}{{2}}(?: [مص](?![{ARABIC_LETTER}]))?")


def _found(pattern: re.Pattern, text: str, label: str) -> list[Suggestion]:
    out = []
    for match in pattern.finditer(text):
        start, end = match.span("core") if "core" in pattern.groupindex else match.span()
        out.append(Suggestion(ENTITY, label, start, end))
    return out


def date_time_spans(text: str) -> list[Suggestion]:
    """DATE and TIME suggestions; the number pre-annotator also uses them to leave dates and times alone."""
    found = [s for pattern in _DATE_PATTERNS for s in _found(pattern, text, "DATE")]
    return found + _found(_TIME, text, "TIME")


def latin_names(text: str, zones: dict[int, str]) -> list[Suggestion]:
    """Runs of Latin-script words: a known label from LATIN_LABELS, PRODUCT when they hold a digit, else ORG.

    Generic compounds with function words (`Mixture-of-Experts`) and site-furniture lines are skipped."""
    furniture = _boilerplate_ranges(text, zones)
    out = []
    for match in _LATIN.finditer(text):
        name = match.group()
        words = set(re.split(r"[- ]", name.lower()))
        if words & _LATIN_STOPWORDS or any(a <= match.start() < b for a, b in furniture):
            continue
        label = LATIN_LABELS.get(name) or ("PRODUCT" if re.search("[0-9]", name) else "ORG")
        out.append(Suggestion(ENTITY, label, match.start(), match.end()))
    return out


def _boilerplate_ranges(text: str, zones: dict[int, str]) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text, zones) if s.zone == "boilerplate"]


def product_names(text: str) -> list[Suggestion]:
    """Names with digits written in Arabic script (`جيميناي 3`): never numbers."""
    return [Suggestion(ENTITY, "PRODUCT", m.start("core"), m.end()) for m in _PRODUCT_NUMBER.finditer(text)]


def cue_entities(text: str, *, zones: dict[int, str]) -> list[Suggestion]:
    """What the shape of the text gives without any list of names: Latin-script names, nationality adjectives,
    dates and times; of overlapping candidates the longest wins."""
    found = latin_names(text, zones) + date_time_spans(text) + _found(_NISBA, text, "NORP")
    return without_overlaps(found)


def suggest_entities(text: str, *, zones: dict[int, str]) -> list[Suggestion]:
    """Entity suggestions (see module docstring): the cues plus the gazetteer; the longest of overlaps wins."""
    found = cue_entities(text, zones=zones) + product_names(text)
    for label, pattern in _GAZETTEER_PATTERNS.items():
        found += _found(pattern, text, label)
    return without_overlaps(found)


ENTITIES = PreAnnotator(MODEL_VERSION, ENTITY, suggest_entities)
