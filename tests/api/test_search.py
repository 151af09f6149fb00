"""Every endpoint and every error mapping, through a real HTTP server."""

from __future__ import annotations

from api.main import create_app
from index.settings import Settings
from tests.api.server import running_server
from tests.fakes import FakeEmbedder

RESULT_FIELDS = {
    "id",
    "title",
    "company",
    "team",
    "location",
    "remote",
    "languages",
    "url",
    "score",
    "section",
    "snippet",
}


def test_search_get_returns_ranked_results_with_contract_fields(client):
    response = client.get("/v1/search", params={"q": "storage engine replication"})
    assert response.status_code == 200
    body = response.json()
    assert {"results", "total", "exhaustive", "limit", "offset", "took_ms"} <= set(body)
    assert body["results"][0]["id"] == "rust-1"
    assert RESULT_FIELDS <= set(body["results"][0])
    assert body["results"][0]["section"] == "What you'll do"
    assert body["total"] == 3 and body["exhaustive"] is True


def test_search_filters_repeat_and_combine(client):
    body = client.get(
        "/v1/search", params=[("q", "engineer"), ("language", "golang"), ("language", "rust")]
    ).json()
    assert {r["id"] for r in body["results"]} == {"rust-1", "go-1"}
    body = client.get("/v1/search", params={"q": "engineer", "location": "remote"}).json()
    assert [r["id"] for r in body["results"]] == ["go-1"] and body["results"][0]["remote"] is True
    body = client.get(
        "/v1/search", params={"q": "x", "location": "berlin", "team": "STORAGE"}
    ).json()
    assert [r["id"] for r in body["results"]] == ["rust-1"]


def test_search_post_accepts_long_description(client):
    text = "I have spent years building storage engines and replication protocols. " * 10
    response = client.post("/v1/search", json={"q": text, "team": ["Storage"], "limit": 5})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == ["rust-1"]


def test_search_without_query_lists_newest_first(client):
    body = client.get("/v1/search").json()
    assert [r["id"] for r in body["results"]] == ["go-1", "rust-1", "sales-1"]
    assert all(r["score"] is None for r in body["results"])


def test_search_pagination(client):
    body = client.get("/v1/search", params={"q": "engineer", "limit": 1, "offset": 1}).json()
    assert len(body["results"]) == 1 and body["offset"] == 1 and body["total"] == 3


