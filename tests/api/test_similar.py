"""GET /v1/postings/{id}/similar over real HTTP, with the ids real sources have (':' and '/')."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.main import create_app
from index.build.rebuild import build_index
from index.models import SectionKind
from index.settings import Settings
from tests.api.server import running_server
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

KAFKA = (("What you'll do", SectionKind.ROLE, "Build kafka pipelines and spark jobs."),)
POSTINGS = [
    make_posting("zapply:greenhouse-acme-1", "Data Engineer", team="Data", sections=KAFKA),
    make_posting("lever:acme/2", "Streaming Engineer", team="Platform", sections=KAFKA),
    make_posting(
        "ashby:x:3", "Analytics Engineer", team="Data", languages=("Python",), sections=KAFKA
    ),
    make_posting(
        "plain-4",
        "Account Executive",
        team="Sales",
        sections=(("The role", SectionKind.ROLE, "Sell software to customers."),),
    ),
]


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    root = tmp_path_factory.mktemp("similar-api") / "index"
    build_index(POSTINGS, FakeEmbedder(), root)
    settings = Settings(index_dir=root, model="fake-hash", min_score=0.0, max_limit=50)
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as client:
        yield client


def test_similar_with_colon_id_returns_search_shaped_results(http):
    response = http.get("/v1/postings/zapply:greenhouse-acme-1/similar", params={"limit": 2})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["id"] for r in body["results"]] == ["lever:acme/2", "ashby:x:3"]
    assert body["total"] == 3 and body["limit"] == 2 and body["offset"] == 0
    assert body["results"][0]["section"] == "What you'll do" and body["results"][0]["score"] > 0
    assert {"index_version", "exhaustive", "stages_ms", "took_ms"} <= set(body)


def test_similar_filters_mean_what_they_mean_in_search(http):
    url = "/v1/postings/zapply:greenhouse-acme-1/similar"
    body = http.get(url, params={"team": "data"}).json()
    assert [r["id"] for r in body["results"]] == ["ashby:x:3"] and body["total"] == 1
    assert body["results"][0]["matched_filters"] == {"team": ["data"]}
    assert http.get(url, params={"language": "golang"}).json()["results"] == []
    bad = http.get(url, params={"language": "rusty"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("language:")


def test_posting_and_similar_routes_do_not_clash_on_slashes_and_colons(http):
    assert http.get("/v1/postings/lever:acme/2").json()["id"] == "lever:acme/2"
    assert http.get("/v1/postings/lever:acme%2F2").json()["id"] == "lever:acme/2"
    assert http.get("/v1/postings/ashby:x:3").json()["id"] == "ashby:x:3"
    similar = http.get("/v1/postings/lever:acme/2/similar").json()
    assert "lever:acme/2" not in [r["id"] for r in similar["results"]]
    assert len(similar["results"]) == 3


def test_similar_unknown_id_is_404_naming_it(http):
    for path in ("/v1/postings/zapply:nope/similar", "/v1/postings/a/b/similar"):
        response = http.get(path)
        assert response.status_code == 404
        assert response.json()["detail"].startswith("no posting with id")
        assert "took_ms" in response.json()


def test_similar_limits_are_422_stating_the_limit(http):
    url = "/v1/postings/ashby:x:3/similar"
    limit = http.get(url, params={"limit": 51})
    assert (
        limit.status_code == 422
        and limit.json()["detail"] == "limit: must be between 1 and 50 (got 51)"
    )
    offset = http.get(url, params={"offset": 10**30})
    assert offset.status_code == 422 and "between 0 and 10000" in offset.json()["detail"]
