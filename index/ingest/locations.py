"""Free-text locations ("US,Remote", "London, UK (Hybrid)", "TELECOMMUTE Tashkent") → `Location`.

Employers write locations every way: lists of ISO names, "City, ST", state codes before cities
("CA San Francisco"), workplace words mixed in. Known names (countries, states, provinces, cities,
regions; see `index.countries`) are found by longest match, so "Congo, The Democratic Republic of
the" and "New Mexico" are not read as "Congo" and "Mexico". Then:

- A two-letter code after "City, " is read in that city's context: "San Francisco, CA" is
  California, so US; "Toronto, ON" is Ontario; "Berlin, DE" is Germany; so is an ISO alpha-3
  code ("Valencia, ESP"). Alone, a two-letter code counts only when it cannot be a US state or
  Canadian province ("MX", "NZ"); a lone "CA" or alpha-3 code ("AND", "PER") is ignored.
- A city name several countries share, with no qualifier, is the one in a country the text
  names ("Remote, Costa Rica, San Jose"), else the most populous, marked as guessed so the build
  can place it better (`index.ingest.place_context`).
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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from index.ingest.cities import countries_with_city
from index.ingest.countries import country_tables, fold, name_key
from index.ingest.place_names import ISO_ONLY, Found, Place, find_places, gazetteer, place_of
from index.ingest.workplace import HYBRID_WORDS, ONSITE_WORDS, REMOTE_WORDS, workplace_in_words
from index.models import Location, Workplace

_QUALIFIERS = ("code", "country", "subdivision", "georgia")
_LONGER_NAME = re.compile(r"[ \t-]+[^\W\d_][^\s,;|/()]*(?:[ \t-]+[^\W\d_][^\s,;|/()]*){0,3}\s*,\s*")
# two-letter codes that are words or US/Canadian codes: never a country on their own
_WORDLIKE_CODES = set(
    "AI AM AQ AS AT BE BS BV CV HR IO IS IT ME MY NO PM PR QA SA SO TO TV UM".split()
)


def _wordlike_code(code: str) -> bool:
    tables = country_tables()
    return code in _WORDLIKE_CODES or code in tables.us_states or code in tables.ca_provinces


_WORLDWIDE = re.compile(r"\b(?:worldwide|world wide|anywhere|global(?:ly)?|international)\b")
_WORKPLACE_WORDS = re.compile(
    REMOTE_WORDS.pattern + "|" + HYBRID_WORDS.pattern + "|" + ONSITE_WORDS.pattern + r"|\bonly\b"
)
_CITY_LIKE = re.compile(r"[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_]+){0,3}\.?")
_NOT_CITIES = "office|office location|other|various|multiple locations|select locations|hq|home"
_NOT_CITIES += "|headquarters|any|all|all cities|any city|location|locations|tbd|n/a|flexible|first"
_NOT_CITY_SET = set((_NOT_CITIES + "|job|jobs|position").split("|"))


def country_name(code: str) -> str:
    """Display name for an ISO alpha-2 code ("US" -> "United States"); unknown codes as given."""
    return country_tables().names.get(code.upper(), code)


def regions_containing(code: str) -> tuple[str, ...]:
    """Canonical names of the regions that include a country, sorted: "DE" -> ("EMEA", "Europe")."""
    code = code.upper()
    members = country_tables().region_countries.items()
    return tuple(sorted(name for name, countries in members if code in countries))


def normalize_location(
    raw: str | None,
    workplace_hint: Workplace = Workplace.UNKNOWN,
    known: Mapping[str, str] | None = None,
) -> Location:
    """Countries, cities and regions (each in order of appearance) and workplace from free text.

    `known` maps the name key of a city several countries have ("santa clara") to the country
    the rest of the build places it in when it says (`index.ingest.place_context`)."""
    text = (raw or "").strip()
    if not text:
        return Location(raw="", workplace=workplace_hint)
    folded = fold(text)
    matches = _read_in_context(text, find_places(text))
    named = _countries_named(matches)
    countries: list[str] = []
    cities: dict[str, str] = {}  # casefolded -> first spelling, in order of appearance
    regions: dict[str, None] = {}  # canonical names, in order of appearance
    guessed: list[str] = []  # shared city names placed without the text saying where
    placed: list[tuple[str, str]] = []  # shared city names a qualifier placed
    prev: Place | None = None  # the previous match
    prev_end = 0  # where it ended
    prev_key = ""  # its name key
    for i, (start, end, place) in enumerate(matches):
        kind, code, display = place
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        after_city = (
            prev is not None and prev[0] == "city" and _comma_between(text, prev_end, start)
        )
        key = name_key(text[start:end])
        if kind == "city":
            cities.setdefault(display.casefold(), display)
            qualified = (
                nxt is not None and nxt[2][0] in _QUALIFIERS and _comma_between(text, end, nxt[0])
            )
            # "Toronto, ON": the qualifier that follows names the country
            code, guess = ("", False) if qualified else _city_country(key, code, named, known)
            guessed += [key] if guess else []
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
                elif code not in country_tables().names or _wordlike_code(code):
                    code = ""
            elif kind == "georgia" and (city_country == "US" or unknown or "US" in countries):
                code = "US"
            if code and unknown:
                cities.setdefault(unknown.casefold(), unknown)
            rivals = countries_with_city(prev_key) if after_city else set()
            if len(rivals) > 1 and code in rivals:  # "Santa Clara, CA": evidence for the build
                placed.append((prev_key, code))
        if kind != "region":
            countries.append(code)
        prev_end, prev, prev_key = end, place, key
    worldwide = bool(_WORLDWIDE.search(folded)) and not (any(countries) or cities or regions)
    return Location(
        raw=text,
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        cities=tuple(cities.values()),
        regions=tuple(regions),
        workplace=_workplace(folded, worldwide) or workplace_hint,
        worldwide=worldwide,
        guessed=tuple(dict.fromkeys(guessed)),
        placed=tuple(dict.fromkeys(placed)),
    )


def _countries_named(matches: list[Found]) -> list[str]:
    """The countries a text names outright or through a state or province, in order."""
    kinds = ("country", "subdivision")
    return list(dict.fromkeys(code for _, _, (kind, code, _) in matches if kind in kinds))


def _city_country(
    key: str, default: str, named: list[str], known: Mapping[str, str] | None
) -> tuple[str, bool]:
    """The country of a city no qualifier follows, and whether it was guessed: a name several
    countries have is placed in the country the same text names ("Remote, Costa Rica, San
    Jose"), else where `known` says the build places it, else in the most populous one's."""
    rivals = countries_with_city(key)
    if len(rivals) < 2:
        return default, False
    in_text = [code for code in named if code in rivals]
    if in_text:
        return (default if default in in_text else in_text[0]), False
    chosen = (known or {}).get(key, default)
    return (chosen if chosen in rivals else default), True


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
                for region, countries in country_tables().region_countries.items()
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
        (Workplace.REMOTE, REMOTE_WORDS),
        (Workplace.HYBRID, HYBRID_WORDS),
        (Workplace.ONSITE, ONSITE_WORDS),
    ):
        if pattern.fullmatch(key) or (
            workplace is Workplace.ONSITE and key in ("office", "onsite", "on-site")
        ):
            return LocationFilter("workplace", workplace.value)
    if len(cleaned) == 2 and cleaned.upper() in country_tables().names:
        return LocationFilter("country", cleaned.upper())
    place = gazetteer().short.get(cleaned.upper()) or place_of(name_key(cleaned))
    if place is None:
        return LocationFilter("city", cleaned.casefold())
    kind, code, display = place
    if kind == "city":
        return LocationFilter("city", display.casefold())
    if kind == "region":
        return LocationFilter("region", code, country_tables().region_countries[code])
    return LocationFilter("country", code)


