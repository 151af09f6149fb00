"""Through the real model: ATS exports in, the right posting first, over real HTTP too."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from api.main import create_app
from index.build.rebuild import build_index
from index.build.understood_cache import understand_all
from index.ingest.readers import read_postings
from index.settings import Settings
from index.storage.loaded import open_index
from search.filters import Filters
from search.ranking import RankingConfig
from search.service import SearchRequest, SearchService
from tests.api.server import running_server
from tests.paths import SAMPLE_POSTINGS, shared_file

pytestmark = pytest.mark.slow

SEED_IDS = {"greenhouse:9000001", "seed:cloudflare-do-d1"}
SEED_QUERY = (
    "distributed coordination API with strongly consistent storage and an SQL database at the edge"
)


@pytest.fixture(scope="module")
def ats_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    greenhouse = shared_file("corpus/ats/greenhouse-jobs.json")
    folder = tmp_path_factory.mktemp("e2e")
    seed_jsonl = folder / "seed.jsonl"
    with gzip.open(shared_file("corpus/eval-postings.jsonl.gz"), "rt", encoding="utf-8") as lines:
        seed = next(line for line in lines if '"seed:cloudflare-do-d1"' in line)
    seed_jsonl.write_text(seed)
    read = read_postings([greenhouse, seed_jsonl])
    understood = understand_all(read.postings)
    assert not understood.skipped and len(understood.postings) == 33
    root = folder / "index"
    build_index(understood.postings, real_embedder, root)
    return root


def test_real_model_finds_seed_posting_first(ats_index, real_embedder):
    service = SearchService(real_embedder, open_index(ats_index, real_embedder.name))
    hits = service.search(SearchRequest(SEED_QUERY, limit=5)).hits
    assert hits[0].posting.id in SEED_IDS
    assert {h.posting.id for h in hits[:2]} == SEED_IDS
    assert hits[0].section  # the match says which section it came from


def test_real_model_language_filter_keeps_exact_order(ats_index, real_embedder):
    service = SearchService(real_embedder, open_index(ats_index, real_embedder.name))
    unfiltered = service.search(SearchRequest(SEED_QUERY, limit=33)).hits
    filtered = service.search(
        SearchRequest(SEED_QUERY, Filters(languages=("rust",)), limit=33)
    ).hits
    expected = [h.posting.id for h in unfiltered if "Rust" in h.posting.languages]
    assert [h.posting.id for h in filtered] == expected and expected


def test_real_model_over_http_on_sample_postings(tmp_path, real_embedder):
    read = read_postings([SAMPLE_POSTINGS])
    understood = understand_all(read.postings)
    root = tmp_path / "index"
    build_index(understood.postings, real_embedder, root)
    settings = Settings(index_dir=root)
    with running_server(create_app(settings, embedder_factory=lambda s: real_embedder)) as http:
        body = http.get(
            "/v1/search",
            params={
                "q": "distributed key-value store with strongly consistent replication in Rust"
            },
        ).json()
        top = body["results"][0]
        assert "Rust" in top["languages"]
        assert any(
            word in top["title"].lower()
            for word in ("storage", "key-value", "database", "distributed")
        )
        remote = http.get(
            "/v1/search", params={"q": "backend engineer", "location": "remote", "limit": 50}
        ).json()
        assert remote["results"] and all(r["remote"] for r in remote["results"])


@pytest.fixture(scope="module")
def sample_service(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> SearchService:
    read = read_postings([SAMPLE_POSTINGS])
    root = tmp_path_factory.mktemp("sample") / "index"
    build_index(understand_all(read.postings).postings, real_embedder, root)
    return SearchService(real_embedder, open_index(root, real_embedder.name))


def test_real_model_nonsense_query_returns_few_or_none(sample_service):
    for nonsense in (
        "asdfgh qwerty zxcvb",
        "how to bake sourdough bread",
        "purple elephant banana",
    ):
        result = sample_service.search(SearchRequest(nonsense, limit=10))
        assert result.total <= 3, (nonsense, [h.posting.title for h in result.hits])
        assert result.total == len(result.hits)


def test_real_model_company_boilerplate_weighs_less_than_job_text(sample_service):
    """A query about what one company does (its repeated About-us text) should bring up the
    jobs that do that work first, not every posting of the company by its boilerplate."""
    query = "open-core analytical database for time-series and event data"

    def boilerplate_hits(config: RankingConfig) -> list[bool]:
        hits = sample_service.search(SearchRequest(query, limit=5), config).hits
        return [
            h.section_kind is not None and h.section_kind.value == "about_company" for h in hits
        ]

    without = boilerplate_hits(RankingConfig(boilerplate_penalty=0.0))
    default = boilerplate_hits(RankingConfig())
    assert without[0] and not default[0]
    assert sum(default) < sum(without)


def test_real_model_resume_is_split_not_cut(sample_service):
    resume = (
        "Experienced mobile developer. " * 10
        + "I have shipped consumer iPhone apps in Swift with SwiftUI and Combine for eight years. "
        * 10
        + "Before that I built Android apps in Kotlin with Jetpack Compose. " * 10
    )
    result = sample_service.search(SearchRequest(resume, limit=5))
    assert result.query_parts > 1
    titles = " ".join(h.posting.title for h in result.hits[:3]).lower()
    assert "ios" in titles and ("android" in titles or "mobile" in titles)


def test_real_model_similar_jobs_share_the_work_not_the_employer(sample_service):
    source = sample_service.get_posting("sample:ferrowind-rust-storage-engine").posting
    hits = sample_service.similar(source.id, limit=5).hits
    assert hits
    assert source.id not in {h.posting.id for h in hits}
    assert any(h.posting.company != source.company for h in hits)
    assert sum("Rust" in h.posting.languages or "C++" in h.posting.languages for h in hits) >= 2


def test_real_model_prefers_the_place_the_query_names(sample_service):
    """ "Remote in Europe" in the seeker's words: such postings come first, the work still fits,
    and the response says what it understood."""
    plain = sample_service.search(SearchRequest("backend engineer", limit=3))
    placed = sample_service.search(SearchRequest("backend engineer, remote in Europe", limit=3))
    assert placed.query_location == ("remote", "Europe") and plain.query_location == ()
    assert placed.hits and plain.hits  # the checks below do not pass over an empty list
    assert all(h.in_query_location for h in placed.hits)
    for hit in placed.hits:
        location = hit.posting.location
        assert location.workplace.value == "remote"
        assert "Europe" in location.regions or "EMEA" in location.regions or location.worldwide
    assert all(h.in_query_location is None for h in plain.hits)
    assert not any("Europe" in h.posting.location.regions for h in plain.hits)
    explicit = sample_service.search(
        SearchRequest("backend engineer, remote in Europe", Filters(locations=("US",)))
    )
    assert explicit.query_location == ()  # an explicit location filter replaces it


def test_real_model_location_alone_lists_the_postings_there(sample_service):
    result = sample_service.search(SearchRequest("remote in Europe", limit=50, facets=True))
    assert result.query_location == ("remote", "Europe")
    assert result.hits and len(result.hits) == result.total
    assert all(h.in_query_location and h.score is None for h in result.hits)
    assert all(h.posting.location.workplace.value == "remote" for h in result.hits)
    assert result.facets is not None
    remote = {f.value: f.count for f in result.facets["location"]}.get("remote")
    assert remote == result.total  # facets count within what the words asked for


def test_real_model_corrects_misspelled_words(sample_service):
    typo = sample_service.search(SearchRequest("pyhton develper", limit=5))
    clean = sample_service.search(SearchRequest("python developer", limit=5))
    assert typo.corrected_query == "python developer"
    assert typo.hits and [h.posting.id for h in typo.hits] == [h.posting.id for h in clean.hits]
    assert "Python" in typo.hits[0].posting.title + " ".join(typo.hits[0].posting.languages)


def test_real_model_ranks_the_level_the_query_asks_for_first(sample_service):
    senior = sample_service.search(SearchRequest("senior backend engineer", limit=10))
    assert senior.query_level == "senior"
    assert senior.hits and senior.hits[0].posting.level.value == "senior"
    intern = sample_service.search(SearchRequest("internship in finance", limit=10))
    assert intern.query_level == "intern"
    assert intern.hits and intern.hits[0].posting.id == "sample:orchard-finance-operations-intern"
    assert not {"senior", "staff", "manager", "director"} & {
        h.posting.level.value for h in intern.hits[:3]
    }


def test_real_model_total_counts_plausible_matches_not_the_corpus(sample_service):
    specific = sample_service.search(SearchRequest("iOS developer writing Swift", limit=10))
    assert specific.hits and "iOS" in specific.hits[0].posting.title
    assert 1 <= specific.total < 20  # of 60 sample postings


def test_real_model_reads_the_workplace_and_filters_by_it(sample_service):
    """ "Hybrid in London" sets the workplace and the place; the workplace filter is ANDed with
    the location filter, where a workplace given as a location is ORed with the places."""
    result = sample_service.search(SearchRequest("product engineer, hybrid in London", limit=3))
    assert result.query_workplace == "hybrid" and result.query_location == ("hybrid", "London")
    assert result.hits and all(h.in_query_location for h in result.hits)
    for hit in result.hits:
        assert hit.posting.location.workplace.value == "hybrid"
        assert "London" in hit.posting.location.cities
    remote_germany = Filters(locations=("germany",), workplaces=("remote",))
    anded = sample_service.search(SearchRequest("backend engineer", remote_germany, limit=50))
    assert anded.hits and len(anded.hits) == anded.total
    for hit in anded.hits:
        location = hit.posting.location
        assert location.workplace.value == "remote"
        assert (
            "DE" in location.countries
            or {"Europe", "EMEA"} & set(location.regions)
            or (location.worldwide)
        )
    ored = sample_service.search(
        SearchRequest("backend engineer", Filters(locations=("remote", "germany")), limit=50)
    )
    assert ored.total > anded.total
    assert any(h.posting.location.workplace.value != "remote" for h in ored.hits)
