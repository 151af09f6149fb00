"""The last stage: a page of ranked postings hydrated into hits that say why they matched (the
best section, a snippet with the query's words highlighted, the filters each one satisfied)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from index.models import FacetKey
from index.storage.loaded import LoadedIndex
from search.dense import best_chunks
from search.query import PreparedQuery
from search.ranking import FusedScore
from search.results import SearchHit
from search.snippets import highlight_spans, make_snippet, term_matches

IntArray = npt.NDArray[np.int64]
FilterKeys = dict[str, dict[str, list[FacetKey]]]


def explain_page(
    index: LoadedIndex,
    page: list[FusedScore],
    query: PreparedQuery,
    penalties: npt.NDArray[np.float32],
    by_value: FilterKeys,
    preferred: npt.NDArray[np.bool_] | None = None,
) -> list[SearchHit]:
    """One hit per fused score, with its best chunk as the matched section."""
    pids = [f.pid for f in page]
    summaries = index.catalog.summaries(pids)
    best = best_chunks(index, query.vector, pids, penalties)
    chunks = index.catalog.chunks([best[p][0] for p in pids if p in best])
    hits = []
    for fused in page:
        chunk_id, _, cosine = best[fused.pid]
        chunk = chunks[chunk_id]
        snippet = make_snippet(chunk.passage, query.terms)
        spans = highlight_spans(snippet, query.terms)
        matched = tuple(
            t for t in query.terms if any(term_matches(snippet[s:e], [t]) for s, e in spans)
        )
        hits.append(
            SearchHit(
                posting=summaries[fused.pid],
                score=fused.score,
                section=chunk.heading,
                section_kind=chunk.kind,
                snippet=snippet,
                highlights=tuple(spans),
                matched_terms=matched,
                dense_score=cosine,
                keyword_score=fused.keyword,
                matched_filters=matched_filters(index, fused.pid, by_value),
                in_query_location=None if preferred is None else bool(preferred[fused.pid]),
            )
        )
    return hits


def listing_hits(
    index: LoadedIndex, pids: list[int], by_value: FilterKeys, in_location: bool | None
) -> list[SearchHit]:
    """Hits for a listing without a query: no score, no section."""
    summaries = index.catalog.summaries(pids)
    return [
        SearchHit(
            summaries[p],
            None,
            None,
            None,
            "",
            matched_filters=matched_filters(index, p, by_value),
            in_query_location=in_location,
        )
        for p in pids
    ]


def matched_filters(index: LoadedIndex, pid: int, by_value: FilterKeys) -> dict[str, list[str]]:
    """For each filtered field, the caller's values this posting satisfied."""
    return {
        field_name: [
            value
            for value, keys in values.items()
            if any(_contains(index.catalog.facet_pids(key), pid) for key in keys)
        ]
        for field_name, values in by_value.items()
    }


def _contains(sorted_pids: IntArray, pid: int) -> bool:
    at = int(np.searchsorted(sorted_pids, pid))
    return at < len(sorted_pids) and int(sorted_pids[at]) == pid
