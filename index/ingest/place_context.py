"""A second look at cities whose name several countries share, once a whole build is read.

A posting that says only "Santa Clara" or "Alexandria Office" names a city of Cuba and of
California, of Egypt and of Virginia; by population alone (`index.ingest.cities`) it is the
Cuban and the Egyptian one. The same build usually says which it means elsewhere: its other
postings write "Santa Clara, CA" and "Alexandria, VA". So a shared name with no qualifier is
placed where the same company's qualified mentions of that name place it; else where the
build's do, counted by source (a company, or a posting without one) and only when at least
MIN_SOURCES say so, so one employer's "London, ON" does not move every bare "London" of the
others to Canada; else by population. A country the posting's own text names comes first
(`index.ingest.locations`), and evidence split evenly decides nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from index.ingest.locations import normalize_location
from index.models import Location, Posting

MIN_SOURCES = 2
Tally = dict[str, Counter[str]]  # city name key -> country -> mentions (or sources)


@dataclass
class PlaceContext:
    companies: dict[str, Tally] = field(default_factory=dict)
    sources: dict[str, dict[str, set[str]]] = field(
        default_factory=dict
    )  # key -> country -> sources

    @classmethod
    def of(cls, postings: Iterable[Posting]) -> PlaceContext:
        context = cls()
        for posting in postings:
            context.add(posting.id, posting.company, posting.location)
        return context

    def add(self, posting_id: str, company: str, location: Location) -> None:
        """Count where a posting's qualifiers place shared city names."""
        company_key = _company_key(company)
        for key, country in location.placed:
            by_country = self.sources.setdefault(key, {})
            by_country.setdefault(country, set()).add(company_key or f"id {posting_id}")
            if company_key:  # postings without a company share no company evidence
                tally = self.companies.setdefault(company_key, {})
                tally.setdefault(key, Counter())[country] += 1

    def place(self, posting: Posting) -> Posting:
        """The posting with its guessed cities placed by the evidence, when there is any."""
        location = posting.location
        if not location.guessed:
            return posting
        company = self.companies.get(_company_key(posting.company), {})
        known = {
            key: country
            for key in location.guessed
            if (country := _most_said(company.get(key), 1) or self._build_says(key))
        }
        if not known:
            return posting
        countries = normalize_location(location.raw, location.workplace, known).countries
        if countries == location.countries:
            return posting
        return replace(posting, location=replace(location, countries=countries))

    def _build_says(self, key: str) -> str:
        by_country = self.sources.get(key, {})
        tally = Counter({country: len(found) for country, found in by_country.items()})
        return _most_said(tally, MIN_SOURCES)


def _most_said(tally: Counter[str] | None, at_least: int) -> str:
    """The country most mentions give, if at least `at_least` do; "" when two give as many."""
    ranked = tally.most_common(2) if tally else []
    if not ranked or ranked[0][1] < at_least:
        return ""
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return ""
    return ranked[0][0]


def _company_key(company: str) -> str:
    return " ".join(company.casefold().split())
