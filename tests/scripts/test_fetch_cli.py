"""`jobsearch fetch greenhouse|lever|ashby BOARD --out FILE --base-url URL`, then `rebuild` on the
file: real subprocesses against a real HTTP server on loopback replaying the recorded boards."""

from __future__ import annotations

import json

import pytest

from index.ingest.readers import read_postings
from index.storage.layout import current_build
from index.storage.manifest import read_manifest
from tests.ats_server import Reply, ats_server, recorded
from tests.scripts.rebuild_cli import run_jobsearch

NO_WAIT = {"JOBSEARCH_FETCH_BACKOFF_SECONDS": "0"}


@pytest.mark.parametrize("provider", ["greenhouse", "lever", "ashby"])
def test_fetch_cli_then_rebuild_indexes_the_board(tmp_path, provider):
    out = tmp_path / f"{provider}.json"
    with ats_server() as server:
        fetched = run_jobsearch(
            "fetch", provider, "acme", "--out", str(out), "--base-url", server.base_url
        )
    assert fetched.returncode == 0, fetched.stderr
    document = json.loads(recorded(provider))
    records = len(document) if isinstance(document, list) else len(document["jobs"])
    assert f"fetched {records} postings" in fetched.stdout
    assert (
        f"from {provider} board 'acme' into {out}" in fetched.stdout and "1 try" in fetched.stdout
    )

    index = tmp_path / "index"
    built = run_jobsearch("rebuild", "--quiet", str(out), "--index", str(index), fake=True)
    expected = read_postings([out])  # what the readers make of the recorded board

    assert built.returncode == 0, built.stdout + built.stderr
    assert f"({out}: {provider})" in built.stdout
    manifest = read_manifest(current_build(index))
    assert manifest.postings == len(expected.postings) > 0
    assert f"indexed        {manifest.postings} postings" in built.stdout


def test_fetch_cli_then_rebuild_and_search_with_the_real_model(tmp_path):
    out, index = tmp_path / "lever.json", tmp_path / "index"
    with ats_server() as server:
        fetched = run_jobsearch(
            "fetch", "lever", "acme", "--out", str(out), "--base-url", server.base_url
        )
    assert fetched.returncode == 0, fetched.stderr
    built = run_jobsearch("rebuild", "--quiet", str(out), "--index", str(index))
    assert built.returncode == 0, built.stdout + built.stderr
    assert "indexed        4 postings" in built.stdout and "onnx-int8 embeddings" in built.stdout

    first = next(p for p in read_postings([out]).postings)
    found = run_jobsearch("search", first.title, "--index", str(index), "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)["results"]
    assert hits[0]["id"] == first.id  # its own title finds it first


def test_fetch_cli_unknown_board_fails_naming_it(tmp_path):
    out = tmp_path / "gh.json"
    with ats_server() as server:
        done = run_jobsearch(
            "fetch", "greenhouse", "nope", "--out", str(out), "--base-url", server.base_url
        )
    assert done.returncode == 1
    assert "error: greenhouse board 'nope' not found (HTTP 404 from " in done.stderr
    assert f"{server.base_url}/v1/boards/nope/jobs?content=true" in done.stderr
    assert not out.exists()


def test_fetch_cli_bad_json_keeps_the_previous_file(tmp_path):
    out = tmp_path / "ashby.json"
    out.write_bytes(b'{"jobs": []}')
    html = Reply(body=b"<!doctype html><title>Maintenance</title>", content_type="text/html")
    with ats_server({"acme": [html]}) as server:
        done = run_jobsearch(
            "fetch", "ashby", "acme", "--out", str(out), "--base-url", server.base_url
        )
    assert done.returncode == 1 and "did not return JSON" in done.stderr
    assert "Maintenance" in done.stderr  # what came instead
    assert out.read_bytes() == b'{"jobs": []}' and sorted(tmp_path.iterdir()) == [out]


def test_fetch_cli_retries_a_503_then_writes_the_board(tmp_path):
    out = tmp_path / "gh.json"
    script = [
        Reply(503, b"upstream busy", {"Retry-After": "0"}),
        Reply(body=recorded("greenhouse")),
    ]
    with ats_server({"acme": script}) as server:
        done = run_jobsearch(
            "fetch", "greenhouse", "acme", "--out", str(out), "--base-url", server.base_url
        )
    assert done.returncode == 0, done.stderr
    assert "2 tries" in done.stdout and len(server.requests) == 2
    assert out.read_bytes() == recorded("greenhouse")


def test_fetch_cli_times_out_and_leaves_no_file(tmp_path):
    out = tmp_path / "lever.json"
    with ats_server({"acme": [Reply(delay=3.0, body=b"[]")]}) as server:
        done = run_jobsearch(
            "fetch",
            "lever",
            "acme",
            "--out",
            str(out),
            "--base-url",
            server.base_url,
            "--timeout",
            "0.3",
            "--retries",
            "1",
            env=NO_WAIT,
        )
    assert done.returncode == 1
    assert "timed out (timeout 0.3 s) after 2 tries" in done.stderr
    assert len(server.requests) == 2 and not out.exists()
