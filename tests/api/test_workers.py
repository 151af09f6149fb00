"""`jobsearch serve --workers 2` as a real subprocess on a small index built with the real model:
connections opened together spread over the workers, metrics add up across the workers, each worker picks up a new build, a killed worker's counts
stay and its gauge goes, and rate limits hold across workers (in memory: each its share; in
redis: shared exactly)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from index.build.rebuild import build_index
from index.models import SectionKind
from tests.api.serve_process import (
    Served,
    listening_sockets,
    redis_server,
    requests_by_pid,
    scrape,
    serving,
    wait_until,
)
from tests.factories import make_posting

pytestmark = pytest.mark.subprocess

SEARCH = "/v1/search"
POSTING = "/v1/postings/{posting_id:path}"
SITE_KEY = "careers-backend"


def build(root: Path, embedder, tag: str) -> str:
    postings = [
        make_posting(
            f"{tag}-{n}",
            title,
            team="Platform",
            sections=(("What you'll do", SectionKind.ROLE, text),),
        )
        for n, (title, text) in enumerate(
            [
                ("Rust Storage Engineer", "Build the storage engine and its replication."),
                ("Frontend Engineer", "Build the design system in React and TypeScript."),
                ("Account Executive", "Own a sales quota and grow our customers."),
            ]
        )
    ]
    return build_index(postings, embedder, root).manifest.build_id


@pytest.fixture(scope="module")
def workers(tmp_path_factory, real_embedder) -> Iterator[tuple[Served, Path, str]]:
    """Two workers; addresses unlimited, the site's key limited to 4 an hour (2 per worker)."""
    tmp = tmp_path_factory.mktemp("workers")
    root = tmp / "index"
    first = build(root, real_embedder, "v1")
    env = {"JOBSEARCH_RATE_LIMIT": "", "JOBSEARCH_RATE_LIMIT_KEYS": f'{{"{SITE_KEY}": "4/hour"}}'}
    with serving(root, tmp, **env) as served:
        yield served, root, first


def fresh_get(url: str, **kwargs) -> httpx.Response:
    """One request on a new connection, so the kernel may hand it to either worker."""
    return httpx.get(
        url, timeout=30, headers={"Connection": "close", **kwargs.pop("headers", {})}, **kwargs
    )


def test_serve_workers_add_up_metrics_across_processes(workers):
    served, _, _ = workers
    before = scrape(served.url)
    ok = f'jobsearch_requests_total{{method="GET",route="{SEARCH}",status="200"}}'
    sent = 0
    while len(requests_by_pid(served.metrics_dir, SEARCH)) < 2 or sent < 20:
        assert sent < 400, (
            f"one worker answered everything: {requests_by_pid(served.metrics_dir, SEARCH)}"
        )
        assert fresh_get(f"{served.url}{SEARCH}", params={"q": "rust storage"}).status_code == 200
        sent += 1
    after = scrape(served.url)
    by_pid = requests_by_pid(served.metrics_dir, SEARCH, "200")
    assert set(by_pid) == served.worker_pids() and len(by_pid) == 2
    assert served.worker_pids() <= served.children()
    assert all(count > 0 for count in by_pid.values())
    assert sum(by_pid.values()) == after[ok]  # the scrape is every worker's sum
    assert after[ok] - before.get(ok, 0.0) == sent
    assert after["jobsearch_searches_total"] - before.get("jobsearch_searches_total", 0) == sent
    stage = 'jobsearch_search_stage_duration_seconds_count{stage="embed"}'
    assert after[stage] - before.get(stage, 0.0) == sent


def test_serve_workers_split_an_in_memory_rate_limit(workers):
    """4 an hour for the key, in memory with 2 workers: 2 in each, so 4 in all, never 8."""
    served, _, first = workers
    url = f"{served.url}/v1/postings/v1-0"
    codes = []
    while (
        min(requests_by_pid(served.metrics_dir, POSTING).values() or [0]) < 3
        or len(requests_by_pid(served.metrics_dir, POSTING)) < 2
    ):
        assert len(codes) < 200, "one worker answered everything"
        codes.append(fresh_get(url, headers={"X-API-Key": SITE_KEY}).status_code)
    assert codes.count(200) == 4 and set(codes) == {200, 429}
    refused = fresh_get(url, headers={"X-API-Key": SITE_KEY})
    assert "more than 2 per hour from this API key" in refused.json()["detail"]
    assert fresh_get(url).status_code == 200  # addresses are not limited here


