"""The understood cache keeps a record's own fields apart from its text's understanding: it
grows with the distinct texts, not the records, and gives back what understanding gives."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

from index.build.caches import understood_namespace
from index.build.understanding import understand_files
from index.build.understood_cache import text_key, understand_all
from index.ingest.readers import read_postings
from index.ingest.synth import synthesize
from tests.paths import SAMPLE_POSTINGS

COPIES = 8  # each sample text under this many records (new ids, places, teams, companies)


@pytest.fixture(scope="module")
def reposted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reposted") / "reposted.jsonl"
    synthesize(COPIES * len(SAMPLE_POSTINGS.read_text().splitlines()), SAMPLE_POSTINGS, path)
    return path


def value_bytes(cache: Path) -> tuple[int, int]:
    """(rows, bytes of their values) of a cache file."""
    with sqlite3.connect(cache) as db:
        rows, size = db.execute("SELECT count(*), sum(length(value)) FROM derived").fetchone()
    return rows, size


def pickled(postings: object) -> list[bytes]:
    return [pickle.dumps(p, pickle.HIGHEST_PROTOCOL) for p in postings]  # type: ignore[attr-defined]


@pytest.mark.parametrize("workers", [1, 2])
def test_postings_through_the_cache_are_byte_identical_to_understanding_alone(
    tmp_path, reposted, workers
):
    expected = pickled(understand_all(read_postings([reposted]).postings).postings)
    cache = tmp_path / "cache.sqlite"
    cold = understand_files([reposted], cache, workers, 0)
    warm = understand_files([reposted], cache, workers, 0)
    in_one_process = understand_all(read_postings([reposted]).postings, cache)
    assert cold.understood.cached == 0 and cold.understood.text_cached > 0
    assert warm.understood.cached == in_one_process.cached == len(expected)
    assert pickled(cold.understood.postings) == expected
    assert pickled(warm.understood.postings) == expected
    assert pickled(in_one_process.postings) == expected


def test_the_cache_grows_with_distinct_texts_not_records(tmp_path, reposted):
    texts = len(SAMPLE_POSTINGS.read_text().splitlines())
    once = tmp_path / "once.jsonl"
    synthesize(texts, SAMPLE_POSTINGS, once)  # each text once
    sizes = {}
    for path in (once, reposted):
        cache = tmp_path / f"{path.stem}.sqlite"
        understood = understand_files([path], cache, 1, 0).understood
        sizes[path] = (len(understood.postings), *value_bytes(cache))
    (records_once, rows_once, bytes_once), (records, rows, size) = sizes[once], sizes[reposted]
    assert records == COPIES * records_once
    assert rows - records == rows_once - records_once == texts  # a row per record, per text
    per_record_after = (size - bytes_once) / (records - records_once)
    assert per_record_after < bytes_once / records_once / 4  # a repost costs its own fields


def test_a_record_whose_text_left_the_cache_is_understood_again(tmp_path, reposted):
    cache = tmp_path / "cache.sqlite"
    first = pickled(understand_files([reposted], cache, 1, 0).understood.postings)
    namespace = understood_namespace()
    with sqlite3.connect(cache) as db:
        keys = {text_key(raw, namespace) for raw in read_postings([reposted]).postings}
        db.executemany("DELETE FROM derived WHERE key = ?", [(k,) for k in keys])
    again = understand_files([reposted], cache, 1, 0)
    assert again.understood.cached <= len(first) - len(keys)  # each text understood again
    assert pickled(again.understood.postings) == first
    assert value_bytes(cache)[0] == len(first) + len(keys)
