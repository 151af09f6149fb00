"""Facet counts in a search: each field counted with the other fields' filters, within the
query's matches. A count must equal the total that clicking it returns."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.build.rebuild import build_index
from index.storage.loaded import open_index
from search.filters import Filters
from search.ranking import RankingConfig
from search.service import SearchRequest, SearchService
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder

ATTR = {
    "team": "teams",
    "location": "locations",
    "language": "languages",
    "level": "levels",
    "workplace": "workplaces",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    embedder = FakeEmbedder()
    root = tmp_path_factory.mktemp("facets") / "index"
    build_index(synthetic_postings(90, seed=11), embedder, root)
    return SearchService(embedder, open_index(root, embedder.name))


@pytest.mark.parametrize("min_score", [0.0, 0.25], ids=["no-threshold", "threshold"])
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(teams=("storage",)),
        Filters(teams=("data", "platform"), languages=("python",)),
        Filters(locations=("remote", "germany"), languages=("go", "rust")),
        Filters(locations=("germany", "usa"), workplaces=("remote", "hybrid")),
    ],
    ids=["none", "team", "teams-language", "locations-languages", "workplace-locations"],
)
def test_facet_count_equals_total_after_clicking_it(service, min_score, filters):
    config = RankingConfig(min_score=min_score)
    query = "storage engine replication"
    result = service.search(SearchRequest(query, filters, limit=5, facets=True), config)
    assert result.facets is not None and set(result.facets) == set(ATTR)
    checked = 0
    for field, values in result.facets.items():
        for facet in values:
            assert facet.count > 0
            clicked = replace(filters, **{ATTR[field]: (facet.value,)})
            total = service.search(SearchRequest(query, clicked, limit=1), config).total
            assert total == facet.count, (field, facet)
            checked += 1
    assert checked > 5


def test_facets_without_threshold_count_every_posting_passing_the_other_filters(service):
    config = RankingConfig(min_score=0.0)
    filters = Filters(teams=("storage",))
    result = service.search(SearchRequest("zzzz", filters, facets=True), config)
    everything = service.search(SearchRequest("", Filters(), facets=True), config)
    assert result.facets["team"] == everything.facets["team"]  # the team filter ignores itself
    storage = service.search(SearchRequest("", filters, limit=1), config).total
    assert sum(f.count for f in result.facets["team"] if f.value == "Storage") == storage


def test_facets_with_threshold_and_no_match_are_empty(service):
    result = service.search(SearchRequest("zzzz qqqq", facets=True), RankingConfig(min_score=0.3))
    assert result.total == 0 and all(values == [] for values in result.facets.values())


@pytest.mark.parametrize("size", [0, 1, 5, 40, 90])
def test_few_matches_counted_through_their_rows_as_through_the_mask(service, monkeypatch, size):
    import numpy as np

    from search import facets

    rng = np.random.default_rng(size)
    matched = np.sort(rng.choice(90, size, replace=False)).astype(np.int64)
    conditions = {"language": [("language", "python")]}
    monkeypatch.setattr(facets, "FEW_SHARE", 10**9)  # never few: every count by the mask
    by_mask = facets.facet_counts(service.index, matched, conditions)
    monkeypatch.setattr(facets, "FEW_SHARE", 0)  # always few: counted through their rows
    by_rows = facets.facet_counts(service.index, matched, conditions)
    assert by_rows == by_mask
    assert size == 0 or any(by_mask.values())
