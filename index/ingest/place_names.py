"""Finding the places a text names: one lookup over countries, regions, subdivisions and cities
(`index.ingest.countries`, `index.ingest.cities`), and a scan that finds the longest known name
at each word, so "Congo, The Democratic Republic of the" and "New Mexico" are not read as
"Congo" and "Mexico".

When a name is several kinds of place, a country or region wins ("Armenia" is not the city in
Colombia); between a subdivision and a city, the city wins when it lies in that subdivision's
country ("Berlin", "Hamburg", "São Paulo"), except that a US state or Canadian province wins
over any city of under a million people ("Washington", "Ontario"; "New York" is the city).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from index.ingest.cities import city_table
from index.ingest.countries import country_tables, fold, name_key
from index.ingest.regions import SHORT_SPELLINGS

# (kind, country code or canonical region name, city display name); kind is "city",
# "country", "subdivision", "region", "code", or "georgia" (the country or the US state)
Place = tuple[str, str, str]
Found = tuple[int, int, Place]  # start, end (character offsets), place
_BIG_CITY_OVER_STATE = 1_000_000
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # name key -> place, for names matched on folded text
    short: dict[str, Place]  # abbreviation as written ("US", "NYC") -> place
    longest: int  # words in the longest name
    codes: re.Pattern[str]  # abbreviations and two-letter codes, on the raw text


@cache
def gazetteer() -> Gazetteer:
    """Built once, on first use."""
    tables = country_tables()
    cities = city_table()
    keys = {*tables.aliases, *tables.region_names, *tables.subdivisions, *cities}
    places = {key: place for key in keys if (place := _reading(key)) is not None}
    short = {s: p for s in SHORT_SPELLINGS.split() if (p := places.get(name_key(s))) is not None}
    for spelling in short:
        places.pop(name_key(spelling), None)  # "us" and "sf" stay words
    places = {key: place for key, place in places.items() if len(key) > 2}
    codes = re.compile(
        r"(?<![A-Za-z.])(?:"
        + "|".join(map(re.escape, sorted(short, key=len, reverse=True)))
        + r"|[A-Z]{2})(?![A-Za-z])"
    )
    longest = max(len(key.split()) for key in places)
    return Gazetteer(places, short, longest, codes)


def place_of(key: str) -> Place | None:
    """The place a name key reads as, short ones ("usa") included."""
    return gazetteer().places.get(key) or _reading(key)


def _reading(key: str) -> Place | None:
    tables = country_tables()
    city = city_table().get(key)
    if key in tables.aliases and key in tables.subdivisions:  # Georgia
        return ("georgia", tables.aliases[key], "")
    if key in tables.aliases:
        return ("country", tables.aliases[key], "")
    if key in tables.region_names:
        return ("region", tables.region_names[key], "")
    state = tables.subdivisions.get(key)
    if city is not None and state is not None:
        if state in ("US", "CA"):
            city = city if city.population >= _BIG_CITY_OVER_STATE else None
        elif city.country != state:
            city = None
    if city is not None:
        return ("city", city.country, city.name)
    if state is not None:
        return ("subdivision", state, "")
    return None


def find_places(text: str) -> list[Found]:
    """Known names by longest match, in text order; codes match case-sensitively on the raw
    text ("US", "CA"), names on the folded text."""
    found_names = gazetteer()
    words = [m.span() for m in _WORD.finditer(fold(text))]
    folded = fold(text)
    found: list[Found] = []
    i = 0
    while i < len(words):
        for n in range(min(found_names.longest, len(words) - i), 0, -1):
            key = " ".join(folded[s:e] for s, e in words[i : i + n])
            place = found_names.places.get(key)
            if place is not None:
                found.append((words[i][0], words[i + n - 1][1], place))
                i += n
                break
        else:
            i += 1
    for m in found_names.codes.finditer(text):
        place = found_names.short.get(m.group()) or ("code", m.group(), "")
        found.append((m.start(), m.end(), place))
    kept: list[Found] = []
    for item in sorted(found, key=lambda f: (f[0], -f[1])):
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept
