"""The search service against brute force: filtered search must be exact at any selectivity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.build.chunking import chunk_posting
from index.build.rebuild import build_index
from index.models import Posting, SectionKind, Workplace
from index.storage.bm25 import query_phrases, query_terms
from index.storage.loaded import open_index
from search.errors import InvalidFilterError, PostingNotFoundError
from search.filters import Filters
from search.ranking import PRESETS, PostingScores, RankingConfig, fuse
from search.service import SearchRequest, SearchService
from tests.factories import make_posting, synthetic_postings
from tests.fakes import FakeEmbedder

QUERIES = [
    "storage engine replication",
    "kafka pipeline spark",
    "sales quota customers",
    "react design system",
]


@pytest.fixture(scope="module")
def corpus() -> list[Posting]:
    return synthetic_postings(60)


@pytest.fixture(scope="module")
def service(corpus: list[Posting], tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    embedder = FakeEmbedder()
    root = tmp_path_factory.mktemp("svc") / "index"
    build_index(corpus, embedder, root)
    return SearchService(embedder, open_index(root, embedder.name), PRESETS["dense"])


def brute_force(corpus: list[Posting], query: str, keep) -> list[tuple[str, float]]:
    """Every allowed posting scored by its best chunk, by brute force over all chunk texts."""
    embedder = FakeEmbedder()
    q = embedder.embed_query(query)
    scored = []
    for posting in corpus:
        if not keep(posting):
            continue
        chunks = chunk_posting(posting, embedder.count_tokens, embedder.max_tokens)
        vectors = embedder.embed_documents([c.text for c in chunks])
        scored.append((posting.id, float((vectors @ q).max())))
    return sorted(scored, key=lambda item: -item[1])


def assert_same_ranking(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> None:
    assert len(got) == len(expected)
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=1e-5)
    # ids agree wherever scores are not tied
    for (gid, _gs), (eid, es) in zip(got, expected, strict=True):
        tied = sum(1 for _, s in expected if abs(s - es) < 1e-5) > 1
        assert tied or gid == eid


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (Filters(), lambda p: True),
        (Filters(teams=("storage",)), lambda p: p.team == "Storage"),
        (Filters(languages=("golang", "Rust")), lambda p: {"Go", "Rust"} & set(p.languages)),
        (Filters(locations=("remote",)), lambda p: p.location.workplace is Workplace.REMOTE),
        (
            Filters(teams=("Data",), locations=("germany",), languages=("python",)),
            lambda p: p.team == "Data" and "DE" in p.location.countries and "Python" in p.languages,
        ),
        (
            Filters(workplaces=("hybrid", "onsite")),
            lambda p: p.location.workplace in (Workplace.HYBRID, Workplace.ONSITE),
        ),
        (
            Filters(workplaces=("remote",), locations=("germany",)),
            lambda p: p.location.workplace is Workplace.REMOTE and "DE" in p.location.countries,
        ),
    ],
    ids=["none", "team", "two-languages", "remote", "narrow", "workplaces", "remote-germany"],
)
def test_search_filtered_equals_brute_force(service, corpus, query, filters, keep):
    expected = brute_force(corpus, query, keep)
    result = service.search(SearchRequest(query, filters, limit=100))
    assert result.total == len(expected)
    assert result.exhaustive
    assert_same_ranking([(h.posting.id, h.score) for h in result.hits], expected[:100])


def test_search_filter_leaving_few_postings_returns_all_of_them(service, corpus):
    keep = lambda p: p.team == "Platform" and "IN" in p.location.countries  # noqa: E731
    expected = brute_force(corpus, "storage engine", keep)
    assert 1 <= len(expected) <= 3, "the synthetic corpus should leave a handful here"
    result = service.search(
        SearchRequest(
            "storage engine", Filters(teams=("platform",), locations=("india",)), limit=10
        )
    )
    assert_same_ranking([(h.posting.id, h.score) for h in result.hits], expected)


def test_search_pagination_pages_are_consecutive_slices(service):
    full = service.search(SearchRequest("database index latency", limit=30)).hits
    pages = [
        service.search(SearchRequest("database index latency", limit=10, offset=o)).hits
        for o in (0, 10, 20)
    ]
    assert [h.posting.id for page in pages for h in page] == [h.posting.id for h in full]


def test_search_hit_names_best_section_and_snippet(service):
    hit = service.search(SearchRequest("kafka pipeline spark", limit=1)).hits[0]
    assert hit.section is not None and hit.section.startswith("Section")
    assert hit.snippet and len(hit.snippet) <= 300


def test_search_empty_query_lists_matching_newest_first(service, corpus):
    result = service.search(SearchRequest("", Filters(teams=("Sales",)), limit=100))
    expected = sorted(
        (p for p in corpus if p.team == "Sales"), key=lambda p: p.updated_at or "", reverse=True
    )
    assert [h.posting.updated_at for h in result.hits] == [p.updated_at for p in expected]
    assert all(h.score is None for h in result.hits)
    assert result.total == len(expected)


def test_search_unknown_language_names_the_field(service):
    with pytest.raises(InvalidFilterError, match="language"):
        service.search(SearchRequest("x", Filters(languages=("rusty",))))


def test_search_unknown_city_matches_nothing(service):
    result = service.search(SearchRequest("storage", Filters(locations=("Springfield",))))
    assert result.total == 0 and result.hits == []


def test_get_posting_returns_sections_and_unknown_id_raises(service, corpus):
    detail = service.get_posting(corpus[3].id)
    assert detail.posting.title == corpus[3].title
    assert [s.heading for s in detail.sections] == [s.heading for s in corpus[3].sections]
    with pytest.raises(PostingNotFoundError):
        service.get_posting("nope")


def test_swap_serves_new_index_and_old_calls_keep_theirs(tmp_path: Path):
    embedder = FakeEmbedder()
    root = tmp_path / "index"
    build_index([make_posting("a", "Rust storage engineer")], embedder, root)
    service = SearchService(embedder, open_index(root, embedder.name), PRESETS["dense"])
    old = service.index
    build_index([make_posting("b", "Kotlin Android engineer")], embedder, root)
    service.swap(open_index(root, embedder.name))
    assert [h.posting.id for h in service.search(SearchRequest("engineer")).hits] == ["b"]
    assert old.catalog.summaries([0])[0].id == "a"  # the old build is still readable


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (Filters(), lambda p: True),
        (Filters(teams=("storage", "data")), lambda p: p.team in ("Storage", "Data")),
        (
            Filters(teams=("platform",), locations=("india",)),
            lambda p: p.team == "Platform" and "IN" in p.location.countries,
        ),
    ],
    ids=["none", "two-teams", "narrow"],
)
@pytest.mark.parametrize("phrase_pairs", [0, 1])
def test_hybrid_filtered_equals_fusion_of_filtered_lists(
    service, corpus, filters, keep, phrase_pairs
):
    """Both sides restrict to the filter before ranking: the fused list equals fusing the
    brute-force dense list and the unfiltered BM25 list, each cut down to the allowed postings."""
    config = RankingConfig(
        candidates=1000,
        context_penalty=0.0,
        boilerplate_penalty=0.0,
        min_score=0.0,
        phrase_pairs=phrase_pairs,
    )
    query = "storage engine replication"
    dense = brute_force(corpus, query, keep)
    pid_of = {p.id: n for n, p in enumerate(corpus)}
    dense_scores = PostingScores(
        np.array([pid_of[i] for i, _ in dense], dtype=np.int64),
        np.array([s for _, s in dense], dtype=np.float32),
        np.full(len(dense), -1, dtype=np.int64),
    )
    keywords = query_terms(query) + (query_phrases(query) if phrase_pairs else [])
    kw_pids, kw_scores = service.index.catalog.keyword_search(
        keywords, 1000, None, config.column_weights
    )
    allowed = {pid_of[p.id] for p in corpus if keep(p)}
    mask = np.array([int(p) in allowed for p in kw_pids], dtype=bool)
    expected = fuse(dense_scores, kw_pids[mask], kw_scores[mask], config)
    result = service.search(SearchRequest(query, filters, limit=100), config)
    got = [(h.posting.id, h.score) for h in result.hits]
    want = [(corpus[f.pid].id, f.score) for f in expected.items(slice(0, 100))]
    assert_same_ranking(got, want)
    assert all(h.keyword_score is not None or h.dense_score is not None for h in result.hits)


def test_threshold_drops_weak_matches_and_total_counts_the_rest(service, corpus):
    strong = service.search(
        SearchRequest("storage engine replication", limit=100),
        RankingConfig(min_score=0.3, keyword_admit=0.0, match_margin=0.0),
    )
    everything = service.search(
        SearchRequest("storage engine replication", limit=100), RankingConfig(min_score=0.0)
    )
    assert 0 < strong.total < everything.total == len(corpus)
    assert strong.total == len(strong.hits)
    assert all(h.dense_score is not None and h.dense_score >= 0.3 for h in strong.hits)
    nonsense = service.search(SearchRequest("zzzz qqqq", limit=10), RankingConfig(min_score=0.3))
    assert nonsense.total == 0 and nonsense.hits == []


def test_hit_explains_terms_and_filters(service):
    result = service.search(
        SearchRequest("kafka pipeline", Filters(teams=("data", "sales")), limit=3),
        RankingConfig(min_score=0.0),
    )
    hit = result.hits[0]
    assert hit.matched_filters["team"] in (["data"], ["sales"])
    assert hit.matched_terms and set(hit.matched_terms) <= {"kafka", "pipeline"}
    for start, end in hit.highlights:
        assert hit.snippet[start:end].casefold().startswith(("kafka", "pipeline"))
    assert hit.keyword_score is not None and hit.dense_score is not None


def test_facets_count_only_postings_above_the_threshold(service, corpus):
    config = RankingConfig(min_score=0.3)
    result = service.search(
        SearchRequest("storage engine replication", limit=100, facets=True), config
    )
    matched = [p for p in corpus if p.id in {h.posting.id for h in result.hits}]
    assert result.total == len(matched) > 0
    teams = {f.value: f.count for f in result.facets["team"]}
    expected: dict[str, int] = {}
    for posting in matched:
        if posting.team:
            expected[posting.team] = expected.get(posting.team, 0) + 1
    assert teams == expected


def test_similar_excludes_itself_and_reposts_of_the_same_job(tmp_path: Path):
    embedder = FakeEmbedder()
    kafka = (
        ("What you'll do", SectionKind.ROLE, "Build kafka pipelines and spark jobs for analytics."),
    )
    postings = [
        make_posting("src:C#:1", "Data Engineer", company="Acme", sections=kafka),
        make_posting("repost", "Data Engineer", company="Acme", sections=kafka, countries=("DE",)),
        make_posting("near", "Streaming Engineer", company="Other", sections=kafka),
        make_posting(
            "far",
            "Account Executive",
            company="Other",
            sections=(("The role", SectionKind.ROLE, "Sell software to enterprise customers."),),
        ),
    ]
    root = tmp_path / "index"
    build_index(postings, embedder, root)
    service = SearchService(embedder, open_index(root, embedder.name))
    embedded_by_build = embedder.embedded
    result = service.similar("src:C#:1", limit=10)
    assert [h.posting.id for h in result.hits] == ["near", "far"]
    assert result.total == 2 and result.hits[0].section == "What you'll do"
    assert embedder.embedded == embedded_by_build  # similar embeds nothing
    with pytest.raises(PostingNotFoundError):
        service.similar("nope")


def test_threshold_with_filter_equals_threshold_then_filter(service, corpus):
    config = RankingConfig(keyword_weight=0.0, min_score=0.25)
    query = "storage engine replication"
    everything = service.search(SearchRequest(query, limit=100), config).hits
    filtered = service.search(
        SearchRequest(query, Filters(teams=("storage", "data")), limit=100), config
    )
    expected = [h.posting.id for h in everything if h.posting.team in ("Storage", "Data")]
    assert [h.posting.id for h in filtered.hits] == expected and filtered.total == len(expected) > 0


def test_search_matches_a_hyphenated_title_by_its_joined_word_with_the_real_model(
    real_embedder, tmp_path: Path
):
    role = "Build the design system: React components, TypeScript, accessibility and docs."
    postings = [
        make_posting(
            "hyphen", "Front-End Developer", sections=(("The role", SectionKind.ROLE, role),)
        ),
        make_posting(
            "joined", "Frontend Engineer", sections=(("The role", SectionKind.ROLE, role),)
        ),
        *synthetic_postings(20),
    ]
    build_index(postings, real_embedder, tmp_path / "index")
    service = SearchService(real_embedder, open_index(tmp_path / "index", real_embedder.name))
    for query in ("frontend", "front-end", "Front-end"):
        hits = {h.posting.id: h for h in service.search(SearchRequest(query, limit=10)).hits}
        assert hits["hyphen"].keyword_score and hits["joined"].keyword_score, query
