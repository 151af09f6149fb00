"""Hostile and malformed requests get a 4xx that names the problem, never a 500."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.main import create_app
from index.settings import Settings
from tests.api.server import running_server
from tests.fakes import FakeEmbedder


@pytest.fixture(scope="module")
def client(index_root: Path) -> Iterator[httpx.Client]:
    """The shared test server's settings, but no rate limit: this module sends hundreds of
    requests a second, far past what one client may (tests/api/test_operations.py has that)."""
    settings = Settings(
        index_dir=index_root,
        model="fake-hash",
        max_limit=50,
        max_query_chars=2000,
        min_score=0.0,
        rate_limit="",
    )
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        yield http


QUERIES = [
    '" OR 1=1 --',
    "NEAR(",
    "*",
    '"',
    "AND",
    "title:foo",
    "a) OR (b",
    "^x",
    "\x00\x00",
    "🙂" * 50,
    "'; DROP TABLE postings; --",
]


@pytest.mark.parametrize("q", QUERIES)
def test_hostile_query_text_is_just_text(client, q):
    for response in (
        client.get("/v1/search", params={"q": q}),
        client.post("/v1/search", json={"q": q}),
    ):
        assert response.status_code == 200, response.text
        assert isinstance(response.json()["results"], list)


def test_hundred_kilobyte_query_is_422_naming_q_and_the_limit(client):
    response = client.post("/v1/search", json={"q": "storage " * 12_500})
    assert response.status_code == 422 and response.json()["detail"].startswith(
        "q: at most 2000 characters"
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": -1}, "limit"),
        ({"limit": 10**30}, "limit"),
        ({"offset": 10**30}, "offset"),
        ({"offset": -5}, "offset"),
    ],
)
def test_absurd_numbers_are_422(client, params, field):
    response = client.get("/v1/search", params={"q": "x", **params})
    assert response.status_code == 422 and response.json()["detail"].startswith(f"{field}:")


def test_a_filter_repeated_thousands_of_times_is_422(client):
    response = client.get("/v1/search", params=[("team", "Storage")] * 5000)
    assert response.status_code == 422 and response.json()["detail"].startswith("team: at most")


def test_invalid_utf8_in_the_url_is_not_a_500(client):
    for path in ("/v1/search?q=%ff%fe%fd", "/v1/postings/%ff%fe", "/v1/search?team=%c3%28"):
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code, response.text)


def test_wrong_content_types_and_bodies_are_4xx(client):
    cases = [
        client.post(
            "/v1/search",
            content=b"q=x",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        client.post(
            "/v1/search", content=b"\xff\xfe", headers={"content-type": "application/json"}
        ),
        client.post("/v1/search", json=[1, 2, 3]),
        client.post("/v1/search", json={"team": "not-a-list"}),
        client.post("/v1/search", json={"q": "x", "limit": 10**30}),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response.text
        assert "detail" in response.json()


def test_wrong_methods_are_405(client):
    assert client.delete("/v1/search").status_code == 405
    assert client.put("/v1/postings/rust-1").status_code == 405


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"limit": 51}, "limit: must be between 1 and 50 (got 51)"),
        ({"limit": 0}, "limit: must be between 1 and 50 (got 0)"),
        ({"offset": 10_001}, "offset: must be between 0 and 10000 (got 10001)"),
        ({"q": "x" * 2001}, "q: at most 2000 characters (got 2001)"),
        ({"diversify_team": 11}, "diversify_team: must be between 0 (off) and limit (10), got 11"),
    ],
)
def test_limits_are_422_stating_the_limit_in_get_and_post(client, params, detail):
    for response in (
        client.get("/v1/search", params=params),
        client.post("/v1/search", json=params),
    ):
        assert response.status_code == 422
        assert response.json()["detail"] == detail


def test_too_many_filter_values_states_the_limit(client):
    body = {"q": "x", "language": ["go"] * 51}
    response = client.post("/v1/search", json=body)
    assert response.json()["detail"] == "language: at most 50 values (got 51)"
    long_value = client.get("/v1/search", params={"location": "x" * 201})
    assert long_value.json()["detail"] == "location: a filter value is at most 200 characters"


def raw_get(client, target: bytes) -> bytes:
    """A GET sent over a plain socket: httpx refuses URLs this long before sending them."""
    with socket.create_connection((client.base_url.host, client.base_url.port)) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_hundred_kilobyte_query_in_the_url_is_refused_not_a_500(client):
    # The HTTP server itself refuses a URL over ~64 KB (400, before the app); a long q belongs in
    # POST /v1/search, which answers the 422 above. One just past the limit still fits a URL.
    response = raw_get(client, b"/v1/search?q=" + b"storage+" * 12_800)
    assert response.startswith(b"HTTP/1.1 4")
    over = client.get("/v1/search", params={"q": "storage " * 250 + "x"})
    assert (
        over.status_code == 422 and over.json()["detail"] == "q: at most 2000 characters (got 2001)"
    )


@pytest.mark.parametrize("value", ["\x00", "Sto\x00rage", "\x00" * 200])
@pytest.mark.parametrize("field", ["team", "location", "language"])
def test_nul_bytes_in_filters_are_4xx_or_match_nothing(client, field, value):
    for response in (
        client.get("/v1/search", params={"q": "storage", field: value}),
        client.post("/v1/search", json={"q": "storage", field: [value]}),
    ):
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            assert response.json()["results"] == []
        else:
            assert response.json()["detail"].startswith(f"{field}:")


@pytest.mark.parametrize(
    "posting_id",
    ["%00", "x%00y", "%27%20OR%201%3D1%20--", "%22", "*", "a%2F..%2F..%2Fetc%2Fpasswd", "x" * 5000],
)
def test_hostile_posting_ids_are_404(client, posting_id):
    for path in (f"/v1/postings/{posting_id}", f"/v1/postings/{posting_id}/similar"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["detail"].startswith("no posting with id")


def test_huge_and_malformed_json_bodies_are_4xx(client):
    huge = client.post("/v1/search", json={"q": "x", "padding": "y" * 2_000_000})
    assert huge.status_code == 413 and "at most 1000000 bytes" in huge.json()["detail"]
    many = client.post("/v1/search", json={"team": ["Storage"] * 5000})
    assert many.status_code == 422 and many.json()["detail"] == "team: at most 50 values (got 5000)"
    nested = client.post(
        "/v1/search",
        content=b"[" * 50_000 + b"]" * 50_000,
        headers={"content-type": "application/json"},
    )
    assert 400 <= nested.status_code < 500 and "detail" in nested.json()
    for body in (
        {"q": None},
        {"q": {"$ne": 1}},
        {"limit": "1e3"},
        {"offset": 1.5},
        {"team": [None]},
    ):
        response = client.post("/v1/search", json=body)
        assert response.status_code == 422, (body, response.text)


def test_json_sent_as_another_content_type_is_4xx(client):
    for content_type in ("text/plain", "application/xml", "multipart/form-data; boundary=x", ""):
        headers = {"content-type": content_type} if content_type else {}
        response = client.post("/v1/search", content=b'{"q": "storage"}', headers=headers)
        assert 400 <= response.status_code < 500, (content_type, response.text)
