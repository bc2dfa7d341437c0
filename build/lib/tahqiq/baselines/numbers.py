"""Number suggestions with value, value_max, unit, kind and bound, from Arabic rules (docs/guidelines.md §2).

Reads ASCII and Arabic-Indic digits, thousands separators and decimals (via tahqiq.quantities), scale words
(ألف/آلاف ×1e3, مليون/ملايين ×1e6, مليار/مليارات ×1e9, تريليون ×1e12), `%`, duals (يومين, مركزين), ranges
(`بين 3 مليارات و27 مليار`, `3-5`), bound cue words right before the number (نحو, أكثر من, لم تتجاوز …) and vague
quantities (عشرات الملايين). Digits inside names (R1, GPT-4o, H800, جيميناي 3), dates
and times are left alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tahqiq.baselines.base import (
    ARABIC_LETTER,
    PreAnnotator,
    Suggestion,
    plain,
    without_overlaps,
)
from tahqiq.baselines.entities import date_time_spans, latin_names, product_names
from tahqiq.labels import NUMBER
from tahqiq.quantities import DIGITS, SCALES, parse_digits
from tahqiq.text import PROCLITIC_PREFIX, PROCLITICS

MODEL_VERSION = "numbers-rules-2"

CURRENCIES = {"دولار": "USD", "دولارا": "USD", "دولارات": "USD", "الدولارات": "USD", "يورو": "EUR",
              "يوان": "CNY", "جنيه": "EGP", "جنيها": "EGP", "ين": "JPY", "درهم": "AED", "ريال": "SAR"}
# unit word (plain form) -> (kind, unit)
UNIT_WORDS = {
    "شريحة": ("count", "chip"), "شرائح": ("count", "chip"), "رقاقة": ("count", "chip"), "رقائق": ("count", "chip"),
    "معالج": ("count", "gpu"), "معالجا": ("count", "gpu"), "معالجات": ("count", "gpu"),
    "باحث": ("count", "researcher"), "باحثا": ("count", "researcher"), "باحثين": ("count", "researcher"),
    "متغير": ("count", "parameter"), "معلمة": ("count", "parameter"), "معامل": ("count", "parameter"),
    "مركز": ("count", "position"), "مركزا": ("count", "position"),
    "مستخدم": ("count", "user"), "مستخدما": ("count", "user"), "موظف": ("count", "employee"),
    "موظفا": ("count", "employee"), "شركة": ("count", "company"), "نموذج": ("count", "model"),
    "نموذجا": ("count", "model"), "مرة": ("count", "occasion"), "مرات": ("count", "occasion"),
    "ساعة": ("measure", "hour"), "ساعات": ("measure", "hour"), "يوم": ("measure", "day"),
    "يوما": ("measure", "day"), "أيام": ("measure", "day"), "أسبوع": ("measure", "week"),
    "أسابيع": ("measure", "week"), "شهر": ("measure", "month"), "أشهر": ("measure", "month"),
    "شهرا": ("measure", "month"), "عاما": ("measure", "year"), "سنوات": ("measure", "year"),
    "سنة": ("measure", "year"), "دقيقة": ("measure", "minute"), "دقائق": ("measure", "minute"),
    "بيتابايت": ("measure", "petabyte"), "تيرابايت": ("measure", "terabyte"), "جيجابايت": ("measure", "gigabyte"),
    "كيلومتر": ("measure", "kilometre"), "ميغاواط": ("measure", "megawatt"), "جيجاواط": ("measure", "gigawatt"),
}
MULTI_WORD_UNITS = {"وحدة معالجة رسوم": ("count", "gpu"), "وحدة معالجة رسومات": ("count", "gpu"),
                    "وحدات معالجة رسوم": ("count", "gpu")}
TIMES = ("مرة", "مرات")  # `3 مرات أقل`: a multiplier when a comparative follows
COMPARATIVES = ("أقل", "أكثر", "أكبر", "أصغر", "أسرع", "أرخص", "أعلى", "أضعاف")
DUALS = {"دولارين": ("money", "USD"), "شهرين": ("measure", "month"), "يومين": ("measure", "day"),
         "ساعتين": ("measure", "hour"), "عامين": ("measure", "year"), "سنتين": ("measure", "year"),
         "أسبوعين": ("measure", "week"), "مركزين": ("count", "position"), "مرتين": ("count", "occasion")}
RATES = {"في الساعة": "hour", "للساعة": "hour", "في اليوم": "day", "يوميا": "day", "في الشهر": "month",
         "شهريا": "month", "سنويا": "year", "في العام": "year"}
APPROXIMATE_CUES = ("نحو", "حوالي", "حوالى", "تقارب", "يقارب", "ما يقارب", "قرابة", "ما يقرب من", "زهاء")
BOUND_CUES = {
    "lower": ("ما يزيد عن", "ما يزيد على", "أكثر من", "تجاوزت", "تجاوز", "تخطت", "تخطى", "يتجاوز", "تتجاوز",
              "يزيد عن", "يزيد على", "ما لا يقل عن", "لا يقل عن", "أزيد من"),
    "upper": ("لم تتجاوز", "لم يتجاوز", "لا تتجاوز", "لا يتجاوز", "تصل إلى", "يصل إلى", "ما يصل إلى", "حتى",
              "أقل من"),
}
ORDINALS = {"الأولى": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5}

_DIGITS = DIGITS
_CORE = re.compile(f"(?<![A-Za-z\\-.,٫٬0-9٠-٩]){_DIGITS}(?:\\s?[-–]\\s?{_DIGITS})?(?:\\s?[%٪])?(?![A-Za-z0-9٠-٩])")
_WORD = re.compile(f"\\s+([{ARABIC_LETTER}]+)")
_RANGE = re.compile(f"بين ({_DIGITS})(?: ([{ARABIC_LETTER}]+))? و({_DIGITS})")
_ALL_CUES = (*APPROXIMATE_CUES, *(c for cues in BOUND_CUES.values() for c in cues))
_CUE = re.compile("(?:^|(?<=\\s)|(?<=^[" + PROCLITICS + "])|(?<=\\s[" + PROCLITICS + "]))(?P<cue>"
                  + "|".join(sorted(map(re.escape, _ALL_CUES), key=len, reverse=True)) + ")\\s+$")
_DISTANT_UPPER = re.compile("(?:تصل|يصل)(?:\\s+\\S+){1,3}\\s+إلى\\s+$")
_DUAL = re.compile(f"(?<![{ARABIC_LETTER}]){PROCLITIC_PREFIX}(?P<core>{'|'.join(DUALS)})(?![{ARABIC_LETTER}])")
_VAGUE = re.compile(f"(?<![0-9٠-٩] )(?<![{ARABIC_LETTER}])(?P<core>(?:(?:مئات|عشرات) )?"
                    f"(?:ال)?(?:ملايين|مليارات|تريليونات)(?: الدولارات)?)(?![{ARABIC_LETTER}])")
_ONE = re.compile(f"(?<![{ARABIC_LETTER}]){PROCLITIC_PREFIX}(?P<core>(?P<unit>[{ARABIC_LETTER}]+) (?:واحد|واحدة))"
                  f"(?![{ARABIC_LETTER}])")
ORDINAL_LEAD = "للمرة"
_ORDINAL = re.compile(f"{ORDINAL_LEAD} (?P<core>{'|'.join(ORDINALS)})(?![{ARABIC_LETTER}])")


@dataclass
class _Reading:
    """A number being read left to right: its span so far and its attributes."""

    start: int
    end: int
    value: float | None
    value_max: float | None = None
    kind: str = "count"
    unit: str = "item"
    bound: str = "point"
    approximate: str = "no"

    def suggestion(self) -> Suggestion:
        attrs = {"value": self.value, "value_max": self.value_max, "unit": self.unit, "kind": self.kind,
                 "bound": self.bound, "approximate": self.approximate}
        return Suggestion(NUMBER, "NUM", self.start, self.end, attrs)


def _next_word(text: str, pos: int) -> tuple[str, int] | None:
    match = _WORD.match(text, pos)
    return (match.group(1), match.end()) if match else None


def _read_scale(text: str, reading: _Reading) -> float:
    word = _next_word(text, reading.end)
    if word and plain(word[0]) in SCALES:
        reading.end = word[1]
        return SCALES[plain(word[0])]
    return 1.0


def _read_unit(text: str, reading: _Reading) -> None:
    """Extend the reading over a currency or unit word (and a rate such as `يوميا`), setting kind and unit."""
    for phrase, (kind, unit) in MULTI_WORD_UNITS.items():
        if text.startswith(" " + phrase, reading.end):
            reading.end += len(phrase) + 1
            reading.kind, reading.unit = kind, unit
            return
    word = _next_word(text, reading.end)
    if word is None:
        return
    key = plain(word[0])
    if key in CURRENCIES:
        reading.end, reading.kind, reading.unit = word[1], "money", CURRENCIES[key]
        _read_rate(text, reading)
    elif key in TIMES and (after := _next_word(text, word[1])) and plain(after[0]) in COMPARATIVES:
        reading.end, reading.kind, reading.unit = word[1], "multiplier", "ratio"
    elif key in UNIT_WORDS:
        reading.end = word[1]
        reading.kind, reading.unit = UNIT_WORDS[key]


def _read_rate(text: str, reading: _Reading) -> None:
    for phrase, per in RATES.items():
        if text.startswith(" " + phrase, reading.end):
            reading.end += len(phrase) + 1
            reading.unit = f"{reading.unit}/{per}"
            return


def _read_bound(text: str, reading: _Reading) -> None:
    """A cue word right before the number starts the span: an approximation cue marks it approximate (a range
    too: `نحو 3-5 مرات`), a bound cue sets the bound of a single number; `تصل كفاءتها إلى` sets the bound only."""
    window = text[max(0, reading.start - 30):reading.start]
    match = _CUE.search(window)
    if match:
        cue = match.group("cue")
        if cue in APPROXIMATE_CUES:
            reading.approximate = "yes"
        elif reading.bound == "range":
            return
        else:
            reading.bound = next(b for b, cues in BOUND_CUES.items() if cue in cues)
        reading.start -= len(window) - match.start("cue")
    elif _DISTANT_UPPER.search(window) and reading.bound != "range":
        reading.bound = "upper"


def _read_digits(text: str, match: re.Match) -> _Reading:
    surface = match.group()
    reading = _Reading(match.start(), match.end(), None)
    numbers = re.findall(_DIGITS, surface)
    if surface.rstrip().endswith(("%", "٪")):
        reading.kind, reading.unit = "percent", "percent"
        reading.value = parse_digits(numbers[0])
        if len(numbers) == 2:
            reading.value_max, reading.bound = parse_digits(numbers[1]), "range"
        return reading
    scale = _read_scale(text, reading)
    reading.value = parse_digits(numbers[0]) * scale
    if len(numbers) == 2:
        reading.value_max, reading.bound = parse_digits(numbers[1]) * scale, "range"
    _read_unit(text, reading)
    return reading


def _read_range(text: str, match: re.Match) -> _Reading:
    low, low_word, high = match.group(1), match.group(2), match.group(3)
    reading = _Reading(match.start(), match.end(), None, bound="range")
    high_scale = _read_scale(text, reading)
    low_scale = SCALES.get(plain(low_word or ""), high_scale)
    reading.value, reading.value_max = parse_digits(low) * low_scale, parse_digits(high) * high_scale
    _read_unit(text, reading)
    return reading


def _inside(start: int, end: int, spans: list[Suggestion]) -> bool:
    return any(s.start <= start and end <= s.end for s in spans)


def _digit_readings(text: str, zones: dict[int, str]) -> list[_Reading]:
    names = latin_names(text, zones) + product_names(text) + date_time_spans(text)
    readings = [_read_range(text, m) for m in _RANGE.finditer(text)]
    for match in _CORE.finditer(text):
        if _inside(match.start(), match.end(), names):
            continue
        reading = _read_digits(text, match)
        _read_bound(text, reading)
        readings.append(reading)
    return readings


def _word_readings(text: str) -> list[_Reading]:
    """Quantities without digits: duals, `يوم واحد`, ordinals after ORDINAL_LEAD, vague scale words."""
    readings = []
    for match in _DUAL.finditer(text):
        kind, unit = DUALS[plain(match.group("core"))]
        reading = _Reading(match.start("core"), match.end("core"), 2.0, kind=kind, unit=unit)
        if kind == "money":
            _read_rate(text, reading)
        _read_bound(text, reading)
        readings.append(reading)
    for match in _ONE.finditer(text):
        if plain(match.group("unit")) in UNIT_WORDS:
            kind, unit = UNIT_WORDS[plain(match.group("unit"))]
            readings.append(_Reading(match.start("core"), match.end("core"), 1.0, kind=kind, unit=unit))
    for match in _ORDINAL.finditer(text):
        readings.append(_Reading(match.start("core"), match.end("core"), float(ORDINALS[match.group("core")]),
                                 kind="ordinal", unit="occasion"))
    for match in _VAGUE.finditer(text):
        readings.append(_Reading(match.start("core"), match.end("core"), None, kind="money", unit="USD",
                                 approximate="yes"))
    return readings


def suggest_numbers(text: str, *, zones: dict[int, str]) -> list[Suggestion]:
    """Number suggestions (see module docstring); of overlapping readings the longest wins (a range over the
    numbers inside it)."""
    readings = _digit_readings(text, zones) + _word_readings(text)
    return without_overlaps([r.suggestion() for r in readings])


NUMBERS = PreAnnotator(MODEL_VERSION, NUMBER, suggest_numbers)
