"""`fetch_board` against a real HTTP server on loopback replaying the recorded ATS responses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from index.connectors.fetch import FetchPolicy, board_url, fetch_board, retry_after_seconds
from index.errors import FetchError
from index.ingest.readers import read_postings
from tests.api.server import free_port
from tests.ats_server import Reply, ats_server, recorded

QUICK = FetchPolicy(timeout=5.0, retries=2, backoff=0.0)


@pytest.mark.parametrize("provider", ["greenhouse", "lever", "ashby"])
def test_fetch_board_writes_a_file_the_readers_read(tmp_path, provider):
    out = tmp_path / "boards" / f"{provider}.json"
    with ats_server() as server:
        report = fetch_board(provider, "acme", out, server.base_url, QUICK)
    assert out.read_bytes() == recorded(provider)  # the body as it came
    read = read_postings([out])
    assert read.formats == {str(out): provider}
    assert len(read.postings) == report.postings > 0 and read.skipped == []
    assert report.attempts == 1 and report.url.startswith(server.base_url)
    assert list(out.parent.iterdir()) == [out]  # no temporary file left beside it


def test_board_url_follows_each_api():
    assert board_url("greenhouse", "acme") == (
        "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true"
    )
    assert board_url("lever", "acme", "http://h:1/") == "http://h:1/v0/postings/acme?mode=json"
    assert board_url("ashby", "a b", "http://h") == (
        "http://h/posting-api/job-board/a%20b?includeCompensation=true"
    )
    with pytest.raises(FetchError, match="unknown provider 'workday'"):
        board_url("workday", "acme")


def test_fetch_board_not_found_names_the_board_and_url(tmp_path):
    out = tmp_path / "gh.json"
    with ats_server() as server, pytest.raises(FetchError) as caught:
        fetch_board("greenhouse", "no-such-co", out, server.base_url, QUICK)
    message = str(caught.value)
    assert "greenhouse board 'no-such-co' not found (HTTP 404" in message
    assert f"{server.base_url}/v1/boards/no-such-co/jobs?content=true" in message
    assert len(server.requests) == 1  # a wrong name is not retried
    assert not out.exists()


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(body=b"<html>Sign in</html>", content_type="text/html"), "did not return JSON"),
        (Reply(body=b'{"jobs": [{"id": 1'), "did not return JSON"),  # cut short
        (Reply(body=b'{"error": "private board"}'), "not a Greenhouse job board"),
    ],
    ids=["html", "truncated", "wrong-shape"],
)
def test_fetch_board_bad_body_fails_and_keeps_the_previous_file(tmp_path, reply, expected):
    out = tmp_path / "gh.json"
    out.write_text("yesterday's board")
    with ats_server({"acme": [reply]}) as server, pytest.raises(FetchError, match=expected):
        fetch_board("greenhouse", "acme", out, server.base_url, QUICK)
    assert out.read_text() == "yesterday's board"
    assert list(tmp_path.iterdir()) == [out]


def test_fetch_board_retries_a_503_then_succeeds(tmp_path):
    script = [Reply(503, b"busy", {"Retry-After": "0"}), Reply(body=recorded("ashby"))]
    with ats_server({"acme": script}) as server:
        report = fetch_board("ashby", "acme", tmp_path / "a.json", server.base_url, QUICK)
    assert report.attempts == 2 and len(server.requests) == 2
    assert report.postings == len(read_postings([tmp_path / "a.json"]).postings)


def test_fetch_board_waits_as_long_as_retry_after_asks(tmp_path):
    script = [Reply(429, b"slow down", {"Retry-After": "1"}), Reply(body=recorded("lever"))]
    with ats_server({"acme": script}) as server:
        fetch_board("lever", "acme", tmp_path / "l.json", server.base_url, QUICK)
    (_, first), (_, second) = server.requests
    assert second - first >= 0.95  # the server's own clock: it asked for one second


def test_fetch_board_gives_up_after_its_retries(tmp_path):
    with ats_server({"acme": [Reply(502, b"bad gateway")]}) as server:
        with pytest.raises(FetchError, match=r"HTTP 502 from .* after 3 tries: 'bad gateway'"):
            fetch_board("greenhouse", "acme", tmp_path / "g.json", server.base_url, QUICK)
    assert len(server.requests) == 3
    assert not (tmp_path / "g.json").exists()


def test_fetch_board_times_out_on_a_silent_server(tmp_path):
    policy = FetchPolicy(timeout=0.2, retries=1, backoff=0.0)
    with ats_server({"acme": [Reply(delay=2.0, body=recorded("lever"))]}) as server:
        with pytest.raises(FetchError, match=r"timed out \(timeout 0.2 s\) after 2 tries"):
            fetch_board("lever", "acme", tmp_path / "l.json", server.base_url, policy)
    assert len(server.requests) == 2
    assert not (tmp_path / "l.json").exists()


def test_fetch_board_with_nothing_listening_says_it_cannot_reach_it(tmp_path):
    base = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(FetchError, match=r"cannot reach http://127\.0\.0\.1:\d+/v0/.* 3 tries"):
        fetch_board("lever", "acme", tmp_path / "l.json", base, QUICK)


def test_retry_after_reads_seconds_and_dates():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("-1") == 0.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    assert 100 < (retry_after_seconds(later) or 0) <= 120
