"""The level a seeker asks for, read from their words."""

from __future__ import annotations

import pytest

from index.models import Level
from search.levels import read_level_intent, wrong_levels


@pytest.mark.parametrize(
    ("query", "level", "rest"),
    [
        ("graduate data scientist", Level.ENTRY, "data scientist"),
        ("entry-level data analyst", Level.ENTRY, "data analyst"),
        ("new grad software engineer remote", Level.ENTRY, "software engineer remote"),
        ("junior frontend developer", Level.ENTRY, "frontend developer"),
        (
            "summer internship in machine learning",
            Level.INTERN,
            "summer internship in machine learning",
        ),
        ("senior iOS engineer", Level.SENIOR, "iOS engineer"),
        ("principal backend engineer", Level.STAFF, "backend engineer"),
        ("staff data engineer", Level.STAFF, "data engineer"),
        (
            "engineering manager leading a backend platform team",
            Level.MANAGER,
            "engineering manager leading a backend platform team",
        ),
        ("head of data", Level.DIRECTOR, "head of data"),
        ("lead backend engineer", Level.SENIOR, "backend engineer"),
        ("tech lead for payments", Level.SENIOR, "tech lead for payments"),
        ("associate product manager", Level.ENTRY, "product manager"),
        ("junior-level QA engineer", Level.ENTRY, "QA engineer"),
        ("apprentice software developer", Level.INTERN, "apprentice software developer"),
    ],
)
def test_read_level_intent_finds_the_level_and_keeps_role_words(query, level, rest):
    intent = read_level_intent(query)
    assert intent is not None
    assert intent.level == level and intent.rest == rest


@pytest.mark.parametrize(
    "query",
    [
        "I want to work on database internals",
        "data engineer with a graduate degree",
        "senior care nurse",
        "staff",  # a lone word is no level plus a role
        "lead generation specialist",  # a role, not a rank
        "I want to lead a team of engineers",
        "data analyst with an associate degree",
    ],
)
def test_read_level_intent_ignores_what_is_not_a_level(query):
    assert read_level_intent(query) is None


def test_read_level_intent_ignores_long_text():
    resume = "Senior engineer. " + "I built storage systems for years. " * 12
    assert read_level_intent(resume) is None


def test_wrong_levels_are_other_career_stages_never_mid():
    assert Level.SENIOR in wrong_levels(Level.ENTRY) and Level.MANAGER in wrong_levels(Level.INTERN)
    assert Level.ENTRY in wrong_levels(Level.SENIOR)
    assert all(Level.MID not in wrong_levels(level) for level in Level if level != Level.MID)
