"""scripts/load_test.py against a real server: bounded, counts errors, swaps builds under load."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.main import create_app
from index.build.rebuild import build_index
from index.settings import Settings
from scripts import load_test
from tests.api.server import running_server
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder


def test_load_test_reports_and_swaps_three_builds_without_errors(tmp_path):
    root = tmp_path / "index"
    build_index(synthetic_postings(40), FakeEmbedder(), root)
    settings = Settings(index_dir=root, model="fake-hash", admin_api_key="k", rate_limit="")
    rebuild = f"{sys.executable} -m tests.index.crash_driver {root} 40 5"
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        args = argparse.Namespace(
            url=str(http.base_url),
            requests=100_000,
            clients=4,
            seconds=60.0,
            reload_every=0.2,
            admin_key="k",
            swaps=3,
            rebuild=rebuild,
        )
        report = asyncio.run(load_test.run(args))
    assert report["errors"] == {} and report["swap_errors"] == []
    assert report["reloads"] == 3 and report["index_versions_seen"] == 4
    assert report["ok"] == report["requests"] > 0
    assert report["seconds"] < 30  # stopped by itself after the last swap
    assert 0 < report["p50_ms"] <= report["p99_ms"]


def test_load_test_only_targets_this_machine(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["load_test", "--url", "http://10.0.0.1:8000"])
    assert load_test.main() == 2
    assert "only target this machine" in capsys.readouterr().err
