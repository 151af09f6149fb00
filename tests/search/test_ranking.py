"""Pure ranking functions."""

from __future__ import annotations

from search.ranking import FusedScore, diversify_by_team


def scored(*pids: int) -> list[FusedScore]:
    return [FusedScore(pid, 1.0 - pid / 100, None, None, None) for pid in pids]


def test_diversify_caps_each_team_per_page_and_defers_the_rest():
    team_of = ["A", "A", "A", "B", None, "A", "C"]
    out = diversify_by_team(scored(0, 1, 2, 3, 4, 5, 6), team_of, per_team=1, page_size=3, pages=3)
    assert [f.pid for f in out[:3]] == [0, 3, 4]  # one A, then B, then a teamless posting
    assert [f.pid for f in out[3:6]] == [1, 6, 2]  # next page: the deferred A, C, then filled
    assert sorted(f.pid for f in out) == list(range(7))  # nothing lost


def test_diversify_fills_a_page_when_one_team_is_all_there_is():
    out = diversify_by_team(scored(0, 1, 2), ["A", "A", "A"], per_team=1, page_size=2, pages=2)
    assert [f.pid for f in out] == [0, 1, 2]
