"""`jobsearch rebuild` run again on inputs that differ a little updates the serving build and
says so; `--full` builds everything; a server on the updated build answers from it."""

from __future__ import annotations

import json
import re

import pytest

from index.storage.layout import current_build
from index.storage.manifest import read_manifest
from tests.index.build.test_update import next_day, records, write
from tests.scripts.rebuild_cli import run_jobsearch

pytestmark = pytest.mark.slow


def test_a_second_rebuild_updates_and_full_rebuilds(tmp_path):
    day1 = write(tmp_path / "day1.jsonl", records())
    day2 = write(tmp_path / "day2.jsonl", next_day(records()))
    index = tmp_path / "index"

    first = run_jobsearch("rebuild", str(day1), "--index", str(index), "--quiet")
    assert first.returncode == 0, first.stderr
    assert "full build     no build to update" in first.stdout
    base = read_manifest(current_build(index)).build_id

    update = run_jobsearch("rebuild", str(day2), "--index", str(index), "--quiet")
    assert update.returncode == 0, update.stderr
    assert "indexed        59 postings" in update.stdout
    assert (
        f"updated        build {base}: 56 postings kept, 3 new or changed added, "
        "4 replaced or removed" in update.stdout
    )
    parsed = re.search(
        r"parsed +(\d+) postings \((\d+) unchanged[^;)]*(?:; (\d+) more)?", update.stdout
    )
    assert parsed is not None, update.stdout
    assert int(parsed[1]) + int(parsed[2]) + int(parsed[3] or 0) == 3  # only what differs

    found = run_jobsearch(
        "search", "principal rust database engineer", "--index", str(index), "--json"
    )
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["results"][0]["id"] == "sample:opened"

    full = run_jobsearch("rebuild", str(day2), "--index", str(index), "--quiet", "--full")
    assert full.returncode == 0, full.stderr
    assert "full build     updates are off" in full.stdout
    assert not read_manifest(current_build(index)).update