def test_serve_workers_each_pick_up_a_new_build(workers, real_embedder):
    served, root, first = workers
    second = build(root, real_embedder, "v2")
    info = 'jobsearch_index_info{{version="{}"}}'
    wait_until(
        lambda: scrape(served.url).get(info.format(first)) == 0.0,
        lambda: f"a worker still serves {first}: {scrape(served.url)}",
        seconds=30,
    )
    assert scrape(served.url)[info.format(second)] == 1.0
    versions = {
        fresh_get(f"{served.url}{SEARCH}", params={"q": "storage"}).json()["index_version"]
        for _ in range(20)
    }
    assert versions == {second}


def test_serve_worker_killed_keeps_its_counts_and_loses_its_gauge(workers):
    served, _, _ = workers
    total = "jobsearch_searches_total"
    before = scrape(served.url)[total]
    victim = min(served.worker_pids())
    os.kill(victim, signal.SIGKILL)  # no shutdown: uvicorn starts a replacement
    wait_until(
        lambda: victim not in served.worker_pids() and len(served.worker_pids()) == 2,
        lambda: f"no replacement or stale gauge: {served.worker_pids()}",
        seconds=120,
    )
    assert scrape(served.url)[total] == before  # the dead worker's searches still count
    assert victim not in served.children()


def test_serve_workers_share_a_redis_rate_limit_exactly(tmp_path, real_embedder):
    root = tmp_path / "index"
    build(root, real_embedder, "r")
    with (
        redis_server(tmp_path) as redis_url,
        serving(
            root,
            tmp_path,
            "--forwarded-allow-ips",
            "",  # X-Forwarded-For is not believed: every request is 127.0.0.1
            JOBSEARCH_RATE_LIMIT="5/hour",
            JOBSEARCH_RATE_LIMIT_STORAGE=redis_url,
        ) as served,
    ):
        codes = []
        while (
            min(requests_by_pid(served.metrics_dir, SEARCH).values() or [0]) < 4
            or len(requests_by_pid(served.metrics_dir, SEARCH)) < 2
        ):
            assert len(codes) < 200, "one worker answered everything"
            forwarded = {"X-Forwarded-For": f"203.0.113.{len(codes) % 250}"}
            codes.append(
                fresh_get(f"{served.url}{SEARCH}", params={"q": "x"}, headers=forwarded).status_code
            )
    assert codes.count(200) == 5 and set(codes) == {200, 429}  # 5 in all, not 5 per worker


def test_serve_workers_share_connections_opened_together(workers):
    """A client that opens its keep-alive connections at once (a backend's pool, a load
    generator) gets them spread over both workers, each worker on a socket of its own
    (api/workers.py); with one shared socket, Linux tends to hand the burst to one worker."""
    served, _, _ = workers
    before = requests_by_pid(served.metrics_dir, SEARCH)
    search = {"q": "storage engine"}  # whichever build is current by now
    clients = [httpx.Client(base_url=served.url, timeout=30) for _ in range(16)]
    try:
        with ThreadPoolExecutor(len(clients)) as pool:  # every connection opened together
            list(pool.map(lambda client: client.get(SEARCH, params=search), clients))
        for client in clients:  # then each connection kept and used again
            assert client.get(SEARCH, params=search).status_code == 200
    finally:
        for client in clients:
            client.close()
    after = requests_by_pid(served.metrics_dir, SEARCH)
    served_now = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    assert sum(served_now.values()) == 2 * len(clients)
    assert len([pid for pid, count in served_now.items() if count > 0]) == 2, served_now
    port = int(served.url.rsplit(":", 1)[1])
    sockets = [listening_sockets(pid, port) for pid in sorted(served.worker_pids())]
    assert [len(held) for held in sockets] == [1, 1] and sockets[0] != sockets[1]
    assert not listening_sockets(served.process.pid, port)  # the supervisor accepts nothing