@dataclass(frozen=True)
class PlaceMention:
    start: int  # character offsets in the text searched
    end: int
    place: LocationFilter


def places_named(text: str) -> list[PlaceMention]:
    """Known places named in free text, in order: countries, regions, cities (a US state or
    province stands for its country). Unlike a filter value, an unknown word is never taken for
    a city, and an ambiguous two-letter code ("CA") is skipped: this reads prose. A state,
    province, code or country right after a city and a comma says where the city is, so it
    belongs to the city's mention ("Austin, TX") rather than naming a place of its own."""
    mentions: list[PlaceMention] = []
    after_city = False
    for start, end, (kind, code, display) in find_places(text):
        if after_city and kind in _QUALIFIERS and _comma_between(text, mentions[-1].end, start):
            mentions[-1] = PlaceMention(mentions[-1].start, end, mentions[-1].place)
            after_city = False
            continue
        after_city = kind == "city"
        if kind == "code" or not code or (kind == "subdivision" and display == ISO_ONLY):
            continue
        if kind == "city":
            place = LocationFilter("city", display.casefold())
        elif kind == "region":
            place = LocationFilter("region", code, country_tables().region_countries[code])
        else:
            place = LocationFilter("country", code)
        mentions.append(PlaceMention(start, end, place))
    return mentions


