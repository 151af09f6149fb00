"""Free-text locations ("US,Remote", "London, UK (Hybrid)", "TELECOMMUTE Tashkent") → `Location`.

Employers write locations every way: lists of ISO names, "City, ST", state codes before cities
("CA San Francisco"), workplace words mixed in. Known names (countries, states, provinces, cities,
regions; see `index.countries`) are found by longest match, so "Congo, The Democratic Republic of
the" and "New Mexico" are not read as "Congo" and "Mexico". Then:

- A two-letter code after "City, " is read in that city's context: "San Francisco, CA" is
  California, so US; "Toronto, ON" is Ontario; "Berlin, DE" is Germany. Alone, a code counts only
  when it cannot be a US state or Canadian province ("MX", "NZ"); a lone "CA" is ignored.
- An unknown name before ", <state/country>" is a city: "Pittsburgh, PA" → Pittsburgh, US.
- Regions go to `Location.regions` under their canonical names, in order of appearance: "Europe",
  "EMEA", "Middle East", "Africa", "Asia", "APAC", "Oceania", "North America", "LATAM",
  "Americas" (aliases such as "Latin America", "AMER", "EU", "DACH" read as one of these; see
  `index.countries`). They add no country: listing every country of EMEA would claim more than
  the employer did.
- Workplace: the most flexible option named wins (remote > hybrid > on-site), since "Hybrid or
  Remote" is open to remote candidates; with none named, the ATS hint; "Anywhere"/"Worldwide" with
  no country or region is remote and `worldwide`.

Location *filters* (`resolve_location_filter`) mean "jobs a person in that place can take". A
posting is filed under ("country", code), ("city", name), ("region", name) and ("workplace", ...)
keys, plus ("worldwide", "yes") when open to anyone anywhere (values casefolded), and a filter
matches a posting sharing any of its `facet_keys()`:

- a country matches postings in that country, in any region containing it (`regions_containing`)
  and worldwide ones: "germany" -> ("country", "de"), ("region", "emea"), ("region", "europe"),
  ("worldwide", "yes");
- a region matches postings open to some place in it: the region itself, every region
  overlapping it (a person in Europe can take an EMEA job, and an EMEA filter finds Europe jobs),
  each of its countries, and worldwide postings;
- a city matches only postings naming that city: someone filtering by a city wants that city, not
  every remote job in its country;
- a workplace ("remote", "hybrid", "on-site") matches that workplace only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.ingest.countries import (
    CA_PROVINCES,
    CITIES,
    COUNTRY_ALIASES,
    COUNTRY_NAMES,
    REGION_COUNTRIES,
    REGION_NAMES,
    SUBDIVISIONS,
    US_STATES,
    fold,
)
from index.models import Location, Workplace

_Place = tuple[str, str, str]  # (kind, country code or canonical region name, city display name)


def _place(key: str) -> _Place | None:
    if key in CITIES:
        return ("city", CITIES[key][1], CITIES[key][0])
    if key in COUNTRY_ALIASES and key in SUBDIVISIONS:  # Georgia: the country or the US state
        return ("georgia", COUNTRY_ALIASES[key], "")
    if key in COUNTRY_ALIASES:
        return ("country", COUNTRY_ALIASES[key], "")
    if key in SUBDIVISIONS:
        return ("subdivision", SUBDIVISIONS[key], "")
    if key in REGION_NAMES:
        return ("region", REGION_NAMES[key], "")
    return None


# abbreviations are matched case-sensitively on the raw text, so "us" and "sf" stay words
_SHORT_SPELLINGS = (
    "US U.S. USA U.S.A. UK U.K. UAE U.A.E. GBR MEX CAN KSA RSA PRC DRC EU EEA CET CEE"
)
_SHORT_SPELLINGS += " ANZ NSW NYC SF CDMX"
_SHORT = {s: p for s in _SHORT_SPELLINGS.split() if (p := _place(fold(s))) is not None}
_LONG_NAMES = {*CITIES, *COUNTRY_ALIASES, *SUBDIVISIONS, *REGION_NAMES} - {fold(s) for s in _SHORT}
_NAMES_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(map(re.escape, sorted(_LONG_NAMES, key=len, reverse=True)))
    + r")(?!\w)"
)
_CODES_RE = re.compile(
    r"(?<![A-Za-z.])(?:"
    + "|".join(map(re.escape, sorted(_SHORT, key=len, reverse=True)))
    + r"|[A-Z]{2})(?![A-Za-z])"
)
_QUALIFIERS = ("code", "country", "subdivision", "georgia")
# two-letter codes that are words or US/Canadian codes: never a country on their own
_WORDLIKE_CODES = set(
    "AI AM AQ AS AT BE BS BV CV HR IO IS IT ME MY NO PM PR QA SA SO TO TV UM".split()
)
_WORDLIKE_CODES |= set(US_STATES) | set(CA_PROVINCES)

_REMOTE = re.compile(
    r"\b(?:remote(?:ly)?|telecommut\w*|work(?:ing)? from home|wfh|home[- ]based|home office"
    r"|anywhere|distributed|worldwide|world wide|virtual)\b"
)
_HYBRID = re.compile(r"\bhybrid\b")
_ONSITE = re.compile(r"\b(?:on[- ]?site|in[- ]office|in[- ]person|office[- ]based)\b")
_WORLDWIDE = re.compile(r"\b(?:worldwide|world wide|anywhere|global(?:ly)?|international)\b")
_WORKPLACE_WORDS = re.compile(
    _REMOTE.pattern + "|" + _HYBRID.pattern + "|" + _ONSITE.pattern + r"|\bonly\b"
)
_CITY_LIKE = re.compile(r"[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_]+){0,3}\.?")
_NOT_CITIES = "office|office location|other|various|multiple locations|select locations|hq|home"
_NOT_CITIES += "|headquarters|any|all|all cities|any city|location|locations|tbd|n/a|flexible|first"
_NOT_CITY_SET = set((_NOT_CITIES + "|job|jobs|position").split("|"))


def country_name(code: str) -> str:
    """Display name for an ISO alpha-2 code ("US" -> "United States"); unknown codes as given."""
    return COUNTRY_NAMES.get(code.upper(), code)


def regions_containing(code: str) -> tuple[str, ...]:
    """Canonical names of the regions that include a country, sorted: "DE" -> ("EMEA", "Europe")."""
    code = code.upper()
    return tuple(sorted(name for name, members in REGION_COUNTRIES.items() if code in members))


def normalize_location(raw: str | None, workplace_hint: Workplace = Workplace.UNKNOWN) -> Location:
    """Countries, cities and regions (each in order of appearance) and workplace from free text."""
    text = (raw or "").strip()
    if not text:
        return Location(raw="", workplace=workplace_hint)
    folded = fold(text)
    matches = _find_places(text, folded)
    countries: list[str] = []
    cities: dict[str, str] = {}  # casefolded -> first spelling, in order of appearance
    regions: dict[str, None] = {}  # canonical names, in order of appearance
    prev: _Place | None = None  # the previous match
    prev_end = 0  # where it ended
    for i, (start, end, place) in enumerate(matches):
        kind, code, display = place
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        after_city = (
            prev is not None and prev[0] == "city" and _comma_between(text, prev_end, start)
        )
        if kind == "city":
            cities.setdefault(display.casefold(), display)
            qualified = (
                nxt is not None and nxt[2][0] in _QUALIFIERS and _comma_between(text, end, nxt[0])
            )
            # "Toronto, ON": the qualifier that follows names the country
            countries.append("" if qualified else code)
        elif kind == "region":
            regions[code] = None
        else:
            unknown = None if after_city else _city_before(text, start, prev_end, prev)
            city_country = prev[1] if after_city and prev is not None else ""
            if kind == "code":
                if nxt is not None and nxt[2][0] == "city" and not text[end : nxt[0]].strip(" -–:"):
                    code = ""  # "CA San Francisco": the city says where
                elif after_city or unknown:
                    code = _code_in_context(code, city_country)
                elif code not in COUNTRY_NAMES or code in _WORDLIKE_CODES:
                    code = ""
            elif kind == "georgia" and (city_country == "US" or unknown or "US" in countries):
                code = "US"
            if code and unknown:
                cities.setdefault(unknown.casefold(), unknown)
            countries.append(code)
        prev_end, prev = end, place
    worldwide = bool(_WORLDWIDE.search(folded)) and not (any(countries) or cities or regions)
    return Location(
        raw=text,
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        cities=tuple(cities.values()),
        regions=tuple(regions),
        workplace=_workplace(folded, worldwide) or workplace_hint,
        worldwide=worldwide,
    )


@dataclass(frozen=True)
class LocationFilter:
    """A resolved location filter: a country, a city, a workplace or a region (see module doc)."""

    kind: Literal["country", "city", "workplace", "region"]
    value: str  # ISO code, casefolded city display name, Workplace value, or canonical region name
    countries: tuple[str, ...] = ()  # a region's countries

    def facet_keys(self) -> list[tuple[str, str]]:
        """(field, value) keys as the catalog files them; a posting under any of them matches.

        "germany" -> ("country", "de"), ("region", "emea"), ("region", "europe"), ("worldwide",
        "yes"); "Berlin" -> ("city", "berlin") alone; "remote" -> ("workplace", "remote").
        """
        if self.kind == "country":
            regions = regions_containing(self.value)
            return [
                ("country", self.value.casefold()),
                *(("region", region.casefold()) for region in regions),
                _WORLDWIDE_KEY,
            ]
        if self.kind == "region":
            members = set(self.countries)
            overlapping = [
                region
                for region, countries in REGION_COUNTRIES.items()
                if region != self.value and members.intersection(countries)
            ]
            return [
                ("region", self.value.casefold()),
                *(("region", region.casefold()) for region in sorted(overlapping)),
                *(("country", code.casefold()) for code in self.countries),
                _WORLDWIDE_KEY,
            ]
        return [(self.kind, self.value.casefold())]


_WORLDWIDE_KEY = ("worldwide", "yes")


def resolve_location_filter(value: str) -> LocationFilter:
    """A user's location filter ("usa", "Berlin", "remote", "EMEA") → what it matches.

    US states and Canadian provinces filter by their country (the index keeps no states); a word
    found in no table is taken as a city, so "Springfield" simply matches no posting.
    """
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError("empty location filter; give a country, a city, a region or 'remote'")
    key = fold(cleaned)
    for workplace, pattern in (
        (Workplace.REMOTE, _REMOTE),
        (Workplace.HYBRID, _HYBRID),
        (Workplace.ONSITE, _ONSITE),
    ):
        if pattern.fullmatch(key) or (
            workplace is Workplace.ONSITE and key in ("office", "onsite", "on-site")
        ):
            return LocationFilter("workplace", workplace.value)
    if len(cleaned) == 2 and cleaned.upper() in COUNTRY_NAMES:
        return LocationFilter("country", cleaned.upper())
    place = _SHORT.get(cleaned.upper()) or _place(key)
    if place is None:
        return LocationFilter("city", cleaned.casefold())
    kind, code, display = place
    if kind == "city":
        return LocationFilter("city", display.casefold())
    if kind == "region":
        return LocationFilter("region", code, REGION_COUNTRIES[code])
    return LocationFilter("country", code)


@dataclass(frozen=True)
class PlaceMention:
    start: int  # character offsets in the text searched
    end: int
    place: LocationFilter


def places_named(text: str) -> list[PlaceMention]:
    """Known places named in free text, in order: countries, regions, cities (a US state or
    province stands for its country). Unlike a filter value, an unknown word is never taken for
    a city, and an ambiguous two-letter code ("CA") is skipped: this reads prose."""
    mentions = []
    for start, end, (kind, code, display) in _find_places(text, fold(text)):
        if kind == "code" or not code:
            continue
        if kind == "city":
            place = LocationFilter("city", display.casefold())
        elif kind == "region":
            place = LocationFilter("region", code, REGION_COUNTRIES[code])
        else:
            place = LocationFilter("country", code)
        mentions.append(PlaceMention(start, end, place))
    return mentions


def _find_places(text: str, folded: str) -> list[tuple[int, int, _Place]]:
    """Known names by longest match, in text order; codes match case-sensitively on the raw text."""
    found: list[tuple[int, int, _Place]] = []
    for m in _NAMES_RE.finditer(folded):
        place = _place(m.group())
        if place is not None:
            found.append((m.start(), m.end(), place))
    for m in _CODES_RE.finditer(text):
        found.append((m.start(), m.end(), _SHORT.get(m.group()) or ("code", m.group(), "")))
    kept: list[tuple[int, int, _Place]] = []
    for item in sorted(found, key=lambda f: (f[0], -f[1])):
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


def _code_in_context(code: str, city_country: str) -> str:
    """A code after a city: that city's own country, else a US state, a province, a country."""
    if code == city_country:
        return code
    if code in US_STATES:
        return "US"
    if code in CA_PROVINCES:
        return "CA"
    return code if code in COUNTRY_NAMES else ""


