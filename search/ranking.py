"""Pure functions from chunk hits to posting hits.

A posting's score is its best chunk's score (max-pooling): a job matches when one part of it
says what the seeker asked for, however much else it also says. Ties break on chunk id, so
results are stable across FAISS and numpy scoring paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class PostingScore:
    pid: int
    score: float
    chunk_id: int  # the best-matching chunk


def best_chunk_per_posting(
    scores: npt.NDArray[np.float32],
    chunk_ids: npt.NDArray[np.int64],
    chunk_pid: npt.NDArray[np.int64],
) -> list[PostingScore]:
    """Distinct postings, best first, each with its best chunk among the hits given."""
    if len(chunk_ids) == 0:
        return []
    order = np.lexsort((chunk_ids, -scores))
    pids = chunk_pid[chunk_ids[order]]
    _, first = np.unique(pids, return_index=True)
    first.sort()
    picked = order[first]
    return [
        PostingScore(int(chunk_pid[chunk_ids[i]]), float(scores[i]), int(chunk_ids[i])) for i in picked
    ]
