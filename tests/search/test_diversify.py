"""Per-team diversification: a strict cap per page, against a page-by-page reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.build.rebuild import build_index
from index.storage.loaded import open_index
from search.diversify import diversified_page
from search.ranking import RankingConfig
from search.service import SearchRequest, SearchService
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder

TEAMS = ["A", "a", "B", "C", None, ""]


def pages_by_reference(teams, per_team, page_size, pages):
    """Fill page 1 from the ranking, then page 2 from what is left, and so on."""
    left = list(range(len(teams)))
    out = []
    for _ in range(pages):
        page, counts, rest = [], {}, []
        for i in left:
            key = teams[i].casefold() if teams[i] else None
            if len(page) < page_size and (key is None or counts.get(key, 0) < per_team):
                page.append(i)
                if key is not None:
                    counts[key] = counts.get(key, 0) + 1
            else:
                rest.append(i)
        out.append(page)
        left = rest
    return out


def page_of(teams, per_team, page_size, page):
    return diversified_page(range(len(teams)), teams.__getitem__, per_team, page_size, page)


def test_diversify_caps_each_team_and_moves_the_rest_down_in_order():
    teams = ["A", "A", "A", "B", None, "A", "C"]
    assert page_of(teams, 1, 3, 0) == [0, 3, 4]  # one A, then B, then a teamless result
    assert page_of(teams, 1, 3, 1) == [1, 6]  # the next A and C; a third result would be an A
    assert page_of(teams, 1, 3, 2) == [2]
    assert page_of(teams, 1, 3, 3) == [5]
    assert page_of(teams, 1, 3, 4) == []


def test_diversify_never_exceeds_the_cap_even_if_a_page_stays_short():
    assert page_of(["A"] * 5, 2, 4, 0) == [0, 1]
    assert page_of(["A"] * 5, 2, 4, 2) == [4]


def test_diversify_leaves_teamless_results_alone_and_ignores_case():
    assert page_of([None, None, None], 1, 3, 0) == [0, 1, 2]
    assert page_of(["Data", "data", "DATA", ""], 1, 4, 0) == [0, 3]


def test_diversify_with_a_generous_cap_is_plain_paging():
    teams = ["A", "B"] * 10
    assert page_of(teams, 10, 5, 2) == list(range(10, 15))


def test_diversify_a_far_page_costs_one_pass():
    teams = ["A"] * 20_000
    assert page_of(teams, 1, 10, 9_999) == [9_999]


@given(
    st.lists(st.sampled_from(TEAMS), max_size=40),
    st.integers(1, 4),
    st.integers(1, 6),
)
def test_diversify_equals_page_by_page_reference(teams, per_team, page_size):
    pages = len(teams) + 1
    expected = pages_by_reference(teams, per_team, page_size, pages)
    got = [page_of(teams, per_team, page_size, n) for n in range(pages)]
    assert got == expected
    assert sorted(i for page in got for i in page) == list(range(len(teams)))  # nothing lost
    for page in got:
        assert page == sorted(page)  # rank order within a page
        keys = [teams[i].casefold() for i in page if teams[i]]
        assert all(keys.count(k) <= per_team for k in keys)


@pytest.mark.parametrize("query", ["storage engine replication", ""], ids=["query", "listing"])
def test_search_pages_hold_at_most_n_per_team_and_never_repeat(tmp_path, query):
    embedder = FakeEmbedder()
    build_index(synthetic_postings(60, seed=5), embedder, tmp_path / "index")
    service = SearchService(embedder, open_index(tmp_path / "index", embedder.name))
    config = RankingConfig(min_score=0.0)
    seen: list[str] = []
    for page in range(4):
        request = SearchRequest(query, limit=8, offset=8 * page, per_team=2)
        hits = service.search(request, config).hits
        teams = [h.posting.team.casefold() for h in hits if h.posting.team]
        assert all(teams.count(t) <= 2 for t in teams)
        seen += [h.posting.id for h in hits]
    assert len(seen) == len(set(seen)) >= 8
