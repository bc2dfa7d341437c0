"""Files the build writes as rows arrive, in memory that does not grow with the data: Parquet in row groups of a
fixed size (so the bytes do not depend on how the work was split), and CoNLL blocks whose tag columns are padded
to the deepest nesting once it is known."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

ROWS_PER_GROUP = 1_000


class ParquetSink:
    """One Parquet file with the HF features in its schema metadata, written from Arrow tables of encoded rows
    (`batches.arrow_table`) in row groups of ROWS_PER_GROUP, however the tables were cut."""

    def __init__(self, path: Path, schema: pa.Schema):
        """`schema` is the features' `arrow_schema` (their metadata included)."""
        self.path = path
        self.schema = schema
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.rows = 0
        self.nbytes = 0  # the Arrow size of what was written, which the card reports
        self._writer: pq.ParquetWriter | None = None

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self.pending_rows += table.num_rows
        if self.pending_rows >= ROWS_PER_GROUP:
            whole = pa.concat_tables(self.pending).combine_chunks()
            groups = self.pending_rows // ROWS_PER_GROUP * ROWS_PER_GROUP
            self._write(whole.slice(0, groups))
            rest = whole.slice(groups)
            self.pending, self.pending_rows = [rest], rest.num_rows

    def _write(self, table: pa.Table) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.path, self.schema)
        self._writer.write_table(table, row_group_size=ROWS_PER_GROUP)
        self.rows += table.num_rows
        self.nbytes += table.nbytes

    def close(self) -> None:
        if self.pending_rows or self._writer is None:  # an empty split still gets its (empty) file
            self._write(pa.concat_tables(self.pending).combine_chunks() if self.pending
                        else self.schema.empty_table())
            self.pending, self.pending_rows = [], 0
        assert self._writer is not None
        self._writer.close()


class ConllSink:
    """One CoNLL file: sentence blocks as they come, each with as many tag columns as it nests; `close(depth)` pads
    every block to `depth` columns (one more pass over the file, only when some block has fewer)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in close()
        self.depths: set[int] = set()

    def add(self, blocks: list[tuple[str, int]]) -> None:
        """Sentence blocks in order, each with the number of tag columns it has."""
        self._fh.write("".join(block + "\n" for block, _ in blocks))
        self.depths.update(depth for _, depth in blocks)

    def close(self, depth: int) -> None:
        self._fh.close()
        if self.depths <= {depth}:
            return
        padded = self.path.with_name(f".{self.path.name}.padded")
        with open(self.path, encoding="utf-8", newline="\n") as src, \
                open(padded, "w", encoding="utf-8", newline="\n") as out:
            for blocks in _blocks(src):
                out.write("".join(pad_block(block, depth) + "\n" for block in blocks))
        os.replace(padded, self.path)


def _blocks(src: TextIO, chunk: int = 1 << 22) -> Iterator[list[str]]:
    """The sentence blocks of a CoNLL file (each ends with a newline; a blank line follows it), read in chunks."""
    rest = ""
    while text := src.read(chunk):
        blocks = (rest + text).split("\n\n")
        rest = blocks.pop()
        yield [block + "\n" for block in blocks]


def pad_block(block: str, depth: int) -> str:
    """A block with `O` tag columns added to every token line until it has `depth` of them."""
    head, _, tokens = block.partition("\n")
    have = tokens[:tokens.index("\n")].count("\t") if tokens else depth
    if have >= depth:
        return block
    return head + "\n" + tokens.replace("\n", "\tO" * (depth - have) + "\n")


class ExportShards:
    """Label Studio tasks as export files (JSON arrays) of at most `per_file` tasks each, `tasks-00000.json` on, in
    the order they come: a folder of one file per document would not scale to a large corpus (nor to the Hub)."""

    def __init__(self, folder: Path, per_file: int = 1000):
        self.folder = folder
        self.per_file = per_file
        self._fh: BinaryIO | None = None
        self._in_file = 0
        self.files = 0

    def add(self, tasks: list[bytes]) -> None:
        """Tasks in order, each as one line of JSON."""
        while tasks:
            if self._fh is None or self._in_file == self.per_file:
                self._end()
                self.folder.mkdir(parents=True, exist_ok=True)
                self._fh = open(self.folder / f"tasks-{self.files:05d}.json", "wb")  # noqa: SIM115 - in _end
                self.files += 1
                self._in_file = 0
            now, tasks = tasks[:self.per_file - self._in_file], tasks[self.per_file - self._in_file:]
            self._fh.write((b"[\n" if self._in_file == 0 else b",\n") + b",\n".join(now))
            self._in_file += len(now)

    def _end(self) -> None:
        if self._fh is not None:
            self._fh.write(b"\n]\n")
            self._fh.close()
            self._fh = None

    def close(self) -> None:
        self._end()
