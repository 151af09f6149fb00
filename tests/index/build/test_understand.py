"""Understanding records, and its cache: an unchanged record is not parsed again, a changed or
new one is, a bad one is skipped with its reason every time, and the cache changes nothing."""

from __future__ import annotations

import dataclasses

import pytest

import index.build.understood_cache as understand_module
from index.build.caches import DerivedCache
from index.build.understood_cache import understand_all
from index.models import BodyFormat, RawPosting


def raw(n: int, body: str | None = None) -> RawPosting:
    return RawPosting(
        id=f"r{n}",
        title=f"Backend Engineer {n}",
        body=body if body is not None else f"<h2>What you'll do</h2><p>Build Go service {n}.</p>",
        body_format="html",
        company="Acme",
        location="Remote - Europe",
    )


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The titles actually parsed (not taken from the cache)."""
    calls: list[str] = []
    real = understand_module.understand_text

    def counting(title: str, body: str, body_format: BodyFormat):
        calls.append(title)
        return real(title, body, body_format)

    monkeypatch.setattr(understand_module, "understand_text", counting)
    return calls


def test_unchanged_records_come_from_the_cache(tmp_path, parsed):
    cache = tmp_path / "understood.sqlite"
    records = [raw(n) for n in range(5)] + [raw(9, body="<p> </p>")]  # the last has no text
    first = understand_all(records, cache=cache)
    assert parsed == [r.title for r in records] and first.cached == 0
    assert [s[0] for s in first.skipped] == ["r9"]
    parsed.clear()
    edited = [dataclasses.replace(records[1], title="Staff Engineer"), raw(7)]
    second = understand_all([records[0], *edited, *records[2:]], cache=cache)
    assert parsed == [r.title for r in [*edited, records[-1]]]  # changed, new, the bad one again
    assert second.cached == 4 and [s[0] for s in second.skipped] == ["r9"]
    assert "no text" in second.skipped[0][1]
    plain = understand_all([records[0], *edited, *records[2:]])
    assert second.postings == plain.postings  # the cache changes nothing


def test_a_new_namespace_starts_afresh(tmp_path):
    path = tmp_path / "derived.sqlite"
    with DerivedCache[int, int](path, "v1") as cache:
        assert cache.map([1, 2], lambda x: x * 10) == [10, 20] and cache.misses == 2
    with DerivedCache[int, int](path, "v1") as cache:
        assert cache.map([1, 2], lambda x: -1) == [10, 20] and cache.hits == 2
    with DerivedCache[int, int](path, "v2") as cache:  # other code or settings
        assert cache.map([1, 2], lambda x: x * 100) == [100, 200] and cache.hits == 0
