"""Per-team diversification: at most N results of one team on a page.

Results are dealt into pages in rank order: each result goes to the first page that still has
room and holds fewer than N of its team. So a page keeps the best results it can take, the
ones held back move to later pages in their order, and no page ever holds more than N of one
team, even when that leaves it short (the rest of the ranking is all one team). Results
without a team are never held back. Teams compare case-insensitively.

That is the same as filling page 1 from the ranking, then page 2 from what is left, and so
on, but done in one pass: a team's results only ever land on the same or later pages, so each
team keeps a cursor instead of rescanning, and asking for page 10,000 costs one walk over the
ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def diversified_page(
    ranked: Sequence[T],
    team_of: Callable[[T], str | None],
    per_team: int,
    page_size: int,
    page: int,
) -> list[T]:
    """Page number `page` (0-based) of `ranked` dealt into pages of `page_size` with at most
    `per_team` results of one team each. Empty past the last page."""
    if per_team < 1 or page_size < 1 or page < 0:
        raise ValueError("per_team and page_size must be at least 1, page at least 0")
    fill: list[int] = []  # results placed on each page so far, pages 0..page
    team_counts: list[dict[str, int]] = []
    cursor: dict[str | None, int] = {}  # the first page each team may still go to
    first_open = 0  # pages before this one are full
    out: list[T] = []
    for item in ranked:
        team = team_of(item)
        key = team.casefold() if team else None
        at = max(first_open, cursor.get(key, 0))
        while (
            at <= page
            and at < len(fill)
            and not _fits(fill, team_counts, at, key, per_team, page_size)
        ):
            at += 1
        if at > page:
            cursor[key] = at
            continue
        if at == len(fill):
            fill.append(0)
            team_counts.append({})
        fill[at] += 1
        if key is not None:
            team_counts[at][key] = team_counts[at].get(key, 0) + 1
        cursor[key] = at
        while first_open < len(fill) and fill[first_open] >= page_size:
            first_open += 1
        if at == page:
            out.append(item)
            if len(out) == page_size:
                break
    return out


def _fits(
    fill: list[int],
    team_counts: list[dict[str, int]],
    at: int,
    key: str | None,
    per_team: int,
    page_size: int,
) -> bool:
    if fill[at] >= page_size:
        return False
    return key is None or team_counts[at].get(key, 0) < per_team
