"""The build's chunk vectors as one .npy file written as they come, and read back in blocks.

A million postings make about twelve million chunk vectors (18 GB of float32): more than a
build may hold in memory. The writer appends rows to the file and writes the row count into
the header at the end (NumPy leaves room in the header for the first axis to grow); the reader
hands back blocks through plain reads, so a pass over the file keeps only a block resident.
"""

from __future__ import annotations

import io
import mmap
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import numpy as np

from index.errors import BuildError
from index.models import Vectors

DTYPE = np.dtype(np.float32)


def _header(rows: int, dimension: int) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        out, {"descr": DTYPE.str, "fortran_order": False, "shape": (rows, dimension)}
    )
    return out.getvalue()


class VectorFileWriter:
    """Appends float32 rows of one width to a .npy file; `close` makes it a complete array."""

    def __init__(self, path: Path, dimension: int) -> None:
        self.path = path
        self.dimension = dimension
        self.rows = 0
        self._handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._header_size = len(_header(0, dimension))
        self._handle.write(_header(0, dimension))

    def append(self, block: Vectors) -> None:
        block = np.ascontiguousarray(block, dtype=DTYPE)
        if block.ndim != 2 or block.shape[1] != self.dimension:
            raise BuildError(f"vectors of shape {block.shape} for a file of width {self.dimension}")
        self._handle.write(block.tobytes())
        self.rows += len(block)

    def close(self) -> None:
        """Write the final row count into the header; the file then loads as an array."""
        if self._handle.closed:
            return
        header = _header(self.rows, self.dimension)
        if len(header) != self._header_size:  # NumPy pads for growth; never expected
            raise BuildError(f"the .npy header grew writing {self.rows} rows")
        self._handle.seek(0)
        self._handle.write(header)
        self._handle.close()

    def __enter__(self) -> VectorFileWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def map_vectors(path: Path) -> Vectors:
    """The .npy file at `path` as a read-only memory-mapped array, advised for random access:
    a search reads scattered rows (the candidates it re-scores), and the kernel's default
    read-ahead would bring in 128 KiB around each 1.5 KiB row, filling memory (and the page
    cache) with rows nobody asked for."""
    with open(path, "rb") as handle:
        (rows, dimension), _, dtype = _read_header(handle)
        offset = handle.tell()
        if rows == 0:
            return np.zeros((0, dimension), dtype=dtype)
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_RANDOM"):  # Linux and most Unixes
        mapped.madvise(mmap.MADV_RANDOM)
    vectors: Vectors = np.ndarray((rows, dimension), dtype=dtype, buffer=mapped, offset=offset)
    return vectors


def vector_count(path: Path) -> tuple[int, int]:
    """(rows, dimension) of the .npy file at `path`, from its header."""
    with open(path, "rb") as handle:
        shape, _, _ = _read_header(handle)
    return shape


def read_blocks(path: Path, block_rows: int) -> Iterator[tuple[int, Vectors]]:
    """(first row, rows) of the .npy file at `path`, `block_rows` at a time."""
    with open(path, "rb") as handle:
        (rows, dimension), _, dtype = _read_header(handle)
        for start in range(0, rows, block_rows):
            count = min(block_rows, rows - start)
            block = np.fromfile(handle, dtype=dtype, count=count * dimension)
            yield start, block.reshape(count, dimension).astype(np.float32, copy=False)


def _read_header(handle: io.BufferedReader) -> tuple[tuple[int, int], bool, np.dtype]:
    version = np.lib.format.read_magic(handle)
    read = (
        np.lib.format.read_array_header_1_0
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0
    )
    shape, fortran_order, dtype = read(handle)
    if len(shape) != 2 or fortran_order:
        raise BuildError(f"not a matrix of vectors: shape {shape}")
    return (int(shape[0]), int(shape[1])), fortran_order, dtype
