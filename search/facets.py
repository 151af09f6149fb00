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
        base = np.zeros(catalog.posting_count, dtype=bool)
        allowed = catalog.pids_matching(others) if others else None
        if matched is None and allowed is None:
            base[:] = True
        else:
            pids = matched if allowed is None else allowed
            if matched is not None and allowed is not None:
                pids = np.intersect1d(matched, allowed, assume_unique=True)
            base[pids] = True
        values = _field_counts(catalog, field, base, per_field)
        out[field] = values[:per_field] if per_field else values
    return out


@dataclass(frozen=True)
class _Incidence:
    """One group of facet values as flat arrays: row i says posting pids[i] has value
    values[keys[i]]. Counting within a set of postings is then one bincount."""

    values: list[tuple[str, str]]  # (filter value, label)
    keys: IntArray
    pids: IntArray
    label_order: IntArray  # each value's place among the labels sorted case-insensitively

    def counts(self, base: npt.NDArray[np.bool_], limit: int | None = None) -> list[FacetCount]:
        """The values counting more than zero within `base`, most first (then by label): the
        `limit` first only, so a field of a thousand cities costs no thousand objects."""
        hits = np.bincount(self.keys[base[self.pids]], minlength=len(self.values))
        present = np.flatnonzero(hits)
        order = present[np.lexsort((self.label_order[present], -hits[present]))][:limit]
        rows = [(self.values[i], int(hits[i])) for i in order.tolist()]
        return [FacetCount(value, label, n) for (value, label), n in rows]


_TABLES: WeakKeyDictionary[Catalog, dict[str, _Incidence]] = WeakKeyDictionary()


def _incidence(values: list[tuple[str, str]], members: list[IntArray]) -> _Incidence:
    keys = np.repeat(np.arange(len(values), dtype=np.int64), [len(m) for m in members])
    pids = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
    by_label = sorted(range(len(values)), key=lambda i: values[i][1].casefold())
    label_order = np.empty(len(values), dtype=np.int64)
    label_order[by_label] = np.arange(len(values))
    return _Incidence(values, keys, pids.astype(np.int64), label_order)


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
            tables[name] = _incidence(values, [catalog.facet_pids((name, v)) for v, _, _ in rows])
        places = [(v.upper(), label) for v, label, _ in catalog.facet_counts("country")]
        places += [(label, label) for _, label, _ in catalog.facet_counts("region")]
        members = [catalog.pids_matching({"location": location_keys(v)}) for v, _ in places]
        tables["place"] = _incidence(places, members)
        _TABLES[catalog] = tables
    return _TABLES[catalog]


def _field_counts(
    catalog: Catalog, field: str, base: npt.NDArray[np.bool_], limit: int | None
) -> list[FacetCount]:
    tables = _tables(catalog)
    if field != "location":
        return tables[field].counts(base, limit)
    # the workplace values stay in the location group too, as before it had its own field
    return (
        tables["workplace"].counts(base, limit)
        + tables["place"].counts(base, limit)
        + tables["city"].counts(base, limit)
    )
