"""The understood cache: what a record says of itself kept apart from what its text says.

A posting is its record's own fields (id, url, date, company, team, location, languages, level:
a few hundred bytes) and its text's understanding (the sections: most of its bytes). The cache
holds them in two kinds of row: one per record, with its own fields and the key of its text's
row, and one per text (title, body and markup), shared by every record that posts it (the same
job again in another city or under a new id; a synthetic corpus's copies). So the cache grows
with the distinct texts rather than the records. A posting read back is the one understanding
its record gives; a record row whose text row is gone is understood again.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

from index.build.caches import DerivedCache, Understood, derived_key, understood_namespace
from index.build.pool import batched
from index.build.progress import Advance, stage_bar
from index.errors import BuildError
from index.ingest.boilerplate import section_line_keys
from index.ingest.place_context import PlaceContext
from index.ingest.understand import (
    UnderstoodText,
    posting_from_text,
    understand_posting,
    understand_text,
)
from index.models import Posting, RawPosting

BATCH = 500  # records looked up and understood at a time
Text = tuple[UnderstoodText, npt.NDArray[np.uint64]]  # a text's understanding and its line keys
Lookup = Callable[[Iterable[bytes]], dict[bytes, bytes]]  # pickled values by key
CacheRow = tuple[bytes, bytes]


@dataclass(frozen=True)
class Recalled:
    """One record understood, from the cache or now: its posting, its text's understanding,
    and the rows the cache lacked of them (`rows`, to add)."""

    key: bytes  # the record's row
    posting: Posting
    text: Text
    rows: tuple[CacheRow, ...] = ()
    cached: bool = False  # the record's row was in the cache
    text_cached: bool = False  # understood now, but its text was understood before


def text_key(raw: RawPosting, namespace: str) -> bytes:
    """What a text's understanding depends on: its title, body and markup, nothing else."""
    return derived_key(f"{namespace}|text", (raw.title, raw.body, raw.body_format))


def understand_records(
    raws: Sequence[RawPosting], lookup: Lookup, namespace: str
) -> list[Recalled | Exception]:
    """Each record from the cache (`lookup`), or understood: its text from the cache when the
    same title and body were understood before, else anew. A record that cannot be understood
    gives its exception in its place."""
    keys = [derived_key(namespace, raw) for raw in raws]
    text_keys = [text_key(raw, namespace) for raw in raws]
    records = lookup(keys)
    texts: dict[bytes, Text | bytes] = dict(lookup(text_keys))
    out: list[Recalled | Exception] = []
    for raw, key, own_text in zip(raws, keys, text_keys, strict=True):
        try:
            recalled = _recall(key, records[key], texts) if key in records else None
            out.append(recalled or _understand(raw, key, own_text, texts))
        except Exception as exc:  # noqa: BLE001 - one bad body must not stop a rebuild
            out.append(exc)
    return out


def read_rows(db: sqlite3.Connection, keys: Iterable[bytes]) -> dict[bytes, bytes]:
    """The pickled values the cache holds of `keys`."""
    unique = list(dict.fromkeys(keys))
    found: dict[bytes, bytes] = {}
    for batch in batched(unique, BATCH):
        marks = ",".join("?" * len(batch))
        found.update(db.execute(f"SELECT key, value FROM derived WHERE key IN ({marks})", batch))
    return found


def _recall(key: bytes, record: bytes, texts: dict[bytes, Text | bytes]) -> Recalled | None:
    """A record's posting from its row and its text's (None: the text's row is gone)."""
    own_text, own = pickle.loads(record)  # our own file, or shipped by our own driver from it
    text = _text(texts, own_text)
    if text is None:
        return None
    return Recalled(key, _with_text(own, text), text, cached=True)


def _understand(
    raw: RawPosting, key: bytes, own_text: bytes, texts: dict[bytes, Text | bytes]
) -> Recalled:
    """One record not in the cache; `texts` holds the texts known so far (pickled as the cache
    has them, or understood in this batch) and takes this record's."""
    known = _text(texts, own_text)
    text = known
    if text is None:
        understood = understand_text(raw.title, raw.body, raw.body_format)
        text = (understood, section_line_keys(understood.sections))
    posting, completed = posting_from_text(raw, text[0])
    rows = [_record_row(key, own_text, posting)]
    if known is None or completed != text[0]:  # new, or it read more of the text
        text = (completed, text[1])
        rows.append((own_text, pickle.dumps(text, pickle.HIGHEST_PROTOCOL)))
    texts[own_text] = text
    return Recalled(key, posting, text, tuple(rows), text_cached=known is not None)


