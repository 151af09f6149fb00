"""Misspelled query words are corrected against the index's vocabulary, and nothing else is."""

from __future__ import annotations

import pytest

from search.spelling import Speller

VOCABULARY = {
    "python": 120,
    "developer": 300,
    "developers": 80,
    "engineer": 900,
    "kubernetes": 60,
    "database": 150,
    "internals": 12,
    "berlin": 40,
    "pydough": 1,  # a product named in one posting: known, but no correction target
    "rust": 50,
    "writer": 30,
    "written": 400,
    "technical": 200,
    "software": 800,
    "sofware": 1,  # one posting's own typo
    "kaggle": 2,  # a rare real word one edit from a word not 100 times as common
    "haggle": 150,
    "internal": 100,  # a common word one edit from a rarer real one ("internals")
}


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(VOCABULARY)


def test_speller_corrects_unknown_words_to_common_ones(speller):
    correction = speller.correct("pyhton develper")
    assert correction is not None
    assert correction.text == "python developer"
    assert correction.words == (("pyhton", "python"), ("develper", "developer"))


def test_speller_keeps_the_rest_of_the_query_as_typed(speller):
    correction = speller.correct("Senior kuberntes engineer, remote")
    assert correction is not None and correction.text == "Senior kubernetes engineer, remote"


def test_speller_leaves_known_words_alone(speller):
    assert speller.correct("python developer") is None
    assert speller.correct("pydough") is None  # rare, but in the index: not a typo


@pytest.mark.parametrize(
    "query",
    [
        "golang developer",  # a programming language the vocabulary lacks
        "engineer in Munich",  # a place
        "k8s engineer",  # symbols and digits
        "sre",  # too short to guess
        "zzzzqqq",  # nothing close
    ],
)
def test_speller_never_touches_languages_places_and_short_or_odd_words(speller, query):
    assert speller.correct(query) is None


def test_speller_corrects_a_postings_own_typo_to_the_far_more_common_word(speller):
    correction = speller.correct("sofware engineer")
    assert correction is not None and correction.text == "software engineer"


def test_speller_keeps_known_words_a_neighbour_is_not_far_more_common_than(speller):
    assert speller.correct("database internals") is None  # 12 postings: not rare
    assert speller.correct("kaggle") is None  # 2 postings, the neighbour only 75 times as many


def test_speller_never_corrects_to_a_rare_word(speller):
    assert speller.correct("pydouhg") is None


def test_speller_prefers_a_finger_slip_to_a_more_common_word(speller):
    correction = speller.correct("techincal writter")
    assert correction is not None and correction.text == "technical writer"
