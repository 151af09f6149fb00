"""Derived data cached by what it was derived from, so an incremental rebuild redoes only the
postings that changed: their understanding (sections, languages, locations: markdown and HTML
parsing) and their chunks (word-piece counting).

A value's key hashes the input's repr, a namespace (the settings it depends on) and the source
of the code that derives it (a whole package's source, so no module can be forgotten), so
editing that code starts afresh. Values are pickled into our
own SQLite file (the understood cache's rows: index.build.understood_cache). Like the embedding cache it is an accelerator only: lose it and the rebuild
is slower, never different.
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Generic, TypeVar

import index.ingest as ingest_package
from index import models
from index.build import chunking
from index.build.progress import Advance, ignore, stage_bar
from index.ingest.place_store import data_version as places_data_version
from index.models import Chunk, Posting

In = TypeVar("In")
Out = TypeVar("Out")
BATCH = 500  # keys looked up per query
UNDERSTOOD_CACHE_FILE = "understood-cache.sqlite"  # caches live beside the builds, in the root
CHUNK_CACHE_FILE = "chunk-cache.sqlite"
UNDERSTOOD_FORMAT = 2  # 2: a record's row and its text's apart (index.build.understood_cache)


def code_version(*modules: ModuleType) -> str:
    """A short hash of the source of `modules`, a package counting as all of its modules:
    it changes with the code that derives the values."""
    digest = hashlib.blake2b(digest_size=8)
    for module in modules:
        if hasattr(module, "__path__"):  # a package: every module in it, in a stable order
            for folder in module.__path__:
                for path in sorted(Path(folder).rglob("*.py")):
                    digest.update(path.read_bytes())
        else:
            digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()


def derived_key(namespace: str, content: object) -> bytes:
    """The cache key of a value derived from `content` by the code `namespace` names."""
    text = f"{namespace}\x00{content!r}"
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def understood_namespace() -> str:
    """What an understood posting depends on besides its record: the ingest code and models,
    and the place tables' data packages (a new GeoNames or ISO release reads places again)."""
    code = code_version(ingest_package, models)
    return f"understood|{UNDERSTOOD_FORMAT}|{code}|{places_data_version()}"


