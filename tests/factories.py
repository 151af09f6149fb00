"""Postings built in code, for tests that need exact control over facets and text."""

from __future__ import annotations

import random

from index.models import Location, Posting, Section, SectionKind, Workplace

TEAMS = ["Platform", "Data", "Storage", "Frontend", "Sales"]
COUNTRIES = ["US", "DE", "GB", "CA", "FR", "IN"]
LANGUAGES = ["Go", "Rust", "Python", "Java", "TypeScript", "C++"]
WORDS = (
    "storage engine query planner replication consensus kubernetes observability frontend react "
    "design system pipeline kafka spark mobile swift payments billing security compliance sales "
    "quota customers support onboarding latency throughput database index compiler runtime"
).split()


def make_posting(
    posting_id: str,
    title: str = "Software Engineer",
    *,
    team: str | None = None,
    countries: tuple[str, ...] = (),
    cities: tuple[str, ...] = (),
    workplace: Workplace = Workplace.UNKNOWN,
    languages: tuple[str, ...] = (),
    sections: tuple[tuple[str, SectionKind, str], ...] = (
        ("What you'll do", SectionKind.ROLE, "Build things."),
    ),
    updated_at: str | None = "2026-10-01T00:00:00Z",
    company: str = "Example Co",
) -> Posting:
    return Posting(
        id=posting_id,
        title=title,
        company=company,
        source="test",
        url=f"https://example.com/{posting_id}",
        updated_at=updated_at,
        team=team,
        location=Location(
            raw=", ".join(cities + countries),
            countries=countries,
            cities=cities,
            workplace=workplace,
        ),
        languages=languages,
        sections=tuple(Section(h, k, t) for h, k, t in sections),
    )


def synthetic_postings(count: int, seed: int = 7) -> list[Posting]:
    """`count` postings with random facets and 1-4 sections of random domain words."""
    rng = random.Random(seed)
    postings = []
    for n in range(count):
        sections = tuple(
            (
                f"Section {s}",
                rng.choice(list(SectionKind)),
                " ".join(rng.choices(WORDS, k=rng.randint(8, 120))),
            )
            for s in range(rng.randint(1, 4))
        )
        postings.append(
            make_posting(
                f"p{n:04d}",
                title=" ".join(rng.choices(WORDS, k=3)).title(),
                team=rng.choice(TEAMS + [None]),  # type: ignore[list-item]
                countries=tuple(sorted(set(rng.choices(COUNTRIES, k=rng.randint(0, 2))))),
                workplace=rng.choice(list(Workplace)),
                languages=tuple(sorted(set(rng.choices(LANGUAGES, k=rng.randint(0, 3))))),
                sections=sections,
                updated_at=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z",
            )
        )
    return postings