def _record_row(key: bytes, own_text: bytes, posting: Posting) -> CacheRow:
    """A record's row: its posting without the sections, which its text's row holds."""
    own = replace(posting, sections=())
    return key, pickle.dumps((own_text, own), pickle.HIGHEST_PROTOCOL)


def _with_text(own: Posting, text: Text) -> Posting:
    return replace(own, sections=text[0].sections)


def _text(texts: dict[bytes, Text | bytes], key: bytes) -> Text | None:
    """A text's understanding, unpickled on first use."""
    value = texts.get(key)
    if isinstance(value, bytes):
        value = texts[key] = pickle.loads(value)  # our own file
    return value


def understand_all(
    raws: Iterable[RawPosting], cache: Path | None = None, progress: bool = False
) -> Understood:
    """Every record understood or skipped with its reason, in one process. With a `cache`
    file, records seen before (same content, same code) are not understood again, nor texts."""
    raws = list(raws)
    result = Understood()
    with stage_bar(progress, "understand", len(raws), "posting") as advance:
        if cache is None:
            done = [_understand_plain(raw, advance) for raw in raws]
        else:
            done = _understand_cached(raws, cache, result, advance)
    postings: list[Posting] = []
    namespace = understood_namespace()
    for raw, posting in zip(raws, done, strict=True):
        if isinstance(posting, Exception):
            result.skipped.append((raw.id, f"{type(posting).__name__}: {posting}"))
        else:
            postings.append(posting)
            result.keys.append(derived_key(namespace, raw))
    places = PlaceContext.of(postings)
    result.postings = [places.place(posting) for posting in postings]
    return result


def _understand_plain(raw: RawPosting, advance: Advance) -> Posting | Exception:
    try:
        return understand_posting(raw)
    except Exception as exc:  # noqa: BLE001 - one bad body must not stop a rebuild
        return exc
    finally:
        advance(1)


def _understand_cached(
    raws: list[RawPosting], cache: Path, counts: Understood, advance: Advance
) -> list[Posting | Exception]:
    """`understand_records` a batch at a time, the cache's new rows stored after each;
    `counts` takes the cache's hits."""
    done: list[Posting | Exception] = []
    with DerivedCache[object, object](cache, understood_namespace()) as db:
        for batch in batched(raws, BATCH):
            results = understand_records(batch, lambda keys: db.lookup(list(keys)), db.namespace)
            db.store([row for r in results if isinstance(r, Recalled) for row in r.rows])
            for r in results:
                if isinstance(r, Exception):
                    done.append(r)
                    continue
                done.append(r.posting)
                counts.cached += r.cached
                counts.text_cached += r.text_cached
            advance(len(batch))
    return done


class CachedPostings(Sequence[Posting]):
    """Understood postings read back from the cache in order, a batch at a time, their shared
    city names placed in the light of the whole build (`places`)."""

    def __init__(
        self, cache: Path, keys: list[bytes], places: PlaceContext | None = None, batch: int = 500
    ) -> None:
        self._cache, self._keys, self._batch = cache, keys, batch
        self._places = places or PlaceContext()

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> Posting: ...
    @overload
    def __getitem__(self, index: slice) -> list[Posting]: ...
    def __getitem__(self, index: int | slice) -> Posting | list[Posting]:
        if isinstance(index, slice):
            return list(self._read(self._keys[index]))
        return next(iter(self._read([self._keys[index]])))

    def __iter__(self) -> Iterator[Posting]:
        return self._read(self._keys)

    def _read(self, keys: list[bytes]) -> Iterator[Posting]:
        db = sqlite3.connect(f"file:{self._cache}?mode=ro", uri=True, timeout=30)
        try:
            for batch in batched(keys, self._batch):
                records = read_rows(db, batch)
                if len(records) < len(set(batch)):
                    raise BuildError(f"{self._cache} lost an understood posting mid-build")
                owns = {key: pickle.loads(value) for key, value in records.items()}  # our own file
                texts: dict[bytes, Text | bytes] = dict(
                    read_rows(db, (t for t, _ in owns.values()))
                )
                for key in batch:
                    own_text, own = owns[key]
                    text = _text(texts, own_text)
                    if text is None:
                        raise BuildError(f"{self._cache} lost an understood text mid-build")
                    yield self._places.place(_with_text(own, text))
        finally:
            db.close()
