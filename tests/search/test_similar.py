"""Similar postings from stored vectors: the profile vector, exact ranking, filters, exclusions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.build.rebuild import build_index
from index.models import SectionKind
from index.storage.loaded import open_index
from search.errors import PostingNotFoundError
from search.filters import Filters, facet_conditions
from search.ranking import RankingConfig, chunk_penalties
from search.service import SearchService
from search.similar import profile_vector, similar_config
from tests.factories import make_posting, synthetic_postings
from tests.fakes import FakeEmbedder

LONG = "We are all about {0}: {0}, {0}, {0}, {0}, {0}, and more {0} every single day of the week."


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    embedder = FakeEmbedder()
    root = tmp_path_factory.mktemp("similar") / "index"
    build_index(synthetic_postings(80, seed=3), embedder, root)
    return SearchService(embedder, open_index(root, embedder.name), RankingConfig())


def brute_force(service: SearchService, source: int, allowed: set[int]) -> list[tuple[int, float]]:
    """Every allowed posting but the source's job, by its best penalized chunk, best first."""
    index = service.index
    catalog = index.catalog
    vector = profile_vector(index, source)
    penalties = chunk_penalties(
        catalog.chunk_kind, catalog.chunk_boilerplate, similar_config(service.config)
    )
    excluded = set(catalog.same_job(source).tolist())
    scored = []
    for pid in sorted(allowed - excluded):
        rows = np.arange(catalog.chunk_start[pid], catalog.chunk_end[pid])
        scores = np.asarray(index.store.vectors[rows] @ vector) - penalties[rows]
        scored.append((pid, float(scores.max())))
    return sorted(scored, key=lambda item: (-item[1], item[0]))


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(teams=("storage", "data")), Filters(locations=("remote",))],
    ids=["none", "two-teams", "remote"],
)
@pytest.mark.parametrize("source", ["p0003", "p0042"])
def test_similar_equals_brute_force_over_allowed_postings(service, filters, source):
    catalog = service.index.catalog
    result = service.similar(source, filters, limit=100)
    allowed = set(catalog.pids_matching(facet_conditions(filters)).tolist())
    expected = brute_force(service, catalog.pid_of(source), allowed)
    assert result.total == len(expected) and result.exhaustive
    got = [(catalog.pid_of(h.posting.id), h.score) for h in result.hits]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=1e-5)
    for (gid, _), (eid, es) in zip(got, expected, strict=True):
        tied = sum(1 for _, s in expected if abs(s - es) < 1e-5) > 1
        assert gid == eid or tied


def test_similar_pages_are_consecutive_slices(service):
    whole = [h.posting.id for h in service.similar("p0010", limit=30).hits]
    pages = [
        h.posting.id
        for n in range(3)
        for h in service.similar("p0010", limit=10, offset=10 * n).hits
    ]
    assert pages == whole and "p0010" not in whole


def test_similar_profile_leaves_out_company_context_and_boilerplate(tmp_path: Path):
    embedder = FakeEmbedder()
    posting = make_posting(
        "acme:1",
        sections=(
            ("About us", SectionKind.ABOUT_COMPANY, LONG.format("bananas orchards")),
            ("What you'll do", SectionKind.ROLE, LONG.format("kafka spark pipelines")),
            ("Benefits", SectionKind.BENEFITS, LONG.format("free bananas")),
        ),
    )
    root = tmp_path / "index"
    build_index([posting], embedder, root)
    index = open_index(root, embedder.name)
    kinds = [list(SectionKind)[k] for k in index.catalog.chunk_kind]
    assert kinds == [SectionKind.ABOUT_COMPANY, SectionKind.ROLE, SectionKind.BENEFITS]
    np.testing.assert_allclose(profile_vector(index, 0), index.store.vector(1), atol=1e-6)


def test_similar_of_a_posting_that_is_all_context_uses_all_of_it(tmp_path: Path):
    embedder = FakeEmbedder()
    posting = make_posting(
        "only-context", sections=(("About us", SectionKind.ABOUT_COMPANY, "Bananas orchards."),)
    )
    root = tmp_path / "index"
    build_index([posting, make_posting("other", "Data Engineer")], embedder, root)
    service = SearchService(embedder, open_index(root, embedder.name))
    np.testing.assert_allclose(
        profile_vector(service.index, 0), service.index.store.vector(0), atol=1e-6
    )
    assert [h.posting.id for h in service.similar("only-context").hits] == ["other"]


def test_similar_ids_with_colons_and_slashes_and_unknown_ids(tmp_path: Path):
    embedder = FakeEmbedder()
    postings = [
        make_posting("zapply:greenhouse-acme-1", "Data Engineer"),
        make_posting("lever:acme/2", "Storage Engineer", company="Acme"),
    ]
    root = tmp_path / "index"
    build_index(postings, embedder, root)
    service = SearchService(embedder, open_index(root, embedder.name))
    result = service.similar("zapply:greenhouse-acme-1")
    assert [h.posting.id for h in result.hits] == ["lever:acme/2"] and result.total == 1
    with pytest.raises(PostingNotFoundError, match="zapply:nope"):
        service.similar("zapply:nope")


def test_similar_with_only_itself_in_the_index_is_empty(tmp_path: Path):
    embedder = FakeEmbedder()
    root = tmp_path / "index"
    build_index([make_posting("alone")], embedder, root)
    service = SearchService(embedder, open_index(root, embedder.name))
    result = service.similar("alone")
    assert result.hits == [] and result.total == 0
