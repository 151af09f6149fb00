"""The workplace filter over real HTTP: its own field, ANDed with location; in every hit, in the
facets, with aliases, a 422 naming the field; and read from the query's own words."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest

from api.main import create_app
from index.build.rebuild import build_index
from index.ingest.locations import normalize_location
from index.models import SectionKind
from index.settings import Settings
from tests.api.server import running_server
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

WORK = (("What you'll do", SectionKind.ROLE, "Build the storage engine and replication."),)
LOCATIONS = {
    "remote-eu": "Remote - Europe",
    "berlin-hybrid": "Berlin, Germany (Hybrid)",
    "munich-onsite": "On-site - Munich",
    "remote-us": "Remote, US",
    "london-hybrid": "London, UK (Hybrid)",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    postings = [
        dataclasses.replace(
            make_posting(pid, "Storage Engineer", sections=WORK), location=normalize_location(raw)
        )
        for pid, raw in LOCATIONS.items()
    ]
    root = tmp_path_factory.mktemp("workplace") / "index"
    build_index(postings, FakeEmbedder(), root)
    settings = Settings(index_dir=root, model="fake-hash", min_score=0.0)
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        yield http


def ids(body: dict) -> set[str]:
    return {hit["id"] for hit in body["results"]}


def test_workplace_and_location_are_anded(client):
    both = client.get("/v1/search", params={"workplace": "remote", "location": "germany"}).json()
    assert ids(both) == {"remote-eu"}  # remote jobs open to Germany
    either = client.get("/v1/search", params=[("location", "remote"), ("location", "germany")])
    assert ids(either.json()) == {"remote-eu", "remote-us", "berlin-hybrid", "munich-onsite"}


def test_workplace_repeats_and_takes_aliases(client):
    body = client.get("/v1/search", params=[("workplace", "hybrid"), ("workplace", "office")])
    assert ids(body.json()) == {"berlin-hybrid", "london-hybrid", "munich-onsite"}
    for alias in ("on-site", "onsite", "Office", "in-person"):
        body = client.get("/v1/search", params={"workplace": alias}).json()
        assert ids(body) == {"munich-onsite"}, alias
    posted = client.post("/v1/search", json={"q": "storage", "workplace": ["remote"]}).json()
    assert ids(posted) == {"remote-eu", "remote-us"}


def test_every_hit_says_its_workplace(client):
    body = client.get("/v1/search", params={"q": "storage engine", "limit": 10}).json()
    assert {hit["id"]: hit["workplace"] for hit in body["results"]} == {
        "remote-eu": "remote",
        "berlin-hybrid": "hybrid",
        "munich-onsite": "on-site",
        "remote-us": "remote",
        "london-hybrid": "hybrid",
    }
    posting = client.get("/v1/postings/munich-onsite").json()
    assert posting["workplace"] == "on-site"


def test_workplace_facets_count_with_the_other_filters(client):
    everything = client.get("/v1/facets").json()
    assert {f["value"]: (f["label"], f["count"]) for f in everything["workplace"]} == {
        "remote": ("Remote", 2),
        "hybrid": ("Hybrid", 2),
        "on-site": ("On-site", 1),
    }
    body = client.get(
        "/v1/search", params={"q": "storage", "location": "germany", "workplace": "remote"}
    ).json()
    counts = {f["value"]: f["count"] for f in body["facets"]["workplace"]}
    assert counts == {"remote": 1, "hybrid": 1, "on-site": 1}  # within Germany, any workplace
    germany = {f["value"]: f["count"] for f in body["facets"]["location"]}
    assert germany["DE"] == 1  # the remote job open to Germany


@pytest.mark.parametrize("value", ["moon", " ", "remote-ish"])
def test_unknown_workplace_is_422_naming_the_field(client, value):
    response = client.get("/v1/search", params={"workplace": value})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("workplace:")
    if value.strip():
        assert "remote, hybrid, on-site" in response.json()["detail"]


def test_query_words_set_workplace_and_location(client):
    body = client.get("/v1/search", params={"q": "storage engineer, remote in Europe"}).json()
    assert body["query_workplace"] == "remote"
    assert body["query_location"] == ["remote", "Europe"]
    assert body["results"][0]["id"] == "remote-eu"
    assert body["results"][0]["in_query_location"] is True
    hybrid = client.get("/v1/search", params={"q": "storage engineer, hybrid in London"}).json()
    assert (hybrid["query_workplace"], hybrid["results"][0]["id"]) == ("hybrid", "london-hybrid")
    listing = client.get("/v1/search", params={"q": "hybrid in Berlin"}).json()
    assert listing["query_workplace"] == "hybrid" and ids(listing) == {"berlin-hybrid"}


def test_an_explicit_workplace_filter_replaces_the_reading(client):
    body = client.get(
        "/v1/search", params={"q": "storage engineer, remote in Europe", "workplace": "hybrid"}
    ).json()
    assert body["query_workplace"] is None and body["query_location"] == ["Europe"]
    assert ids(body) == {"berlin-hybrid", "london-hybrid"}
