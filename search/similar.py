"""Postings like a given one, from its stored chunk vectors: nothing is re-embedded.

The posting is represented by the normalized mean of its job chunks (what the job is: role,
requirements, team), leaving out company context and boilerplate, which would otherwise make
"similar" mean "same employer". Other postings compete by their best chunk, boilerplate
weighted down as in search; the same job re-posted under the same title by the same company
is not shown as "similar".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from index.embedder import Vectors
from index.loaded import LoadedIndex
from index.models import SectionKind
from search.ranking import BOILERPLATE_SHARE, CONTEXT_KINDS

IntArray = npt.NDArray[np.int64]


def profile_vector(index: LoadedIndex, pid: int) -> Vectors:
    """The vector that stands for a posting: the mean of its job chunks, normalized."""
    catalog = index.catalog
    start, end = int(catalog.chunk_start[pid]), int(catalog.chunk_end[pid])
    kinds = catalog.chunk_kind[start:end]
    context = [list(SectionKind).index(k) for k in CONTEXT_KINDS]
    job = ~np.isin(kinds, context) & (catalog.chunk_boilerplate[start:end] < BOILERPLATE_SHARE)
    rows = np.arange(start, end)[job] if job.any() else np.arange(start, end)
    mean = np.asarray(index.store.vectors[rows], dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    vector: Vectors = (mean / norm if norm else mean).astype(np.float32)
    return vector
