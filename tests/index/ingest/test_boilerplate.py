"""Boilerplate is what recurs across one company's different jobs, and only that."""

from __future__ import annotations

from index.ingest.boilerplate import (
    boilerplate_share,
    company_key,
    find_boilerplate,
    strip_boilerplate,
)
from index.models import SectionKind
from tests.factories import make_posting

ABOUT = "Acme builds the logistics platform that moves groceries across the continent."
EEO = "Acme is an equal opportunity employer and values diversity of every kind."


def acme(posting_id: str, title: str, duty: str, company: str = "Acme"):
    return make_posting(
        posting_id,
        title,
        company=company,
        sections=(
            ("About us", SectionKind.ABOUT_COMPANY, ABOUT),
            ("What you'll do", SectionKind.ROLE, duty),
            ("EEO", SectionKind.LEGAL, EEO),
        ),
    )


def test_boilerplate_recurring_lines_across_distinct_jobs():
    postings = [
        acme("1", "Backend Engineer", "Design the routing service for same-day delivery drivers."),
        acme("2", "Data Analyst", "Model demand forecasts for every warehouse in the network."),
        acme(
            "3",
            "Account Executive",
            "Sell the platform to regional grocery chains and wholesalers.",
        ),
    ]
    found = find_boilerplate(postings)[company_key("Acme")]
    assert boilerplate_share(ABOUT, found) == 1.0
    assert boilerplate_share(EEO, found) == 1.0
    assert boilerplate_share(postings[0].sections[1].text, found) == 0.0


def test_boilerplate_same_job_in_many_cities_keeps_its_duties():
    duty = "Design the routing service for same-day delivery drivers in your city."
    postings = [acme(str(n), "Backend Engineer", duty) for n in range(5)]
    found = find_boilerplate(postings).get(company_key("Acme"), set())
    assert boilerplate_share(duty, found) == 0.0  # one title: nothing recurs across jobs


def test_boilerplate_is_per_company():
    postings = [
        acme(
            str(n),
            f"Role {n}",
            f"Duty number {n} with enough words to count as a line.",
            company=f"Co {n}",
        )
        for n in range(4)
    ]
    assert find_boilerplate(postings) == {}


def test_strip_boilerplate_keeps_the_job_lines():
    postings = [
        acme(str(n), f"Role {n}", f"Specific duty {n} for this one job, described at length.")
        for n in range(3)
    ]
    found = find_boilerplate(postings)[company_key("Acme")]
    text = f"{ABOUT}\nSpecific duty 1 for this one job, described at length."
    assert (
        strip_boilerplate(text, found) == "Specific duty 1 for this one job, described at length."
    )
