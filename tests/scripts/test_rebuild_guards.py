"""Rebuilds that never lose postings silently, through the real CLI (subprocesses, the fake
embedder: what is tested here does not depend on the model): a truncated gzip, the size cap,
every skipped record listed when nothing is indexed, and the shrink guard."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from index.storage.layout import builds_dir, current_build
from index.storage.manifest import read_manifest
from tests.paths import SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import run_jobsearch

SAMPLE = [json.loads(line) for line in SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def rebuild(*args: str, env: dict[str, str] | None = None):
    return run_jobsearch("rebuild", "--quiet", *args, fake=True, env=env)


def test_rebuild_truncated_gzip_indexes_up_to_the_cut_and_says_where(tmp_path):
    whole = gzip.compress(SAMPLE_POSTINGS.read_bytes())
    cut = tmp_path / "postings.jsonl.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])  # the copy stopped two thirds of the way
    index = tmp_path / "index"

    done = rebuild(str(cut), "--index", str(index))

    assert done.returncode == 0, done.stdout + done.stderr
    indexed = read_manifest(current_build(index)).postings
    assert 0 < indexed < len(SAMPLE)
    ends = indexed + 1  # every line before the cut is whole and indexed
    assert f"cut short      {cut} ends at line {ends}: the gzip stream stops after" in done.stdout
    assert f"lines 1-{indexed} are read" in done.stdout
    assert f"indexed        {indexed} postings" in done.stdout
    assert f"{cut} line {ends}" in done.stdout and "cut off: the file ends inside" in done.stdout


def test_rebuild_skips_a_record_over_the_size_cap(tmp_path):
    flood = {**SAMPLE[0], "id": "flood", "content_html": None, "content_text": "data " * 2_000_000}
    path = write_jsonl(tmp_path / "postings.jsonl", [*SAMPLE[:5], flood])
    index = tmp_path / "index"

    done = rebuild(str(path), "--index", str(index))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "indexed        5 postings" in done.stdout and "skipped        1" in done.stdout
    assert "line 6 (id flood): body is 9,999,999 bytes, over the 200,000-byte cap" in done.stdout
    assert read_manifest(current_build(index)).chunks < 200  # not thousands of chunks of "data"

    tighter = rebuild(str(path), "--index", str(index), env={"JOBSEARCH_MAX_RECORD_BYTES": "1000"})
    assert "over the 1,000-byte cap" in tighter.stdout  # the setting is the cap


def test_rebuild_with_nothing_to_index_lists_every_skipped_record(tmp_path):
    records = [json.dumps({**SAMPLE[0], "id": f"t{n}", "title": ""}) for n in range(23)]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(["{not json", *records, '{"id": "x", "title": "No body"}']) + "\n")
    index = tmp_path / "index"

    done = rebuild(str(path), "--index", str(index))

    assert done.returncode == 1
    assert "error: no postings to index: all 25 records were skipped" in done.stderr
    assert f"nothing was indexed; the index at {index} is unchanged" in done.stdout
    assert "skipped        25" in done.stdout
    assert f"{path} line 1: bad JSON" in done.stdout
    assert f"{path} line 2 (id t0): empty title" in done.stdout
    assert (
        "... and 5 more (4 empty title; 1 missing body); --all-skipped lists them all"
        in done.stdout
    )

    every = rebuild(str(path), "--index", str(index), "--all-skipped")
    assert every.returncode == 1
    assert f"{path} line 25 (id x): missing body" in every.stdout and "more (" not in every.stdout
    assert not (index / "current").exists()


def test_rebuild_shrink_guard_keeps_the_serving_build(tmp_path):
    index = tmp_path / "index"
    full = rebuild(str(SAMPLE_POSTINGS), "--index", str(index))
    assert full.returncode == 0, full.stdout + full.stderr
    serving = current_build(index)

    half = write_jsonl(tmp_path / "half.jsonl", SAMPLE[:30])  # an export that came back half empty
    refused = rebuild(str(half), "--index", str(index))

    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "was built but NOT made current" in refused.stdout
    assert (
        "shrink guard: it drops 30 of the 60 postings the serving build has (50%" in refused.stdout
    )
    assert "at most 30% may go" in refused.stdout and "--allow-shrink" in refused.stdout
    assert current_build(index) == serving  # the site keeps its jobs
    kept = [b for b in builds_dir(index).iterdir() if b != serving and not b.name.startswith(".")]
    assert len(kept) == 1 and read_manifest(kept[0]).postings == 30  # kept aside for a look

    small_change = write_jsonl(tmp_path / "most.jsonl", SAMPLE[:50])  # 17% fewer: allowed
    passed = rebuild(str(small_change), "--index", str(index))
    assert passed.returncode == 0 and read_manifest(current_build(index)).postings == 50

    allowed = rebuild(str(half), "--index", str(index), "--allow-shrink")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert read_manifest(current_build(index)).postings == 30

    tighter = rebuild(
        str(SAMPLE_POSTINGS), "--index", str(index), env={"JOBSEARCH_MAX_SHRINK": "0"}
    )
    assert tighter.returncode == 0  # growing drops nothing
