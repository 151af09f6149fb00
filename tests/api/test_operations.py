"""Running in public: CORS, metrics, and hot index swaps under load (rate limits: test_ratelimit.py)."""

from __future__ import annotations

import gc
import re
import shutil
import threading
import time
import weakref
from pathlib import Path

import httpx

from api.main import create_app
from index.build.rebuild import build_index
from index.models import SectionKind
from index.settings import Settings
from index.storage.layout import builds_dir, switch_current
from tests.api.server import running_server
from tests.factories import make_posting
from tests.fakes import FakeEmbedder


def settings_for(root: Path, **overrides: object) -> Settings:
    base: dict[str, object] = {"index_dir": root, "model": "fake-hash", "min_score": 0.0}
    return Settings(**{**base, **overrides})


def build_version(root: Path, tag: str) -> str:
    """A build whose every posting id carries `tag`, so a response can be checked for mixing."""
    postings = [
        make_posting(
            f"{tag}-{n}",
            f"Engineer {n}",
            team="Platform",
            sections=(("What you'll do", SectionKind.ROLE, f"Build storage systems, part {n}."),),
        )
        for n in range(12)
    ]
    return build_index(postings, FakeEmbedder(), root).manifest.build_id


def app_for(settings: Settings):
    return create_app(settings, embedder_factory=lambda s: FakeEmbedder())


