"""Reading every input shape, and skipping (never dropping silently) malformed records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from index.ingest.readers import read_postings
from index.models import Workplace
from tests.paths import shared_file

GOOD = {
    "id": "a1",
    "title": "Rust Engineer",
    "company": "Acme",
    "location": "Berlin, Germany",
    "content_html": "<h2>What you'll do</h2><p>Write Rust.</p>",
    "content_text": None,
}


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    path.write_bytes(
        b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines) + b"\n"
    )
    return path


def test_read_jsonl_keeps_id_verbatim_and_body_format(tmp_path):
    md = {**GOOD, "id": "a2", "content_html": None, "content_text": "### Role\nWrite Go."}
    result = read_postings([write_lines(tmp_path / "p.jsonl", [json.dumps(GOOD), json.dumps(md)])])
    assert [(p.id, p.body_format) for p in result.postings] == [("a1", "html"), ("a2", "markdown")]
    assert result.skipped == [] and result.records_read == 2


def test_read_jsonl_skips_malformed_records_with_reasons(tmp_path):
    lines: list[str | bytes] = [
        json.dumps(GOOD),
        '{"id": "broken", "title": ',  # bad JSON
        json.dumps({**GOOD, "id": "no-title", "title": None}),
        json.dumps({**GOOD, "id": "no-body", "content_html": None}),
        json.dumps({**GOOD, "id": "bad-type", "title": ["x"]}),
        b'{"id": "bytes", "title": "\xff\xfe"}',
        json.dumps([1, 2]),
        "",
        json.dumps({**GOOD, "id": "last"}),
    ]
    result = read_postings([write_lines(tmp_path / "p.jsonl", lines)])
    assert [p.id for p in result.postings] == ["a1", "last"]
    reasons = {s.where: s.reason for s in result.skipped}
    assert len(result.skipped) == 6
    assert "bad JSON" in reasons["line 2"]
    assert "missing title" in reasons["line 3 (id no-title)"]
    assert "missing body" in reasons["line 4 (id no-body)"]
    assert "title: expected a string" in reasons["line 5 (id bad-type)"]
    assert "undecodable" in reasons["line 6"]
    assert "expected a JSON object" in reasons["line 7"]
    assert all(s.file.endswith("p.jsonl") for s in result.skipped)


def test_read_duplicate_ids_last_wins_and_is_reported(tmp_path):
    first = write_lines(tmp_path / "a.jsonl", [json.dumps(GOOD)])
    second = write_lines(tmp_path / "b.jsonl", [json.dumps({**GOOD, "title": "Newer title"})])
    result = read_postings([first, second])
    assert [p.title for p in result.postings] == ["Newer title"]
    assert result.duplicates == ["a1"]


def test_read_gzipped_jsonl(tmp_path):
    path = tmp_path / "p.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps(GOOD).encode()))
    assert [p.id for p in read_postings([path]).postings] == ["a1"]


def test_read_unrecognised_file_is_reported_not_fatal(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"something": "else"}')
    good = write_lines(tmp_path / "p.jsonl", [json.dumps(GOOD)])
    result = read_postings([bad, good])
    assert [p.id for p in result.postings] == ["a1"]
    assert (
        result.skipped[0].where == "whole file"
        and "unrecognised format" in result.skipped[0].reason
    )


def test_read_greenhouse_export():
    result = read_postings([shared_file("corpus/ats/greenhouse-jobs.json")])
    assert result.formats and next(iter(result.formats.values())) == "greenhouse"
    assert len(result.postings) == 32 and not result.skipped
    seed = next(p for p in result.postings if p.id == "greenhouse:9000001")
    assert seed.body.lstrip().startswith("<") and "&lt;" not in seed.body[:200]
    assert seed.team == "Emerging Technologies & Incubation"
    assert sum(1 for p in result.postings if p.location) >= 30


def test_read_lever_export():
    result = read_postings([shared_file("corpus/ats/lever-postings.json")])
    assert len(result.postings) == 4 and not result.skipped
    posting = result.postings[0]
    assert posting.id.startswith("lever:") and posting.body_format == "text"
    assert posting.workplace_hint is Workplace.REMOTE
    assert posting.team == "Dev-SaaS"


def test_read_ashby_export():
    result = read_postings([shared_file("corpus/ats/ashby-jobs.json")])
    assert len(result.postings) == 50 and not result.skipped
    assert all(p.id.startswith("ashby:") for p in result.postings)
    assert any(p.workplace_hint is Workplace.REMOTE for p in result.postings)


def test_read_greenhouse_record_with_wrong_types_is_skipped(tmp_path):
    doc = {
        "jobs": [
            {
                "id": 1,
                "title": "Good",
                "content": "&lt;p&gt;Hello world&lt;/p&gt;",
                "departments": [{"name": "Data"}],
            },
            {
                "id": 2,
                "title": "Bad departments",
                "content": "&lt;p&gt;x&lt;/p&gt;",
                "departments": "Data",
            },
            {"id": 3, "title": "No content"},
        ]
    }
    path = tmp_path / "gh.json"
    path.write_text(json.dumps(doc))
    result = read_postings([path])
    assert [p.id for p in result.postings] == ["greenhouse:1"]
    assert result.postings[0].team == "Data"
    assert {s.where for s in result.skipped} == {"record 2 (id 2)", "record 3 (id 3)"}


def test_read_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    lines = [json.dumps({**GOOD, "id": f"p{n}", "title": f"Engineer {n}"}) for n in range(400)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])  # a copy that stopped half way

    result = read_postings([path])

    ids = [p.id for p in result.postings]
    assert 0 < len(ids) < 400 and ids == [f"p{n}" for n in range(len(ids))]
    [note] = result.truncated
    last = len(ids) + 1  # the line the file ends in
    assert (note.file, note.where) == (str(path), f"line {last}")
    assert (
        "gzip stream stops after" in note.reason and f"lines 1-{len(ids)} are read" in note.reason
    )
    [cut] = result.skipped
    assert cut.where.startswith(f"line {last}") and "cut off" in cut.reason


def test_read_truncated_gzip_of_an_ats_document_keeps_its_complete_records(tmp_path):
    jobs = [
        {"id": n, "title": f"Job {n}", "content": "&lt;p&gt;Work.&lt;/p&gt;", "absolute_url": "u"}
        for n in range(200)
    ]
    whole = gzip.compress(json.dumps({"jobs": jobs, "meta": {"total": 200}}).encode())
    path = tmp_path / "greenhouse.json.gz"
    path.write_bytes(whole[: int(len(whole) * 0.6)])

    result = read_postings([path])

    assert result.formats[str(path)] == "greenhouse"
    count = len(result.postings)
    assert 0 < count < 200 and result.postings[-1].id == f"greenhouse:{count - 1}"
    [note] = result.truncated
    assert note.where == f"record {count + 1}" and f"the {count} complete records" in note.reason


def test_read_gzip_with_nothing_readable_is_a_whole_file_error(tmp_path):
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(b"x" * 1000)[:10])  # the header alone
    result = read_postings([path])
    assert result.postings == [] and result.skipped[0].where == "whole file"
    assert "not a valid gzip file" in result.skipped[0].reason


def test_read_record_over_the_size_cap_is_skipped_with_its_size(tmp_path):
    huge = {**GOOD, "id": "huge", "content_html": "<p>" + "word " * 50_000 + "</p>"}
    path = write_lines(tmp_path / "p.jsonl", [json.dumps(GOOD), json.dumps(huge)])
    result = read_postings([path], max_record_bytes=200_000)
    assert [p.id for p in result.postings] == ["a1"]
    [skipped] = result.skipped
    assert skipped.where == "line 2 (id huge)"
    assert "body is 250,007 bytes, over the 200,000-byte cap" in skipped.reason
    assert len(read_postings([path]).postings) == 2  # no cap by default


def test_read_empty_job_board_is_zero_records_not_an_error(tmp_path):
    path = tmp_path / "board.json"
    path.write_text('{"jobs": [], "meta": {"total": 0}}')
    result = read_postings([path])
    assert result.postings == [] and result.skipped == [] and result.records_read == 0


def test_read_jsonl_with_a_broken_first_line_reads_the_rest(tmp_path):
    lines: list[str | bytes] = ["", '{"id": "cut", "title": ', json.dumps(GOOD)]
    result = read_postings([write_lines(tmp_path / "p.jsonl", lines)])
    assert [p.id for p in result.postings] == ["a1"]
    assert [(s.where, s.reason[:8]) for s in result.skipped] == [("line 2", "bad JSON")]
    assert result.formats == {str(tmp_path / "p.jsonl"): "jsonl"}


def test_read_document_spread_over_lines_is_one_document(tmp_path):
    path = tmp_path / "lever.json"
    lever = {"id": "l1", "text": "Go Engineer", "categories": {}, "descriptionPlain": "Write Go."}
    path.write_text(json.dumps([lever], indent=2))
    result = read_postings([path])
    assert [p.id for p in result.postings] == ["lever:l1"]
    assert result.formats == {str(path): "lever"}