def test_search_bad_parameters_are_422_naming_the_field(client):
    cases = [
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "x" * 2001}, "q"),
        ({"language": "rusty"}, "language"),
        ({"team": " "}, "team"),
    ]
    for params, field in cases:
        response = client.get("/v1/search", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"].startswith(f"{field}:"), response.json()
        assert "took_ms" in response.json()


def test_search_post_bad_body_is_422(client):
    response = client.post("/v1/search", json={"q": 5, "limit": "x"})
    assert response.status_code == 422
    assert "limit" in response.json()["detail"]
    response = client.post(
        "/v1/search", content=b"not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_posting_endpoint_and_404(client):
    body = client.get("/v1/postings/sales-1").json()
    assert body["title"] == "Account Executive" and body["sections"][0]["heading"] == "The role"
    assert body["locations"]["countries"] == ["GB"]
    assert body["locations"]["label"] == body["location"]  # one country: as written
    missing = client.get("/v1/postings/does-not-exist")
    assert missing.status_code == 404 and "does-not-exist" in missing.json()["detail"]


def test_facets_count_every_value(client):
    body = client.get("/v1/facets").json()
    assert {f["value"]: f["count"] for f in body["team"]} == {
        "Storage": 1,
        "Platform": 1,
        "Sales": 1,
    }
    locations = {f["value"]: f["count"] for f in body["location"]}
    assert locations["remote"] == 1 and locations["DE"] == 1 and locations["Berlin"] == 1
    assert {f["value"] for f in body["language"]} == {"Go", "Rust"}
    assert body["total"] == 3


def test_health_and_ready(client):
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["index"]["postings"] == 3


def test_without_index_search_is_503_and_not_ready(tmp_path):
    settings = Settings(index_dir=tmp_path / "empty", model="fake-hash")
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz")
        assert ready.status_code == 503 and "jobsearch rebuild" in ready.json()["detail"]
        response = http.get("/v1/search", params={"q": "x"})
        assert response.status_code == 503 and "index not available" in response.json()["detail"]


def test_unknown_route_is_json_404(client):
    response = client.get("/v2/nothing")
    assert response.status_code == 404 and "detail" in response.json()


def test_facet_counts_equal_what_the_filter_returns(client):
    facets = client.get("/v1/facets").json()
    for field in ("team", "location", "language"):
        for facet in facets[field]:
            body = client.get("/v1/search", params={field: facet["value"], "limit": 50}).json()
            assert body["total"] == facet["count"], (field, facet)


def test_search_response_counts_facets_with_the_other_filters(client):
    body = client.get("/v1/search", params={"q": "engineer", "team": "Storage"}).json()
    teams = {f["value"]: f["count"] for f in body["facets"]["team"]}
    assert teams == {"Storage": 1, "Platform": 1, "Sales": 1}  # the team filter ignores itself
    languages = {f["value"]: f["count"] for f in body["facets"]["language"]}
    assert languages == {"Rust": 1}  # other fields honour the team filter
    both = client.get(
        "/v1/search", params={"q": "engineer", "team": "Storage", "language": "go"}
    ).json()
    assert both["total"] == 0
    assert {f["value"]: f["count"] for f in both["facets"]["language"]} == {"Rust": 1}
    assert {f["value"]: f["count"] for f in both["facets"]["team"]} == {"Platform": 1}


def test_similar_endpoint_returns_others_and_404(client):
    body = client.get("/v1/postings/rust-1/similar", params={"limit": 5}).json()
    ids = [r["id"] for r in body["results"]]
    assert "rust-1" not in ids and set(ids) == {"go-1", "sales-1"}
    assert {"total", "exhaustive", "took_ms"} <= set(body)
    filtered = client.get("/v1/postings/rust-1/similar", params={"team": "Sales"}).json()
    assert [r["id"] for r in filtered["results"]] == ["sales-1"]
    missing = client.get("/v1/postings/nope/similar")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
    assert client.get("/v1/postings/rust-1/similar", params={"limit": 0}).status_code == 422


def test_diversify_team_is_validated_and_applied(client):
    assert (
        client.get("/v1/search", params={"q": "x", "limit": 2, "diversify_team": 3}).status_code
        == 422
    )
    body = client.get(
        "/v1/search", params={"q": "engineer", "limit": 3, "diversify_team": 1}
    ).json()
    teams = [r["team"] for r in body["results"]]
    assert len(teams) == len(set(teams)) == 3


def test_search_without_query_carries_facets_too(client):
    body = client.get("/v1/search", params={"team": "Storage"}).json()
    assert body["total"] == 1
    assert {f["value"]: f["count"] for f in body["facets"]["team"]} == {
        "Storage": 1,
        "Platform": 1,
        "Sales": 1,
    }
    assert {f["value"]: f["count"] for f in body["facets"]["language"]} == {"Rust": 1}


def test_diversify_team_pages_must_be_whole(client):
    response = client.get(
        "/v1/search", params={"q": "x", "limit": 2, "offset": 1, "diversify_team": 1}
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("offset: must be a multiple of limit (2)")
    second = client.get(
        "/v1/search", params={"q": "engineer", "limit": 2, "offset": 2, "diversify_team": 1}
    ).json()
    assert len(second["results"]) == 1  # three teams, one each: two on page 1, one left


def test_search_reports_the_location_its_words_asked_for(client):
    body = client.get("/v1/search", params={"q": "engineer in the US", "limit": 3}).json()
    assert body["query_location"] == ["US"]
    assert body["results"][0]["id"] == "go-1" and body["results"][0]["in_query_location"] is True
    others = [r["in_query_location"] for r in body["results"][1:]]
    assert others and not any(others)
    plain = client.get("/v1/search", params={"q": "engineer"}).json()
    assert plain["query_location"] == []
    assert all(r["in_query_location"] is None for r in plain["results"])
    only = client.get("/v1/search", params={"q": "based in London"}).json()
    assert [r["id"] for r in only["results"]] == ["sales-1"] and only["total"] == 1
