"""Files the build writes as rows arrive, in memory that does not grow with the data: Parquet in row groups of a
fixed size (so the bytes do not depend on how the work was split), and CoNLL blocks whose tag columns are padded
to the deepest nesting once it is known."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

ROWS_PER_GROUP = 10_000


class ParquetSink:
    """One Parquet file with the HF features in its schema metadata; rows come in already encoded
    (`features.row_encoder`)."""

    def __init__(self, path: Path, features: Features):
        self.path = path
        self.schema = features.arrow_schema
        self.pending: list[dict] = []
        self.rows = 0
        self.nbytes = 0  # the Arrow size of what was written, which the card reports
        self._writer: pq.ParquetWriter | None = None

    def add(self, rows: list[dict]) -> None:
        self.pending += rows
        while len(self.pending) >= ROWS_PER_GROUP:
            self._write(self.pending[:ROWS_PER_GROUP])
            del self.pending[:ROWS_PER_GROUP]

    def _write(self, rows: list[dict]) -> None:
        table = pa.Table.from_pylist(rows, schema=self.schema)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.path, self.schema)
        self._writer.write_table(table, row_group_size=ROWS_PER_GROUP)
        self.rows += table.num_rows
        self.nbytes += table.nbytes

    def close(self) -> None:
        if self.pending or self._writer is None:  # an empty split still gets its (empty) file
            self._write(self.pending)
            self.pending = []
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

    def add(self, block: str, depth: int) -> None:
        self._fh.write(block + "\n")
        self.depths.add(depth)

    def close(self, depth: int) -> None:
        self._fh.close()
        if self.depths <= {depth}:
            return
        padded = self.path.with_name(f".{self.path.name}.padded")
        with open(self.path, encoding="utf-8", newline="\n") as src, \
                open(padded, "w", encoding="utf-8", newline="\n") as out:
            for block in _blocks(src):
                out.write(pad_block(block, depth) + "\n")
        os.replace(padded, self.path)


def _blocks(src: TextIO) -> Iterator[str]:
    """The sentence blocks of a CoNLL file (each ends with a newline; a blank line follows it)."""
    block: list[str] = []
    for line in src:
        if line == "\n":
            yield "".join(block)
            block = []
        else:
            block.append(line)


def pad_block(block: str, depth: int) -> str:
    """A block with `O` tag columns added to every token line until it has `depth` of them."""
    head, _, tokens = block.partition("\n")
    have = tokens[:tokens.index("\n")].count("\t") if tokens else depth
    if have >= depth:
        return block
    return head + "\n" + tokens.replace("\n", "\tO" * (depth - have) + "\n")