def _read_in_context(text: str, matches: list[Found]) -> list[Found]:
    """Names read in the light of their neighbours (see `_read_one`)."""
    out: list[Found] = []
    for i, match in enumerate(matches):
        before = matches[i - 1] if i else None
        after = matches[i + 1] if i + 1 < len(matches) else None
        read = _read_one(text, match, before, after)
        if read is not None:
            out.append(read)
    return out


def _read_one(text: str, match: Found, before: Found | None, after: Found | None) -> Found | None:
    """- A city name right after another city and a comma, before a country (or at the end, when
      the city it names lies elsewhere), is that city's subdivision if it can be one
      ("Melbourne, Victoria, Australia"; but "Portland, New York" lists two cities).
    - A subdivision name qualified by another country that has a city of that name is that
      city ("Victoria, BC" is Victoria, Canada, not the Australian state).
    - A city followed by more words before a qualifier is only the start of an unknown city's
      name ("Englewood Cliffs, NJ"): None, so the whole name is read as a city before a
      qualifier."""
    start, end, (kind, code, display) = match
    name = name_key(text[start:end])
    state = country_tables().subdivisions.get(name)
    if (
        kind == "city"
        and before is not None
        and before[2][0] == "city"
        and _comma_between(text, before[1], start)
        and state == before[2][1]
        and (after[2][0] in ("country", "code") if after else code != state)
    ):
        return (start, end, ("subdivision", state, ""))
    if after is None or after[2][0] not in _QUALIFIERS:
        return match
    gap = text[end : after[0]]
    other = after[2][1]
    if after[2][0] == "code":
        other = _code_in_context(other, code)
    by_code = after[2][0] in ("code", "subdivision")  # not in a list of countries
    if kind == "subdivision" and by_code and other != code and other in countries_with_city(name):
        return (start, end, ("city", "", text[start:end]))
    if kind == "city" and _LONGER_NAME.fullmatch(gap) and not _WORKPLACE_WORDS.search(fold(gap)):
        return None
    return match


def _code_in_context(code: str, city_country: str) -> str:
    """A code after a city: that city's own country, else a US state, a province, a country."""
    tables = country_tables()
    code = tables.alpha3.get(code, code)  # "Valencia, ESP"
    if code == city_country:
        return code
    if code in tables.us_states:
        return "US"
    if code in tables.ca_provinces:
        return "CA"
    return code if code in tables.names else ""


def _comma_between(text: str, start: int, end: int) -> bool:
    gap = text[start:end]
    return "," in gap and not gap.replace(",", "").strip()


def _city_before(text: str, start: int, prev_end: int, prev_place: Place | None) -> str | None:
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
    return Workplace.REMOTE if worldwide else workplace_in_words(folded)
