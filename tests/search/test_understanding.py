"""What the seeker asks, through the whole search pipeline: the level they name ranks first and
clearly wrong levels leave the first page; misspelled words are corrected and reported."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.build.rebuild import build_index
from index.models import Level, SectionKind
from index.storage.loaded import open_index
from search.errors import InvalidFilterError
from search.filters import Filters
from search.ranking import RankingConfig
from search.service import SearchRequest, SearchService
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

ROLE = (
    ("What you'll do", SectionKind.ROLE, "Build python models for data science and analytics."),
)
LEVELS = [
    ("Senior Data Scientist", Level.SENIOR),
    ("Staff Data Scientist", Level.STAFF),
    ("Data Science Manager", Level.MANAGER),
    ("Principal Data Scientist", Level.STAFF),
    ("Junior Data Scientist", Level.ENTRY),
    ("Data Scientist", Level.MID),
    ("Graduate Data Scientist", Level.ENTRY),
    ("Data Scientist Intern", Level.INTERN),
]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    postings = [
        replace(make_posting(f"ds{n}", title, sections=ROLE), level=level)
        for n, (title, level) in enumerate(LEVELS)
    ]
    postings += [
        make_posting(f"py{n}", "Python Developer", sections=ROLE, company=f"Co {n}")
        for n in range(3)
    ]
    embedder = FakeEmbedder()
    root = tmp_path_factory.mktemp("understanding") / "index"
    build_index(postings, embedder, root)
    return SearchService(embedder, open_index(root, embedder.name), RankingConfig(min_score=0.1))


def levels_of(result) -> list[str]:
    return [h.posting.level.value for h in result.hits]


def test_an_entry_level_query_shows_no_senior_staff_or_manager_first(service):
    result = service.search(SearchRequest("junior data scientist", limit=3))
    assert result.query_level == "entry"
    assert len(result.hits) == 3
    assert levels_of(result)[:2] == ["entry", "entry"]
    assert not {"senior", "staff", "manager", "director"} & set(levels_of(result))


def test_a_senior_query_puts_entry_and_intern_roles_last(service):
    result = service.search(SearchRequest("senior data scientist", limit=20))
    levels = levels_of(result)
    assert result.query_level == "senior" and levels[0] == "senior"
    wrong = [i for i, lv in enumerate(levels) if lv in ("entry", "intern")]
    assert wrong and min(wrong) > max(
        i for i, lv in enumerate(levels) if lv not in ("entry", "intern")
    )


def test_level_filter_keeps_only_that_level_and_replaces_the_reading(service):
    result = service.search(
        SearchRequest("junior data scientist", Filters(levels=("staff",)), limit=10, facets=True)
    )
    assert result.query_level is None
    assert levels_of(result) and set(levels_of(result)) == {"staff"}
    assert result.facets is not None
    counts = {f.value: f.count for f in result.facets["level"]}
    assert counts["entry"] == 2 and counts["staff"] == 2  # the level field ignores its own filter


def test_level_filter_names_the_field_for_an_unknown_level(service):
    with pytest.raises(InvalidFilterError, match="level: unknown level 'wizard'"):
        service.search(SearchRequest("data", Filters(levels=("wizard",))))


def test_misspelled_words_are_corrected_and_reported(service):
    typo = service.search(SearchRequest("pyhton develper", limit=5))
    clean = service.search(SearchRequest("python developer", limit=5))
    assert typo.corrected_query == "python developer"
    assert [h.posting.id for h in typo.hits] == [h.posting.id for h in clean.hits]
    assert typo.hits and typo.hits[0].posting.title == "Python Developer"
    assert clean.corrected_query is None


def test_spellcheck_off_searches_the_words_as_typed(service):
    typo = service.search(SearchRequest("pyhton develper", limit=5, spellcheck=False))
    assert typo.corrected_query is None
    assert not any(h.posting.title == "Python Developer" for h in typo.hits)


def test_a_named_language_is_preferred_and_reported(tmp_path):
    role = (("What you'll do", SectionKind.ROLE, "Build backend services and APIs."),)
    postings = [
        make_posting("java", "Backend Engineer", sections=role, languages=("Java",)),
        make_posting("go", "Backend Engineer", sections=role, languages=("Go",)),
        make_posting("none", "Backend Engineer", sections=role),
    ]
    embedder = FakeEmbedder()
    build_index(postings, embedder, tmp_path / "index")
    service = SearchService(embedder, open_index(tmp_path / "index", embedder.name))
    result = service.search(SearchRequest("go backend engineer", limit=3))
    assert result.query_languages == ("Go",)
    assert result.hits and result.hits[0].posting.id == "go"
    filtered = service.search(SearchRequest("go backend engineer", Filters(languages=("java",))))
    assert filtered.query_languages == () and [h.posting.id for h in filtered.hits] == ["java"]
