"""The rebuild command on real files: malformed records are reported, the rest indexed."""

from __future__ import annotations

import json

import pytest

from index.storage.layout import current_build
from index.storage.manifest import read_manifest
from tests.paths import SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_rebuild

pytestmark = pytest.mark.slow


def test_rebuild_reports_malformed_records_and_indexes_the_rest(tmp_path):
    good = [json.loads(line) for line in SAMPLE_POSTINGS.read_text().splitlines()[:5]]
    lines = [json.dumps(p) for p in good]
    lines.insert(1, '{"id": "cut-off", "title": "Half a rec')
    lines.insert(3, json.dumps({**good[0], "id": "no-title", "title": ""}))
    lines.append(
        json.dumps({**good[1], "id": "wrong-type", "content_html": 42, "content_text": None})
    )
    lines.append(json.dumps(good[2]))  # a duplicate id: the last one wins
    path = tmp_path / "postings.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "bytes", "title": "\xff"}\n')
    index = tmp_path / "index"

    done = run_rebuild(str(path), "--index", str(index))

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "indexed        5 postings" in out
    assert "skipped        4" in out
    assert "line 2: bad JSON" in out
    assert "(id no-title): empty title" in out
    assert "(id wrong-type): content_html: expected a string" in out
    assert "undecodable bytes" in out
    assert f"duplicate ids  1 (the last record wins): {good[2]['id']}" in out
    assert "chunks/s" in out
    manifest = read_manifest(current_build(index))
    assert manifest.postings == 5 and manifest.skipped == 4
    assert manifest.inputs[0].path == str(path) and len(manifest.inputs[0].sha256) == 64


def test_rebuild_missing_file_fails_clearly(tmp_path):
    done = run_rebuild(str(tmp_path / "nope.jsonl"), "--index", str(tmp_path / "index"))
    assert done.returncode == 2 and "no such file" in done.stderr
    assert not (tmp_path / "index").exists()


def test_rebuild_with_nothing_valid_keeps_previous_index(tmp_path):
    index = tmp_path / "index"
    first = run_rebuild(str(SAMPLE_POSTINGS), "--index", str(index))
    assert first.returncode == 0, first.stderr
    before = current_build(index)
    junk = tmp_path / "junk.jsonl"
    junk.write_text("not json\n")
    second = run_rebuild(str(junk), "--index", str(index))
    assert second.returncode == 1 and "no postings to index" in second.stderr
    assert current_build(index) == before
