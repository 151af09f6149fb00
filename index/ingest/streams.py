"""A file's bytes and lines as they are read, gunzipped when the file is gzip: never all at once.

A gzip file cut short (a copy that stopped mid-way) or corrupt part-way is read as far as it
goes: `cut` then says why it stops, and what came before stands. Every member of a multi-member
gzip file is read.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from index.errors import InputFormatError

BLOCK = 1 << 16  # bytes read at a time; corrupt data loses at most one block's output
GZIP_MAGIC = b"\x1f\x8b"


class FileStream:
    """The bytes of one file in blocks, or its lines, as they are read."""

    def __init__(self, path: Path) -> None:
        try:
            self._handle = open(path, "rb")  # noqa: SIM115 - closed by close()
            self.gz = self._handle.read(2) == GZIP_MAGIC
            self._handle.seek(0)
        except OSError as exc:
            raise InputFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
        self.cut: str | None = None  # why a gzip stream stops short, once it has
        self.size = 0  # bytes delivered so far (after gunzip)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> FileStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def blocks(self) -> Iterator[bytes]:
        """The file's bytes, a block at a time (gunzipped)."""
        source = iter(lambda: self._handle.read(BLOCK), b"")
        for block in _gunzip(source, self) if self.gz else source:
            self.size += len(block)
            yield block

    def lines(self) -> Iterator[tuple[bytes, bool]]:
        """Each line without its line end, and whether one ended it (the last may lack one)."""
        parts: list[bytes] = []
        for block in self.blocks():
            start = 0
            while (end := block.find(b"\n", start)) >= 0:
                parts.append(block[start:end])
                yield b"".join(parts).rstrip(b"\r"), True
                parts = []
                start = end + 1
            parts.append(block[start:])
        tail = b"".join(parts)
        if tail:
            yield tail.rstrip(b"\r"), False


def _gunzip(source: Iterator[bytes], stream: FileStream) -> Iterator[bytes]:
    """Every gzip member of `source`, decompressed as far as the data allows; sets
    `stream.cut` when it stops short."""
    pending = next(source, b"")
    while pending[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(wbits=31)
        while not inflater.eof:
            try:
                out = inflater.decompress(pending)
            except zlib.error as exc:
                stream.cut = f"corrupt gzip data after {stream.size:,} bytes ({exc})"
                return
            if out:
                yield out
            if inflater.eof:
                break
            pending = next(source, b"")
            if not pending:
                stream.cut = (
                    f"the gzip stream stops after {stream.size:,} bytes, "
                    "before its end marker (an incomplete copy?)"
                )
                return
        pending = inflater.unused_data  # the next member, if any
        while len(pending) < 2 and (more := next(source, b"")):
            pending += more
