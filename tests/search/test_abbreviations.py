"""Abbreviations seekers type are read as their long forms too, on both sides of the search."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build.rebuild import build_index
from index.models import SectionKind
from index.storage.loaded import open_index
from search.abbreviations import expand_abbreviations
from search.filters import Filters
from search.ranking import RankingConfig
from search.service import SearchRequest, SearchService
from search.spelling import Speller
from search.understand import understand_query
from tests.factories import make_posting, synthetic_postings


def test_abbreviations_gain_their_long_form_after_them():
    assert expand_abbreviations("SRE with k8s, ML eng") == (
        "SRE (site reliability engineer) with k8s (kubernetes), ML (machine learning) eng"
        " (engineer)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "node.js and c# developer",  # parts of other words and names
        "presre ml2 tsx",
        "machine learning (ML) engineer",  # the long form is there already
        "site reliability engineer, SRE",
    ],
)
def test_abbreviations_leave_other_words_and_written_out_forms_alone(text):
    assert "(" not in expand_abbreviations(text).replace("(ML)", "")


def test_understanding_expands_after_reading_the_level_and_can_be_turned_off():
    understood = understand_query("senior SRE remote", Filters())
    assert understood.level is not None and understood.location is not None
    assert "site reliability engineer" in understood.text and "senior" not in understood.text
    plain = understand_query("senior SRE", Filters(), abbreviations=False)
    assert "reliability" not in plain.text


def test_speller_leaves_a_known_abbreviation_as_typed():
    speller = Speller({"recess": 50, "engineer": 900})
    assert speller.correct("recsys engineer") is None
    assert speller.correct("recses engineer") is not None


def test_search_finds_a_written_out_role_by_its_abbreviation_with_the_real_model(
    real_embedder, tmp_path: Path
):
    role = (("The role", SectionKind.ROLE, "Keep production reliable: on-call, SLOs, Terraform."),)
    postings = [
        make_posting("sre", "Site Reliability Engineer", sections=role),
        *synthetic_postings(30),
    ]
    build_index(postings, real_embedder, tmp_path / "index")
    service = SearchService(real_embedder, open_index(tmp_path / "index", real_embedder.name))
    hits = service.search(SearchRequest("SRE", limit=5)).hits
    assert hits[0].posting.id == "sre" and hits[0].keyword_score
    off = RankingConfig(expand_abbreviations=False)
    plain = {h.posting.id: h for h in service.search(SearchRequest("SRE", limit=40), off).hits}
    assert "sre" not in plain or plain["sre"].keyword_score is None