def test_cors_allows_configured_origins_only(tmp_path):
    build_version(tmp_path / "index", "v1")
    settings = settings_for(tmp_path / "index", cors_origins=["https://careers.example.com"])
    with running_server(app_for(settings)) as http:
        ok = http.get(
            "/v1/search", params={"q": "x"}, headers={"Origin": "https://careers.example.com"}
        )
        assert ok.headers["access-control-allow-origin"] == "https://careers.example.com"
        other = http.get(
            "/v1/search", params={"q": "x"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


def test_metrics_count_requests_stages_and_index_version(tmp_path):
    version = build_version(tmp_path / "index", "v1")
    with running_server(app_for(settings_for(tmp_path / "index"))) as http:
        http.get("/v1/search", params={"q": "storage"})
        http.get("/v1/postings/v1-1")
        http.get("/v1/postings/missing")
        text = http.get("/metrics").text
    assert 'jobsearch_requests_total{method="GET",route="/v1/search",status="200"} 1.0' in text
    assert 'route="/v1/postings/{posting_id:path}",status="404"} 1.0' in text
    assert 'jobsearch_search_stage_duration_seconds_count{stage="embed"} 1.0' in text
    assert f'jobsearch_index_info{{version="{version}"}} 1.0' in text
    assert "jobsearch_empty_result_ratio 0.0" in text


def test_admin_reload_needs_the_key(tmp_path):
    build_version(tmp_path / "index", "v1")
    with running_server(app_for(settings_for(tmp_path / "index"))) as http:
        assert http.post("/v1/admin/reload").status_code == 403  # no key configured: disabled
    with running_server(app_for(settings_for(tmp_path / "index", admin_api_key="s3cret"))) as http:
        assert http.post("/v1/admin/reload").status_code == 401
        assert http.post("/v1/admin/reload", headers={"X-API-Key": "nope"}).status_code == 401
        ok = http.post("/v1/admin/reload", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()["status"] == "reloaded"


def test_admin_reload_refuses_a_broken_build_and_keeps_serving(tmp_path):
    root = tmp_path / "index"
    first = build_version(root, "v1")
    with running_server(app_for(settings_for(root, admin_api_key="k"))) as http:
        second = build_index([make_posting("v2-0")], FakeEmbedder(), root)
        (second.directory / "vectors.npy").write_bytes(b"garbage")
        refused = http.post("/v1/admin/reload", headers={"X-API-Key": "k"})
        assert refused.status_code == 409 and first in refused.json()["detail"]
        assert http.get("/readyz").json()["index"]["version"] == first
        assert (
            http.get("/v1/search", params={"q": "storage"})
            .json()["results"][0]["id"]
            .startswith("v1-")
        )


def test_hot_swaps_under_load_fail_nothing_and_never_mix(tmp_path):
    root = tmp_path / "index"
    versions = {build_version(root, "v0"): "v0"}
    failures: list[str] = []
    seen: set[str] = set()
    stop = threading.Event()

    def client(base_url: str) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            while not stop.is_set():
                response = http.get("/v1/search", params={"q": "storage systems", "limit": 12})
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")
                    continue
                body = response.json()
                tags = {hit["id"].split("-")[0] for hit in body["results"]}
                seen.add(body["index_version"])
                if tags != {versions.get(body["index_version"], "?")}:
                    failures.append(f"mixed or unknown: {body['index_version']} {tags}")

    settings = settings_for(root, admin_api_key="k", rate_limit="")
    with running_server(app_for(settings)) as http:
        threads = [threading.Thread(target=client, args=(str(http.base_url),)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for n in range(1, 4):
            time.sleep(0.3)
            versions[build_version(root, f"v{n}")] = f"v{n}"
            assert http.post("/v1/admin/reload", headers={"X-API-Key": "k"}).status_code == 200
        time.sleep(0.3)
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert len(seen) == 4  # every version served in turn


def test_watch_picks_up_a_new_build(tmp_path):
    root = tmp_path / "index"
    build_version(root, "v1")
    with running_server(app_for(settings_for(root, watch_index_seconds=0.1))) as http:
        second = build_version(root, "v2")
        deadline = time.monotonic() + 10
        while http.get("/readyz").json()["index"]["version"] != second:
            assert time.monotonic() < deadline, "the watcher never reloaded"
            time.sleep(0.05)
        assert (
            http.get("/v1/search", params={"q": "storage"})
            .json()["results"][0]["id"]
            .startswith("v2-")
        )


def test_rate_limited_requests_are_counted_under_their_route(tmp_path):
    build_version(tmp_path / "index", "v1")
    settings = settings_for(tmp_path / "index", rate_limit="1/minute")
    with running_server(app_for(settings)) as http:
        assert http.get("/v1/postings/v1-1/similar").status_code == 200
        limited = http.get("/v1/postings/v1-2/similar")
        assert limited.status_code == 429 and set(limited.json()) == {"detail", "took_ms"}
        text = http.get("/metrics").text
    route = 'route="/v1/postings/{posting_id:path}/similar"'
    assert f'jobsearch_requests_total{{method="GET",{route},status="200"}} 1.0' in text
    assert f'jobsearch_requests_total{{method="GET",{route},status="429"}} 1.0' in text


SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-z_]+="[^"\\\n]*",?)*\})? [0-9.e+-]+$')


def test_metrics_exposition_is_valid_prometheus_text(tmp_path):
    build_version(tmp_path / "index", "v1")
    with running_server(app_for(settings_for(tmp_path / "index"))) as http:
        http.get("/v1/search", params={"q": "nothing matches zzzz", "team": "Sales"})
        http.get("/v1/search", params={"q": "storage"})
        response = http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = response.text.splitlines()
    assert lines and all(line.startswith("# ") or SAMPLE.match(line) for line in lines), [
        line for line in lines if not (line.startswith("# ") or SAMPLE.match(line))
    ]
    assert "jobsearch_empty_result_ratio 0.5" in lines
    assert (
        'jobsearch_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/search"} 2.0'
        in lines
    )


def test_request_body_over_the_cap_is_413(tmp_path):
    build_version(tmp_path / "index", "v1")
    with running_server(app_for(settings_for(tmp_path / "index", max_body_bytes=1000))) as http:
        declared = http.post("/v1/search", json={"q": "storage " * 500})
        assert declared.status_code == 413
        assert (
            declared.json()["detail"]
            == "request body: at most 1000 bytes (JOBSEARCH_MAX_BODY_BYTES)"
        )

        def chunks():
            yield b'{"q": "'
            for _ in range(100):
                yield b"storage " * 10
            yield b'"}'

        streamed = http.post(
            "/v1/search", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413 and "took_ms" in streamed.json()
        assert http.post("/v1/search", json={"q": "storage"}).status_code == 200


def test_reload_releases_the_old_index(tmp_path):
    root = tmp_path / "index"
    build_version(root, "v1")
    app = app_for(settings_for(root, admin_api_key="k"))
    with running_server(app) as http:
        http.get("/v1/search", params={"q": "storage"})
        old = weakref.ref(app.state.jobsearch.service.index)
        old_catalog = weakref.ref(app.state.jobsearch.service.index.catalog)
        build_version(root, "v2")
        assert http.post("/v1/admin/reload", headers={"X-API-Key": "k"}).status_code == 200
        http.get("/v1/search", params={"q": "storage"})
        gc.collect()
        assert old() is None and old_catalog() is None


def test_watch_refuses_a_broken_build_once_and_keeps_serving(tmp_path, monkeypatch):
    root = tmp_path / "index"
    first = build_version(root, "v1")
    app = app_for(settings_for(root, watch_index_seconds=0.05))
    attempts: list[str] = []
    with running_server(app) as http:
        state = app.state.jobsearch
        reload = state.reload

        def counting_reload() -> str:
            attempts.append("reload")
            return reload()

        monkeypatch.setattr(state, "reload", counting_reload)
        # Broken before it becomes current: built aside, spoiled, then moved in and switched
        # to (corrupting it in place would race the watcher's next poll).
        broken = build_index([make_posting("v2-0")], FakeEmbedder(), tmp_path / "aside")
        (broken.directory / "vectors.npy").write_bytes(b"garbage")
        moved = builds_dir(root) / broken.directory.name
        shutil.move(broken.directory, moved)
        switch_current(root, moved)
        time.sleep(0.5)  # ten polls
        assert attempts == ["reload"]
        assert http.get("/readyz").json()["index"]["version"] == first
        fixed = build_version(root, "v3")
        deadline = time.monotonic() + 10
        while http.get("/readyz").json()["index"]["version"] != fixed:
            assert time.monotonic() < deadline, "the watcher never loaded the fixed build"
            time.sleep(0.05)
