"""Deriving a posting's team: the source field cleaned, else only names the text states plainly."""

from __future__ import annotations

import html
import json

import pytest

from index.ingest.sections import split_sections
from index.ingest.team import clean_source_team, derive_team
from index.models import Section, SectionKind
from tests.paths import shared_file

K = SectionKind
SEED_TITLE = "Senior Systems Engineer - Durable Objects (DO) and D1"


def section(heading: str, text: str, kind: SectionKind = K.ROLE) -> Section:
    return Section(heading, kind, text)


@pytest.mark.parametrize(
    ("raw", "team"),
    [
        ("  Emerging Technologies   & Incubation ", "Emerging Technologies & Incubation"),
        ("0000: Pipeline Parent", None),
        ("Engineering - Pipeline", "Engineering"),
        ("Sales - Dept", "Sales"),
        ("Business Platform (Sub Team)", "Business Platform"),
        ("4119 Product Support", "Product Support"),
        ("4129 SDC - User Policy Operations", "SDC - User Policy Operations"),
        ("Corporate Operations : Security", "Corporate Operations : Security"),
        ("Dev-QA", "Dev-QA"),
        ("N/A", None),
        ("1234", None),
        ("", None),
    ],
)
def test_clean_source_team(raw, team):
    assert clean_source_team(raw) == team


def test_derive_team_source_field_wins():
    text = [section("", "You will join the Payments team.")]
    assert derive_team("Platform", "Engineer", text) == "Platform"


def test_derive_team_junk_source_falls_back_to_text():
    text = [section("", "You will join the Payments team.")]
    assert derive_team("0000: Pipeline Parent", "Engineer", text) == "Payments"


def test_derive_team_from_about_heading():
    sections = [section("About the Data Platform Team", "We move bytes.", K.ABOUT_TEAM)]
    assert derive_team(None, "Engineer", sections) == "Data Platform"


@pytest.mark.parametrize(
    "sentence",
    [
        "You'll be part of the Identity & Access team, building login.",
        "We are looking for an engineer to join our growing Identity & Access team.",
        "As a member of the Identity & Access Team you will own sign-in.",
    ],
)
def test_derive_team_from_sentence(sentence):
    assert derive_team(None, "Engineer", [section("The role", sentence)]) == "Identity & Access"


def test_derive_team_from_title_team_suffix():
    assert derive_team(None, "Software Engineer, Payments Team", []) == "Payments"
    assert derive_team(None, "Software Engineer Team Lead", []) is None


@pytest.mark.parametrize(
    "sections",
    [
        [section("", "Come and join the team! You will write Go.")],  # no name
        [section("", "You will join the payments team.")],  # not capitalised: not a name
        [
            section("About Acme", "Acme makes anvils.", K.ABOUT_COMPANY),
            section("", "Join the Acme team!"),
        ],
        [section("Interview process", "A call with our Recruiting team.", K.OTHER)],
        [section("Legal", "Contact the People team for accommodations.", K.LEGAL)],
        [section("", "Join our remote Norwegian team.")],
    ],
)
def test_derive_team_says_nothing_when_unsure(sections):
    assert derive_team(None, "Engineer", sections) is None


def test_derive_team_from_team_section_subject_without_company_possessive():
    text = "Cloudflare's Network Engineering Team builds and runs the infrastructure."
    sections = [section("About the Department", text, K.ABOUT_TEAM)]
    assert derive_team(None, "Engineer", sections) == "Network Engineering"


def test_derive_team_seed_from_department_section():
    """Without a source field, the seed's "About the Department" section opens with its name,
    "Emerging Technologies & Incubation (ETI) is where ...": the same as Greenhouse's field."""
    sections = split_sections(shared_file("corpus/seed/cloudflare-do-d1.html").read_text(), "html")
    assert derive_team(None, SEED_TITLE, sections) == "Emerging Technologies & Incubation"


def test_derive_team_seed_greenhouse_department():
    document = json.loads(
        shared_file("corpus/ats/greenhouse-jobs.json").read_text(encoding="utf-8")
    )
    job = next(j for j in document["jobs"] if j["id"] == 9000001)
    sections = split_sections(html.unescape(job["content"]), "html")
    assert derive_team(job["departments"][0]["name"], job["title"], sections) == (
        "Emerging Technologies & Incubation"
    )


def test_derive_team_greenhouse_pipeline_department_gives_none():
    document = json.loads(
        shared_file("corpus/ats/greenhouse-jobs.json").read_text(encoding="utf-8")
    )
    job = next(
        j for j in document["jobs"] if j["id"] == 7520106
    )  # Elastic, "0000: Pipeline Parent"
    sections = split_sections(html.unescape(job["content"]), "html")
    assert derive_team(job["departments"][0]["name"], job["title"], sections) is None