class DerivedValues(Generic[In, Out]):
    """Values derived from items, keyed by `content` (what of an item its value depends on: the
    whole item by default) under `namespace`; where the known ones come from and where new ones
    go is a subclass's business (`_lookup`, `_store`)."""

    def __init__(self, namespace: str, content: Callable[[In], object] = lambda item: item) -> None:
        self.namespace = namespace
        self._content = content
        self.hits = 0
        self.misses = 0

    def key(self, item: In) -> bytes:
        return derived_key(self.namespace, self._content(item))

    def map(
        self, items: Sequence[In], derive: Callable[[In], Out], advance: Advance = ignore
    ) -> list[Out | Exception]:
        """`derive(item)` for each item, from the cache when it has it. An item `derive` raises
        on gives its exception in its place (not cached: it is tried again next time)."""
        keys = [self.key(item) for item in items]
        found: dict[bytes, Out] = {
            key: pickle.loads(value)  # our own file, or shipped by our own driver from it
            for key, value in self._lookup(keys).items()
        }
        out: list[Out | Exception] = []
        fresh = []
        advance(sum(key in found for key in keys))
        for key, item in zip(keys, items, strict=True):
            if key in found:
                self.hits += 1
                out.append(found[key])
                continue
            advance(1)
            self.misses += 1
            try:
                value = found[key] = derive(item)
            except Exception as exc:  # noqa: BLE001 - the caller reports it per item
                out.append(exc)
                continue
            fresh.append((key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
            out.append(value)
        self._store(fresh)
        return out

    def _lookup(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        raise NotImplementedError

    def _store(self, rows: list[tuple[bytes, bytes]]) -> None:
        raise NotImplementedError


class DerivedCache(DerivedValues[In, Out]):
    """Derived values in our own SQLite file at `path`."""

    def __init__(
        self, path: Path, namespace: str, content: Callable[[In], object] = lambda item: item
    ) -> None:
        super().__init__(namespace, content)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS derived (key BLOB PRIMARY KEY, value BLOB)")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DerivedCache[In, Out]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The pickled values the file holds of `keys`."""
        return self._lookup(keys)

    def store(self, rows: list[tuple[bytes, bytes]]) -> None:
        """(key, pickled value) rows derived elsewhere (a remote engine's workers)."""
        self._store(rows)

    def _lookup(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            marks = ",".join("?" * len(batch))
            found.update(
                self._db.execute(f"SELECT key, value FROM derived WHERE key IN ({marks})", batch)
            )
        return found

    def _store(self, rows: list[tuple[bytes, bytes]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO derived VALUES (?, ?)", rows)
        self._db.commit()


class ShippedValues(DerivedValues[In, Out]):
    """Derived values where the cache's file cannot be opened (a worker on another machine):
    the known ones shipped with the work (`found`: pickled values by key), the new ones kept
    in `fresh` for the driver to store."""

    def __init__(
        self,
        found: dict[bytes, bytes],
        namespace: str,
        content: Callable[[In], object] = lambda item: item,
    ) -> None:
        super().__init__(namespace, content)
        self._found = found
        self.fresh: list[tuple[bytes, bytes]] = []

    def _lookup(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        return {key: self._found[key] for key in keys if key in self._found}

    def _store(self, rows: list[tuple[bytes, bytes]]) -> None:
        self.fresh.extend(rows)


@dataclass
class Understood:
    postings: Sequence[Posting] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (posting id, reason)
    cached: int = 0  # postings taken from the cache instead of parsed again
    text_cached: int = 0  # of the rest, postings whose title and body were understood before
    keys: list[bytes] = field(default_factory=list)  # each posting's record key (derived_key)


def cached_chunks(
    path: Path,
    postings: Sequence[Posting],
    model: str,
    chunk_tokens: int,
    chunk: Callable[[Posting], list[Chunk]],
    progress: bool = False,
) -> list[list[Chunk]]:
    """Each posting's chunks, from the cache at `path` or from `chunk` (then stored)."""
    with stage_bar(progress, "chunk", len(postings), "posting") as advance:
        batches = chunk_batches(path, [postings], model, chunk_tokens, chunk, advance)
        return next(batches, ([], []))[1]


def chunk_batches(
    path: Path,
    batches: Iterable[Sequence[Posting]],
    model: str,
    chunk_tokens: int,
    chunk: Callable[[Posting], list[Chunk]],
    advance: Advance = ignore,
) -> Iterator[tuple[Sequence[Posting], list[list[Chunk]]]]:
    """Each batch of postings with its postings' chunks, from the cache at `path` or from
    `chunk` (then stored)."""
    with chunk_cache(path, model, chunk_tokens) as cache:
        for batch in batches:
            yield batch, chunk_batch(cache, batch, chunk, advance)


def chunk_cache(path: Path, model: str, chunk_tokens: int) -> DerivedCache[Posting, list[Chunk]]:
    """The chunk cache at `path`. A posting's chunks depend only on its title and sections (the
    same text posted again, in another city or under another id, is chunked once), the token
    limit, the tokenizer (the model) and the chunking code, which the key covers."""
    namespace = f"chunks|{model}|{chunk_tokens}|{code_version(chunking, models)}"
    return DerivedCache[Posting, list[Chunk]](path, namespace, chunked_content)


def shipped_chunks(
    found: dict[bytes, bytes], namespace: str
) -> ShippedValues[Posting, list[Chunk]]:
    """The chunk cache's values shipped from a driver's `chunk_cache` (its `namespace`)."""
    return ShippedValues[Posting, list[Chunk]](found, namespace, chunked_content)


def chunk_batch(
    cache: DerivedValues[Posting, list[Chunk]],
    batch: Sequence[Posting],
    chunk: Callable[[Posting], list[Chunk]],
    advance: Advance = ignore,
) -> list[list[Chunk]]:
    """Each posting's chunks, from `cache` or from `chunk` (then stored)."""
    chunks: list[list[Chunk]] = []
    for posting, value in zip(batch, cache.map(batch, chunk, advance), strict=True):
        if isinstance(value, Exception):
            raise value  # chunking an understood posting does not fail; if it does, say so
        chunks.append(
            [c if c.posting_id == posting.id else replace(c, posting_id=posting.id) for c in value]
        )
    return chunks


def chunked_content(posting: Posting) -> object:
    return ("title and sections", posting.title, posting.sections)
