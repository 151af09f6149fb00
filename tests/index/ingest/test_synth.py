"""The scale corpus: N postings recombined from real ones, deterministic, streamed, readable."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from index.build.rebuild import rebuild
from index.errors import InputFormatError
from index.ingest.readers import read_postings
from index.ingest.synth import DATE_JITTER_SECONDS, synthesize
from tests.fakes import FakeEmbedder
from tests.paths import SAMPLE_POSTINGS


def _records(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _body(record: dict) -> tuple[str, str | None, str | None]:
    return record["title"], record.get("content_html"), record.get("content_text")


@pytest.fixture(scope="module")
def sources() -> list[dict]:
    return _records(SAMPLE_POSTINGS)


def test_synth_same_seed_writes_same_bytes(tmp_path):
    first = synthesize(300, SAMPLE_POSTINGS, tmp_path / "a.jsonl.gz", seed=7).path
    second = synthesize(300, SAMPLE_POSTINGS, tmp_path / "b.jsonl.gz", seed=7).path
    other = synthesize(300, SAMPLE_POSTINGS, tmp_path / "c.jsonl.gz", seed=8).path
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_synth_writes_n_records_with_unique_ids(tmp_path):
    report = synthesize(5000, SAMPLE_POSTINGS, tmp_path / "out.jsonl", seed=1)
    records = _records(report.path)
    assert report.written == len(records) == 5000
    assert len({r["id"] for r in records}) == 5000
    assert all(r["source"] == "synth" for r in records)
    assert not list(tmp_path.glob(".*partial"))  # written beside, then renamed into place


def test_synth_gz_name_writes_gzip(tmp_path):
    path = synthesize(10, SAMPLE_POSTINGS, tmp_path / "out.jsonl.gz").path
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert len(_records(path)) == 10


def test_synth_keeps_a_source_body_and_draws_fields_from_sources(tmp_path, sources):
    records = _records(synthesize(600, SAMPLE_POSTINGS, tmp_path / "out.jsonl", seed=2).path)
    bodies = {_body(s) for s in sources}
    assert all(_body(r) in bodies for r in records)
    for field in ("company", "team", "location"):
        assert {r[field] for r in records} <= {s[field] for s in sources}
        assert len({r[field] for r in records}) > 1  # drawn, not copied from one source
    hosts = {s["url"].split("/jobs/")[0] for s in sources}
    assert all(r["url"].split("/jobs/")[0] in hosts for r in records)
    # A posting keeps its text but not its company: the fields are drawn independently.
    company_of = {_body(s): s["company"] for s in sources}
    assert any(r["company"] != company_of[_body(r)] for r in records)


def test_synth_dates_stay_within_a_jitter_of_the_sources(tmp_path, sources):
    records = _records(synthesize(400, SAMPLE_POSTINGS, tmp_path / "out.jsonl", seed=3).path)
    parse = datetime.fromisoformat
    dated = [s["updated_at"] for s in sources if s["updated_at"]]
    real = sorted(parse(d.replace("Z", "+00:00")) for d in dated)
    jitter = timedelta(seconds=DATE_JITTER_SECONDS)
    for record in records:
        if record["updated_at"] is not None:
            assert real[0] - jitter <= parse(record["updated_at"]) <= real[-1] + jitter
    undated = sum(r["updated_at"] is None for r in records) / len(records)
    assert (len(dated) < len(sources)) == (undated > 0)  # undated only if some source is


def test_synth_uses_every_source_before_repeating_one(tmp_path, sources):
    records = _records(synthesize(len(sources), SAMPLE_POSTINGS, tmp_path / "o.jsonl", seed=4).path)
    assert {_body(r) for r in records} == {_body(s) for s in sources}


def test_synth_without_usable_sources_says_so(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputFormatError, match="no postings with a title and a body"):
        synthesize(10, bad, tmp_path / "out.jsonl")


def test_synth_output_rebuilds_from_the_source_chunk_cache(tmp_path):
    """Every chunk of the recombined postings is one the source build already embedded."""
    root = tmp_path / "index"
    embedder = FakeEmbedder()
    rebuild([SAMPLE_POSTINGS], root, embedder)
    corpus = synthesize(250, SAMPLE_POSTINGS, tmp_path / "synth.jsonl.gz", seed=5).path
    report = rebuild([corpus], root, embedder)
    assert report.read.records_read == 250 and not report.skipped
    assert report.build.manifest.postings == 250
    assert report.build.cache.misses == 0 and report.build.cache.hits > 250
    assert len(read_postings([corpus]).postings) == 250


def test_a_changed_corpus_replaces_that_share_by_new_postings(tmp_path):
    base = _records(synthesize(2000, SAMPLE_POSTINGS, tmp_path / "day1.jsonl", seed=3).path)
    day2 = _records(
        synthesize(2000, SAMPLE_POSTINGS, tmp_path / "day2.jsonl", seed=3, changed=0.05).path
    )
    assert len(day2) == 2000
    kept = [a == b for a, b in zip(base, day2, strict=True)]
    assert 60 <= kept.count(False) <= 140  # about 5%, drawn
    old_ids = {r["id"] for r in base}
    new = [r for r, same in zip(day2, kept, strict=True) if not same]
    assert all(r["id"] not in old_ids for r in new)  # closed postings gone, new ones opened
    assert len({r["id"] for r in day2}) == 2000
    bodies = {_body(r) for r in _records(SAMPLE_POSTINGS)}
    assert all(_body(r) in bodies for r in new)  # still real texts: their chunks are cached


def test_a_changed_share_outside_0_to_1_is_refused(tmp_path):
    with pytest.raises(InputFormatError, match="between 0 and 1"):
        synthesize(10, SAMPLE_POSTINGS, tmp_path / "x.jsonl", changed=1.5)
