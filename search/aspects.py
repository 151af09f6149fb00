"""Every part of a query, for the dense side: a query naming several things ("database
internals: storage engines, query planning and execution") is split into its parts, each part
embedded (in the query's own model call, search.query), and a posting scored by its weakest part (each part's best chunk), so a posting that
covers all of them ranks above one that matches one part strongly.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from index.models import Vectors
from index.storage.bm25 import content_words
from index.storage.loaded import LoadedIndex

MAX_WORDS = 40  # a pasted résumé is split for the model already (search.query), not by aspect
_SPLIT = re.compile(r",|;|:|\bwith\b|\band\b|\bfor\b|\bwho\b|\busing\b", re.IGNORECASE)


def split_aspects(text: str) -> list[str]:
    """The parts of a short query that name something, or [] when it names one thing."""
    if len(text.split()) > MAX_WORDS:
        return []
    parts = [part.strip() for part in _SPLIT.split(text) if content_words(part)]
    return parts if len(parts) >= 2 else []


def weakest_aspect(
    index: LoadedIndex, pids: npt.NDArray[np.int64], aspects: Vectors
) -> npt.NDArray[np.float64]:
    """For each posting, its score on the part of the query it covers least: the minimum over
    parts of the part's best cosine among the posting's chunks."""
    catalog = index.catalog
    chunk_ids = catalog.chunk_ids(pids)
    sims = index.store.similarities(aspects, chunk_ids)
    owner = catalog.chunk_pid[chunk_ids]
    order = np.argsort(owner, kind="stable")
    owner, sims = owner[order], sims[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    best = np.maximum.reduceat(sims, starts, axis=0)  # postings (sorted by pid) x parts
    weakest: npt.NDArray[np.float64] = best.min(axis=1).astype(np.float64)
    return weakest[np.searchsorted(owner[starts], pids)]
