"""The page stage: which rows of a ranked list the caller sees, at most `per_team` of one team
on a page when asked (search.diversify), else a plain slice."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from index.storage.loaded import LoadedIndex
from search.diversify import diversified_page

IntArray = npt.NDArray[np.int64]


def page_rows(
    index: LoadedIndex, pids: IntArray, limit: int, offset: int, per_team: int
) -> list[int]:
    """Row numbers into `pids` (a ranked list) for the page at `offset`."""
    if per_team > 0:
        team_of = index.catalog.team_of
        return diversified_page(
            range(len(pids)), lambda row: team_of[int(pids[row])], per_team, limit, offset // limit
        )
    return list(range(offset, min(offset + limit, len(pids))))


def page_pids(
    index: LoadedIndex, ranked: IntArray, limit: int, offset: int, per_team: int
) -> IntArray:
    """The pids on the page at `offset` of a ranked list of pids."""
    rows = page_rows(index, ranked, limit, offset, per_team)
    return ranked[np.array(rows, dtype=np.int64)] if rows else np.zeros(0, dtype=np.int64)