def _comma_between(text: str, start: int, end: int) -> bool:
    gap = text[start:end]
    return "," in gap and not gap.replace(",", "").strip()


def _city_before(text: str, start: int, prev_end: int, prev_place: _Place | None) -> str | None:
    """An unknown city named right before a qualifier: "Pittsburgh" in "Pittsburgh, PA".

    In a chain ("Quezon City, National Capital Region, Philippines") the first name is the city.
    """
    head = text[prev_end:start]
    comma = re.search(r",\s*$", head)
    if comma is None:
        return None
    parts = re.split(r"[;|/()]|\s[-–]\s", head[: comma.start()])[-1].split(",")
    city = None
    for index in range(len(parts) - 1, -1, -1):
        candidate, opened = _without_workplace(parts[index])
        if not candidate:
            if (
                index == 0
                and prev_place is not None
                and prev_place[0] == "city"
                and not parts[0].strip()
            ):
                return None  # the chain starts at a known city: this name is a district or state
            break
        if not _CITY_LIKE.fullmatch(candidate) or fold(candidate) in _NOT_CITY_SET:
            break
        city = candidate
        if opened:
            break  # "TELECOMMUTE Tashkent": a workplace word opens this part
    return city


def _without_workplace(part: str) -> tuple[str, bool]:
    """The part without workplace words, and whether it had any ("TELECOMMUTE Tashkent")."""
    part = re.sub(r"(?i)^\s*(?:or|and|&)\s", "", part)
    spans = list(_WORKPLACE_WORDS.finditer(fold(part)))
    if not spans:
        return part.strip(" -–.:"), False
    return part[spans[-1].end() :].strip(" -–.:"), True


def _workplace(folded: str, worldwide: bool) -> Workplace | None:
    if _REMOTE.search(folded) or worldwide:
        return Workplace.REMOTE
    if _HYBRID.search(folded):
        return Workplace.HYBRID
    if _ONSITE.search(folded):
        return Workplace.ONSITE
    return None
