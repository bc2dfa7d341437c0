"""Level 1 reading: an export file task by task, in memory that does not grow with the number of tasks.

Label Studio writes an export as one JSON array of tasks. The reader cuts the array into the byte ranges of its
elements in fixed-size chunks (a vectorised scan for the quotes and brackets outside strings), and each element is
parsed on its own: `orjson` first, then Python's strict parser wherever orjson is not the last word (a key written
twice, an integer beyond 64 bits, anything it refuses) so that every message is the one the whole-file parser
gives, placed in the file by `file_position`. Where the framing itself breaks, `Unframed` says at which byte; the
caller decides whether to read the file whole for the exact message (`validate.Run`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from tahqiq.strictjson import MISSING, JsonFault, json_fault

CHUNK_BYTES = 8 << 20  # read size; a task longer than this is carried over whole to the next read
BOM = b"\xef\xbb\xbf"
_QUOTE, _BACKSLASH, _OPEN, _CLOSE = 1, 2, 3, 4
_CLASSES = bytes(_QUOTE if c == ord('"') else _BACKSLASH if c == ord("\\") else _OPEN if c in b"{[" else
                 _CLOSE if c in b"}]" else 0 for c in range(256))
_WHITESPACE = b" \t\r\n"
# A bare integer of 19 digits or more (where a value starts: not inside a hash or a word in a string): orjson
# reads one beyond 64 bits as a float, Python does not. Any run of 19 digits is looked for first (fast).
_DIGITS = bytes(ord("0") if chr(c).isdigit() and c < 128 else c for c in range(256))
_LONG_DIGITS = b"0" * 19
_BIG_INT = re.compile(rb"(?:^|[:\[,\s])-?[0-9]{19}")


class Unframed(Exception):
    """The file is not a JSON array whose elements the scan can cut out, from byte `offset` on."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


@dataclass(frozen=True)
class RawTask:
    """One element of the export's array: its JSON text and where it starts in the file, or its value when the
    whole file had to be parsed."""

    index: int
    data: bytes | None
    value: Any = None
    offset: int = 0


def element_ends(buf: bytes) -> list[int]:
    """End offsets (exclusive) of the arrays and objects that close at depth 1 in `buf`, which starts inside the
    top-level array and outside any string. Quotes escaped by a backslash do not count; a backslash escapes exactly
    the next byte."""
    if b"\\\\" in buf:  # escaped backslashes: blank them (same length) so that `\\"` ends its string
        buf = buf.replace(b"\\\\", b"__")
    classes = np.frombuffer(buf.translate(_CLASSES), np.uint8)
    where = np.flatnonzero(classes != 0)  # only quotes, backslashes and brackets from here on
    kinds = classes[where]
    quote = kinds == _QUOTE
    after = np.flatnonzero(kinds[:-1] == _BACKSLASH) + 1
    quote[after[where[after] == where[after - 1] + 1]] = False  # the byte right after a backslash is escaped
    inside = np.bitwise_xor.accumulate(quote.view(np.uint8))  # an odd number of quotes so far: in a string
    brackets = np.flatnonzero(kinds >= _OPEN)
    brackets = brackets[inside[brackets] == 0]
    step = np.where(kinds[brackets] == _OPEN, 1, -1).astype(np.int32)
    depth = np.cumsum(step) + 1
    return (where[brackets[(depth == 1) & (step == -1)]] + 1).tolist()


def _skip_space(buf: bytes, at: int) -> int:
    while at < len(buf) and buf[at] in _WHITESPACE:
        at += 1
    return at


def scan_tasks(path: Path, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[RawTask]:
    """The elements of the top-level array of `path`, in order. Raises Unframed when the file is not an array of
    objects and arrays separated by commas (the caller then says where, or reads it whole). A read that ends no
    element is followed by a larger one, so one long element is scanned a few times, not once per chunk."""
    with open(path, "rb") as fh:
        buf = fh.read(chunk_bytes)
        dropped = len(BOM) if buf.startswith(BOM) else 0  # bytes of the file before buf[0]
        buf = buf[dropped:]
        at = _skip_space(buf, 0)
        if buf[at:at + 1] != b"[":
            raise Unframed(dropped + at)
        start, index, done = at + 1, 0, False
        while not done:
            more = fh.read(max(chunk_bytes, len(buf) - start))
            done = not more
            dropped += start
            buf = buf[start:] + more
            start = 0
            for end in element_ends(buf):
                at = _skip_space(buf, start)
                if index:
                    if buf[at:at + 1] != b",":
                        raise Unframed(dropped + at)
                    at = _skip_space(buf, at + 1)
                if buf[at:at + 1] not in (b"{", b"["):
                    raise Unframed(dropped + at)  # a number, string or literal element, or junk
                yield RawTask(index, buf[at:end], offset=dropped + at)
                index, start = index + 1, end
        at = _skip_space(buf, start)
        if buf[at:at + 1] != b"]" or _skip_space(buf, at + 1) != len(buf):
            raise Unframed(dropped + at)


def file_position(path: Path, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points, after a byte-order mark) of byte `offset` of a UTF-8 file, as
    Python's JSON parser counts them."""
    line, column = 1, 1
    with open(path, "rb") as fh:
        head = fh.read(len(BOM))
        rest = offset - (len(BOM) if head == BOM else 0)
        if head != BOM:
            fh.seek(0)
        while rest > 0:
            chunk = fh.read(min(CHUNK_BYTES, rest))
            if not chunk:
                break
            rest -= len(chunk)
            newlines = chunk.count(b"\n")
            line += newlines
            tail = chunk[chunk.rfind(b"\n") + 1:] if newlines else chunk
            column = (1 if newlines else column) + len(tail.translate(None, _CONTINUATION))
    return line, column


_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that do not start a code point


def parse_task_json(data: bytes) -> tuple[Any, JsonFault | None]:
    """A task's JSON as strictly as `json_fault`: (value, None), or (MISSING, the fault). orjson answers when it can
    be sure: no key written twice (every key it kept is counted in the raw text), no integer it would turn into a
    float, nothing it cannot write back. Everything else goes to the strict parser."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _strict(data)
    try:
        if (_LONG_DIGITS in data.translate(_DIGITS) and _BIG_INT.search(data)) or not _keys_kept(data, value):
            return _strict(data)
    except orjson.JSONEncodeError:  # deeper than orjson writes (255 levels)
        return _strict(data)
    return value, None


def _keys_kept(data: bytes, value: Any) -> bool:
    """True when no key of `data` was dropped as a repeat: the raw text has no more key ends (`"` then `:`, with
    or without whitespace between) than the value has keys. A string holding `":` makes the count unsure, and then
    the answer is False."""
    dumped = orjson.dumps(value)
    if b'\\":' in dumped:
        return False
    ends = data.count(b'":') + len(_SPACED_KEY_END.findall(data))
    return ends <= dumped.count(b'":')


_SPACED_KEY_END = re.compile(rb'"[ \t\r\n]+:')


def _strict(data: bytes) -> tuple[Any, JsonFault | None]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return MISSING, JsonFault(f"not UTF-8: {err}", code="file-unreadable")
    return json_fault(text)
