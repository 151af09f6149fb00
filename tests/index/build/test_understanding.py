"""Reading and understanding on every core gives what one process gives, in the same order."""

from __future__ import annotations

import json

import pytest

from index.build import understood_cache
from index.build.understanding import understand_files
from index.build.understood_cache import understand_all
from index.ingest.boilerplate import find_boilerplate
from index.ingest.readers import read_postings
from tests.paths import SAMPLE_POSTINGS


@pytest.fixture
def inputs(sample_files):
    """The sample split over two files, a line that is not JSON, a record whose body has no
    text and a later record for the first posting's id (conftest.py)."""
    return sample_files


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


def _reposted(tmp_path, records: list[dict[str, object]]):
    path = tmp_path / "reposted.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_reposted_text_is_understood_once_and_each_record_keeps_its_own_fields(tmp_path):
    """The same title and body under other ids, places and teams: the text is read once, and
    each posting is what understanding its record alone gives (its own location, workplace
    and team, the text's team and workplace where its fields name none)."""
    base = json.loads(SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()[0])
    base["title"] = "Payments Engineer"
    base["content_html"] = (
        "<p>You will join the Payments team. This role is fully remote.</p>"
        "<h3>What you'll do</h3><ul><li>Build Go services and write SQL queries.</li></ul>"
    )
    variants = [
        {"id": "a", "location": "Berlin, Germany", "team": None},
        {"id": "b", "location": "Remote - US", "team": "Platform"},
        {"id": "c", "location": None, "team": None},
        {"id": "d", "location": "London (Hybrid)", "team": "0000: Pipeline Parent"},
    ]
    path = _reposted(tmp_path, [{**base, **v, "url": f"https://x/{v['id']}"} for v in variants])
    cache = tmp_path / "cache.sqlite"
    files = understand_files([path], cache, 1, 0)
    postings = list(files.understood.postings)
    assert postings == understand_all(read_postings([path]).postings).postings
    assert files.understood.text_cached == 3  # the first read the text; the others reused it
    assert [p.id for p in postings] == ["a", "b", "c", "d"]
    assert [p.url for p in postings] == [f"https://x/{v['id']}" for v in variants]
    workplaces = [p.location.workplace.value for p in postings]
    assert workplaces == ["remote", "remote", "remote", "hybrid"]
    assert [p.location.countries for p in postings][:2] == [("DE",), ("US",)]
    assert [p.team for p in postings] == ["Payments", "Platform", "Payments", "Payments"]
    assert len({p.sections for p in postings}) == 1 and postings[0].languages == ("Go", "SQL")


def test_a_text_understood_before_is_taken_from_the_cache_by_a_new_record(tmp_path, monkeypatch):
    """A later build with a new record of a known text does not parse the body again, and
    gives what parsing it would."""
    base = json.loads(SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()[0])
    cache = tmp_path / "cache.sqlite"
    understand_files([_reposted(tmp_path, [base])], cache, 1, 0)
    moved = {**base, "id": "moved", "location": "Tokyo, Japan", "team": None}
    expected = understand_all(read_postings([_reposted(tmp_path, [moved])]).postings).postings

    def no_parsing(*args: object) -> None:
        raise AssertionError("the body was parsed again")

    monkeypatch.setattr(understood_cache, "understand_text", no_parsing)
    files = understand_files([_reposted(tmp_path, [moved])], cache, 1, 0)
    assert list(files.understood.postings) == expected
    assert files.understood.text_cached == 1 and files.understood.cached == 0
    assert expected[0].location.countries == ("JP",) and expected[0].id == "moved"


def test_a_changed_title_is_a_new_text(tmp_path):
    """The title is part of the text: it decides the level and the languages too."""
    base = json.loads(SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()[0])
    records = [base, {**base, "id": "lead", "title": "Staff Haskell Engineer"}]
    files = understand_files([_reposted(tmp_path, records)], tmp_path / "c.sqlite", 1, 0)
    first, second = files.understood.postings
    assert files.understood.text_cached == 0
    assert (first.level.value, second.level.value) == ("senior", "staff")
    assert "Haskell" in second.languages and "Haskell" not in first.languages
