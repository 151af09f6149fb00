"""Facet values with posting counts, as a careers site shows them beside the results.

Counts follow faceted-search convention: each field is counted with the *other* fields'
filters applied (so ticking a second team widens, and the counts say by how much), within the
postings the query matches. A country or region is counted the way its filter matches, with
the postings open to it through a wider region or worldwide, so a count equals what a click
returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt

from index.models import FacetKey
from index.storage.catalog import Catalog
from index.storage.loaded import LoadedIndex
from search.filters import location_keys

IntArray = npt.NDArray[np.int64]
FIELDS = ("team", "location", "language", "level", "workplace")


@dataclass(frozen=True)
class FacetCount:
    value: str  # what to pass back as a filter
    label: str
    count: int


def facet_counts(
    index: LoadedIndex,
    matched: IntArray | None = None,
    conditions: Mapping[str, list[FacetKey]] | None = None,
    per_field: int | None = None,
) -> dict[str, list[FacetCount]]:
    """Team, location (workplace, country, region, city), language, level and workplace counts.

    `matched`: the postings the query matches (None: all). `conditions`: the request's filters
    by field. `per_field`: keep the largest values only. Values counting zero are left out.
    """
    catalog = index.catalog
    conditions = conditions or {}
    out: dict[str, list[FacetCount]] = {}
    for field in FIELDS:
        others = {f: keys for f, keys in conditions.items() if f != field}
        allowed = catalog.pids_matching(others) if others else None
        pids = _counted(matched, allowed)
        if pids is None:  # every posting: the same counts for every request, kept
            values = _every_posting(catalog, field, per_field)
        else:
            values = _field_counts(catalog, field, _Base.of(pids, catalog.posting_count), per_field)
        out[field] = values[:per_field] if per_field else values
    return out


@dataclass(frozen=True)
class _Base:
    """The postings counted in: their ids when few, else a mask over every posting (one or
    the other is set; a small set needs no mask of the whole index)."""

    mask: npt.NDArray[np.bool_] | None
    pids: IntArray | None  # ascending

    @classmethod
    def of(cls, pids: IntArray | None, postings: int) -> _Base:
        """`pids` None: every posting."""
        if pids is None:
            return cls(np.ones(postings, dtype=bool), None)
        if len(pids) * FEW_SHARE <= postings:
            return cls(None, pids)
        mask = np.zeros(postings, dtype=bool)
        mask[pids] = True
        return cls(mask, None)


def _counted(matched: IntArray | None, allowed: IntArray | None) -> IntArray | None:
    """The postings a field is counted within (None: all of them)."""
    if matched is None:
        return allowed
    if allowed is None:
        return matched
    return np.intersect1d(matched, allowed, assume_unique=True)


FEW_SHARE = 16  # a match set of at most 1/16 of the postings is counted through its own rows


@dataclass(frozen=True)
class _Incidence:
    """One group of facet values as flat arrays: row i says posting pids[i] has value
    values[keys[i]], and the same rows by posting (a posting's values are by_pid_keys[
    by_pid_start[p]:by_pid_start[p + 1]]). Counting within a set of postings is one bincount:
    over every row for a large set, over the set's own rows for a small one (the matches of a
    specific query at a million postings)."""

    values: list[tuple[str, str]]  # (filter value, label)
    keys: IntArray
    pids: IntArray
    label_order: IntArray  # each value's place among the labels sorted case-insensitively
    by_pid_start: IntArray
    by_pid_keys: IntArray

    def counts(self, base: _Base, limit: int | None = None) -> list[FacetCount]:
        """The values counting more than zero within `base`, most first (then by label): the
        `limit` first only, so a field of a thousand cities costs no thousand objects."""
        if base.pids is not None:
            starts, ends = self.by_pid_start[base.pids], self.by_pid_start[base.pids + 1]
            lengths = ends - starts
            at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            keys = self.by_pid_keys[at + np.arange(len(at))]
        else:
            assert base.mask is not None  # _Base sets one of the two
            keys = self.keys[base.mask[self.pids]]
        hits = np.bincount(keys, minlength=len(self.values))
        present = np.flatnonzero(hits)
        order = present[np.lexsort((self.label_order[present], -hits[present]))][:limit]
        rows = [(self.values[i], int(hits[i])) for i in order.tolist()]
        return [FacetCount(value, label, n) for (value, label), n in rows]


_TABLES: WeakKeyDictionary[Catalog, dict[str, _Incidence]] = WeakKeyDictionary()
_EVERY: WeakKeyDictionary[Catalog, dict[tuple[str, int | None], list[FacetCount]]]
_EVERY = WeakKeyDictionary()


def _every_posting(catalog: Catalog, field: str, limit: int | None) -> list[FacetCount]:
    """A field's counts over the whole index (an empty search, /v1/facets), counted once."""
    kept = _EVERY.setdefault(catalog, {})
    key = (field, limit)
    if key not in kept:
        kept[key] = _field_counts(catalog, field, _Base.of(None, catalog.posting_count), limit)
    return kept[key]


def _incidence(values: list[tuple[str, str]], members: list[IntArray], postings: int) -> _Incidence:
    keys = np.repeat(np.arange(len(values), dtype=np.int64), [len(m) for m in members])
    pids = np.concatenate(members).astype(np.int64) if members else np.zeros(0, dtype=np.int64)
    by_label = sorted(range(len(values)), key=lambda i: values[i][1].casefold())
    label_order = np.empty(len(values), dtype=np.int64)
    label_order[by_label] = np.arange(len(values))
    by_pid = np.argsort(pids, kind="stable")
    by_pid_start = np.r_[0, np.cumsum(np.bincount(pids, minlength=postings))].astype(np.int64)
    return _Incidence(values, keys, pids, label_order, by_pid_start, keys[by_pid])


def prepare_facets(catalog: Catalog) -> None:
    """Build the index's facet tables now, not in the first seeker's request."""
    _tables(catalog)


def _tables(catalog: Catalog) -> dict[str, _Incidence]:
    """The incidence tables of an index, built once (they only change with the build)."""
    if catalog not in _TABLES:
        tables: dict[str, _Incidence] = {}
        for name, value_of_label in (
            ("team", True),
            ("language", True),
            ("level", False),
            ("workplace", False),
            ("city", True),
        ):
            rows = catalog.facet_counts(name)
            values = [(label if value_of_label else value, label) for value, label, _ in rows]
            members = [catalog.facet_pids((name, v)) for v, _, _ in rows]
            tables[name] = _incidence(values, members, catalog.posting_count)
        places = [(v.upper(), label) for v, label, _ in catalog.facet_counts("country")]
        places += [(label, label) for _, label, _ in catalog.facet_counts("region")]
        members = [catalog.pids_matching({"location": location_keys(v)}) for v, _ in places]
        tables["place"] = _incidence(places, members, catalog.posting_count)
        _TABLES[catalog] = tables
    return _TABLES[catalog]


def _field_counts(catalog: Catalog, field: str, base: _Base, limit: int | None) -> list[FacetCount]:
    tables = _tables(catalog)
    if field != "location":
        return tables[field].counts(base, limit)
    # the workplace values stay in the location group too, as before it had its own field
    return (
        tables["workplace"].counts(base, limit)
        + tables["place"].counts(base, limit)
        + tables["city"].counts(base, limit)
    )
