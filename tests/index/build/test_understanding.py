"""Reading and understanding on every core gives what one process gives, in the same order."""

from __future__ import annotations

import json

import pytest

from index.build.caches import understand_all
from index.build.understanding import understand_files
from index.ingest.boilerplate import find_boilerplate
from index.ingest.readers import read_postings
from tests.paths import SAMPLE_POSTINGS


@pytest.fixture
def inputs(tmp_path):
    """The sample twice over (a duplicate id whose later record wins), a line that is not
    JSON, and a record whose body has no text."""
    lines = SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    extra = [
        "{not json",
        json.dumps({**first, "id": "empty-body", "content_html": "<p> </p>"}),
        json.dumps({**first, "title": "A newer title for the first posting"}),
    ]
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    b.write_text("\n".join(lines[40:] + extra) + "\n", encoding="utf-8")
    return [a, b]


@pytest.mark.parametrize("workers", [1, 2])
def test_understand_files_equals_reading_then_understanding(tmp_path, inputs, workers):
    files = understand_files(inputs, tmp_path / f"cache-{workers}.sqlite", workers, 0)
    read = read_postings(inputs)
    expected = understand_all(read.postings)
    assert files.workers == workers
    assert list(files.understood.postings) == expected.postings
    assert (
        files.understood.skipped
        == expected.skipped
        == [("empty-body", "ValueError: body has no text once markup is removed")]
    )
    assert files.read.skipped == read.skipped and len(read.skipped) == 1
    assert (
        files.read.duplicates
        == read.duplicates
        == [json.loads(SAMPLE_POSTINGS.read_text().splitlines()[0])["id"]]
    )
    assert files.read.records_read == read.records_read == 63
    assert files.boilerplate == find_boilerplate(expected.postings)
    assert files.sections == sum(len(p.sections) for p in expected.postings)


def test_understand_files_again_takes_every_posting_from_the_cache(tmp_path, inputs):
    cache = tmp_path / "cache.sqlite"
    first = understand_files(inputs, cache, 2, 0)
    again = understand_files(inputs, cache, 2, 0)
    assert first.understood.cached == 0
    assert again.understood.cached == len(again.understood.postings) == 60
    assert list(again.understood.postings) == list(first.understood.postings)


SHARED_NAMES = [  # (id, company, location): the corpus's own strings
    ("oklo-1", "Oklo", "Santa Clara, CA"),
    ("oklo-2", "Oklo", "Santa Clara or Remote"),
    ("dell", "Dell", "Remote,US,Alexandria, VA,Arlington, TX"),
    ("dentsu", "Dentsu", "US,Remote,Alexandria, VA"),
    ("test-board", None, "Alexandria Office"),
    ("octo", "octoenergy", "remote,Valencia, ESP"),
]


@pytest.mark.parametrize("workers", [1, 2])
def test_shared_city_names_are_placed_by_the_whole_build(tmp_path, workers):
    body = "<h2>What you'll do</h2><p>Build the storage engine.</p>"
    path = tmp_path / "shared.jsonl"
    records = [
        {"id": i, "company": c, "title": "Engineer", "location": loc, "content_html": body}
        for i, c, loc in SHARED_NAMES
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    files = understand_files([path], tmp_path / "cache.sqlite", workers, parallel_from=0)
    countries = {p.id: p.location.countries for p in files.understood.postings}
    assert countries["oklo-2"] == ("US",)  # not Santa Clara, Cuba
    assert countries["test-board"] == ("US",)  # not Alexandria, Egypt
    assert countries["octo"] == ("ES",)  # not Valencia, Venezuela
    expected = understand_all(read_postings([path]).postings).postings
    assert list(files.understood.postings) == expected
