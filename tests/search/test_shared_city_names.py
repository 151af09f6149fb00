"""A city whose name several countries share, through a real rebuild and search: "jobs in santa
clara" finds the Santa Clara, California postings, the bare "Santa Clara or Remote" among them,
filed under the United States and not under Cuba."""

from __future__ import annotations

import json

import pytest

from index.build.rebuild import rebuild
from index.storage.loaded import open_index
from search.filters import Filters
from search.ranking import PRESETS
from search.service import SearchRequest, SearchService
from tests.fakes import FakeEmbedder

BODY = "<h2>What you'll do</h2><p>Build the reactor control software.</p>"
RECORDS = [  # (id, company, location)
    ("oklo-qualified", "Oklo", "Santa Clara, CA"),
    ("oklo-bare", "Oklo", "Santa Clara or Remote"),
    ("havana", "Caribe Soft", "Havana, Cuba"),
    ("austin", "Texan Co", "Austin, TX"),
]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    folder = tmp_path_factory.mktemp("shared-names")
    path = folder / "postings.jsonl"
    lines = [
        json.dumps(
            {"id": i, "company": c, "title": "Engineer", "location": loc, "content_html": BODY}
        )
        for i, c, loc in RECORDS
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    embedder = FakeEmbedder()
    rebuild([path], folder / "index", embedder)
    return SearchService(embedder, open_index(folder / "index", embedder.name), PRESETS["dense"])


def ids(service: SearchService, request: SearchRequest) -> set[str]:
    return {hit.posting.id for hit in service.search(request).hits}


def test_jobs_in_santa_clara_are_the_california_ones(service):
    result = service.search(SearchRequest("jobs in santa clara", limit=10))
    assert result.query_location == ("santa clara",)
    there = {
        hit.posting.id: hit.posting.location.countries
        for hit in result.hits
        if hit.in_query_location
    }
    assert there == {"oklo-qualified": ("US",), "oklo-bare": ("US",)}


def test_the_bare_santa_clara_is_filed_under_the_united_states(service):
    in_us = ids(service, SearchRequest("engineer", Filters(locations=("united states",)), limit=10))
    assert in_us == {"oklo-qualified", "oklo-bare", "austin"}
    assert ids(service, SearchRequest("engineer", Filters(locations=("cuba",)), limit=10)) == {
        "havana"
    }
