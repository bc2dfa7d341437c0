"""What every call to a server shares: a bound on how long it may take, and words about its failures that never
carry a secret (a token, a password in a URL, an echoed header)."""

from __future__ import annotations

import math
import os
import re

from tahqiq.errors import UsageError

TIMEOUT_ENV = "TAHQIQ_TIMEOUT"
DEFAULT_TIMEOUT = 60.0  # seconds for any one connect, read or write of a Hub or Label Studio call
_SECRETS = [
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/\s@]+@", re.I), r"\1***@"),  # user:password@ in a URL
    (re.compile(r"\bhf_[A-Za-z0-9]{8,}"), "hf_***"),
    (re.compile(r"((?:authorization|token|bearer|cookie|password|api[_-]?key)[\"']?\s*[:=]?\s*[\"']?)"
                r"(?:(?:token|bearer|basic)\s+)?[^\s\"',;}]+", re.I), r"\1***"),
    (re.compile(r"\b(basic|bearer)\s+[A-Za-z0-9+/=._-]{6,}", re.I), r"\1 ***"),
    (re.compile(r"\b[0-9a-f]{32,}\b", re.I), "***"),  # long hex strings: API tokens, session keys
]


MAX_TIMEOUT = 3600.0


def timeout_seconds() -> float:
    """$TAHQIQ_TIMEOUT (seconds, more than 0 and at most an hour), else the default; anything else is refused."""
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_TIMEOUT:
        raise UsageError(f"${TIMEOUT_ENV}={raw!r} is not a number of seconds between 0 and {MAX_TIMEOUT:.0f}")
    return value


def redact(text: object, *, limit: int = 300) -> str:
    """`text` with anything credential-shaped masked, cut to `limit` characters."""
    out = str(text)
    for pattern, replacement in _SECRETS:
        out = pattern.sub(replacement, out)
    return out if len(out) <= limit else out[:limit] + "…"
