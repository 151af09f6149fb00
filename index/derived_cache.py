"""Derived data cached by what it was derived from, so an incremental rebuild redoes only the
postings that changed: their understanding (sections, languages, locations: markdown and HTML
parsing, about 14 s for 4,000 postings here) and their chunks (word-piece counting, about 10 s).

A value's key hashes the input's repr, a namespace (the settings it depends on) and the source
of the code that derives it, so editing that code starts afresh. Values are pickled into our
own SQLite file. Like the embedding cache it is an accelerator only: lose it and the rebuild
is slower, never different.
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")
BATCH = 500  # keys looked up per query


def code_version(*modules: ModuleType) -> str:
    """A short hash of the modules' source: changes with the code that derives the values."""
    source = "".join(inspect.getsource(module) for module in modules)
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


class DerivedCache(Generic[In, Out]):
    def __init__(self, path: Path, namespace: str) -> None:
        self._namespace = namespace
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS derived (key BLOB PRIMARY KEY, value BLOB)")
        self.hits = 0
        self.misses = 0

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DerivedCache[In, Out]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, items: Sequence[In], derive: Callable[[In], Out]) -> list[Out | Exception]:
        """`derive(item)` for each item, from the cache when it has it. An item `derive` raises
        on gives its exception in its place (not cached: it is tried again next time)."""
        keys = [self._key(item) for item in items]
        found: dict[bytes, Out] = {}
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            marks = ",".join("?" * len(batch))
            for key, value in self._db.execute(
                f"SELECT key, value FROM derived WHERE key IN ({marks})", batch
            ):
                found[key] = pickle.loads(value)  # our own file, written below
        out: list[Out | Exception] = []
        fresh = []
        for key, item in zip(keys, items, strict=True):
            if key in found:
                self.hits += 1
                out.append(found[key])
                continue
            self.misses += 1
            try:
                value = found[key] = derive(item)
            except Exception as exc:  # noqa: BLE001 - the caller reports it per item
                out.append(exc)
                continue
            fresh.append((key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
            out.append(value)
        self._db.executemany("INSERT OR REPLACE INTO derived VALUES (?, ?)", fresh)
        self._db.commit()
        return out

    def _key(self, item: In) -> bytes:
        text = f"{self._namespace}\x00{item!r}"
        return hashlib.blake2b(text.encode(), digest_size=16).digest()
