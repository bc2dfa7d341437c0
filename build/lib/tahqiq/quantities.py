"""Reading the digits of an Arabic number expression, so a region's value can be checked against its surface.

`589 مليار دولار` reads as 589e9; `16,000` as 16000; `٣٫٥` as 3.5; in a range (`3 مليارات و27 مليار`) a number
may also take the scale word of the last number."""

from __future__ import annotations

import re

SCALES = {
    "ألف": 1e3, "آلاف": 1e3, "الف": 1e3,
    "مليون": 1e6, "ملايين": 1e6,
    "مليار": 1e9, "مليارات": 1e9, "بليون": 1e9,
    "تريليون": 1e12, "تريليونات": 1e12,
}
_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
DIGITS = "[0-9٠-٩۰-۹]+(?:[.,٫٬][0-9٠-٩۰-۹]+)*"  # digits with decimal points and thousands separators
_NUMBER = re.compile(DIGITS)
_WORD = re.compile(r"\s*([^\s\d]+)")


def parse_digits(raw: str) -> float:
    """`16,000` → 16000; `118.58` → 118.58; a comma followed by exactly three digits separates thousands."""
    ascii_digits = raw.translate(_ARABIC_INDIC).replace("٬", ",").replace("٫", ".")
    parts = ascii_digits.split(",")
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        ascii_digits = "".join(parts)
    else:
        ascii_digits = ascii_digits.replace(",", ".")
    return float(ascii_digits)


def stated_values(surface: str) -> set[float]:
    """Every value the digits of `surface` can stand for, each scaled by the scale word after it."""
    found = []
    for match in _NUMBER.finditer(surface):
        word = _WORD.match(surface, match.end())
        scale = SCALES.get(word.group(1), 1.0) if word else 1.0
        found.append((parse_digits(match.group()), scale))
    if not found:
        return set()
    last_scale = found[-1][1]
    return {n * s for n, s in found} | {n * last_scale for n, _ in found}
