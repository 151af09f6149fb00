"""Finding the places a text names: one lookup over countries, regions, subdivisions and cities
(`index.ingest.countries`, `index.ingest.cities`), and a scan that finds the longest known name
at each word, so "Congo, The Democratic Republic of the" and "New Mexico" are not read as
"Congo" and "Mexico".

When a name is several kinds of place, a country or region wins ("Armenia" is not the city in
Colombia); between a subdivision and a city, the city wins ("Berlin", "Hamburg", "Manchester"
rather than the Jamaican parish), except that a US state, a Canadian province or a place of
our own spelling wins over any city of under a million people ("Washington", "Ontario", "Bay
Area"; "New York" is the city), and any subdivision over a city of under 250,000 people named
so only by an alternate name ("Rio Grande do Sul" is the state; "Lisboa" and "Wien" the cities). Where a name
stands after a city and a comma, `index.ingest.locations` reads it as a subdivision if it can
be one ("Melbourne, Victoria").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index.ingest import place_store
from index.ingest.cities import city_table, is_alternate_name
from index.ingest.cities import tables as cities_tables
from index.ingest.countries import country_tables, fold, name_key
from index.ingest.regions import SHORT_SPELLINGS

# (kind, country code or canonical region name, city display name); kind is "city",
# "country", "subdivision", "region", "code", or "georgia" (the country or the US state).
# A subdivision's third part is ISO_ONLY when it is neither a US state, a Canadian province nor
# one of our spellings: text about a job names those, prose seldom means them ("Unity").
Place = tuple[str, str, str]
ISO_ONLY = "iso"
Found = tuple[int, int, Place]  # start, end (character offsets), place
PLACES_CACHE = "places"  # the place tables' folder in the cache directory (JOBSEARCH_CACHE_DIR)
_BIG_CITY_OVER_STATE = 1_000_000
_BIG_CITY_OVER_ISO = 250_000  # "Lisboa", "Wien": the city, though only an alternate name
_WORD = re.compile(r"[^\W_]+")
_SUBDIVISION_WORDS = (
    "region|oblast|province|state|county|district|prefecture|governorate|voivodeship|department"
)
_SUFFIX = re.compile(
    rf"\.?(?:[ \t-]+(?:city|metro(?:politan)?|area|{_SUBDIVISION_WORDS}))+\b", re.IGNORECASE
)
_SUBDIVISION_WORD = re.compile(rf"\b(?:{_SUBDIVISION_WORDS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # name key -> place, for names matched on folded text
    short: dict[str, Place]  # abbreviation as written ("US", "NYC") -> place
    longest: dict[str, int]  # a name's first word -> words in the longest name it starts
    codes: re.Pattern[str]  # abbreviations, two- and three-letter ISO codes, on the raw text


@cache
def gazetteer() -> Gazetteer:
    """Loaded from the place tables' file (`index.ingest.place_store`) or built, once."""
    found = place_store.preloaded("gazetteer")
    return found if isinstance(found, Gazetteer) else _build_gazetteer()


def warm_places(directory: Path | None = None) -> None:
    """Make the place tables a server or a rebuild needs ready in this process: read from their
    files in `directory` (PLACES_CACHE in the cache directory) when it has them for this code
    and data, else built and stored there for the next process."""
    if directory is None:
        gazetteer()
        return
    place_store.use(directory)
    if not place_store.missing(directory, _TABLE_NAMES):
        gazetteer()  # and the country tables: what a query reads; the city table when asked
        return
    tables = {"countries": country_tables(), "cities": cities_tables(), "gazetteer": gazetteer()}
    place_store.save(directory, tables)


_TABLE_NAMES = ("countries", "cities", "gazetteer")


def _build_gazetteer() -> Gazetteer:
    tables = country_tables()
    cities = city_table()
    keys = {*tables.aliases, *tables.region_names, *tables.subdivisions, *cities}
    places = {key: place for key in keys if (place := _reading(key)) is not None}
    short = {s: p for s in SHORT_SPELLINGS.split() if (p := places.get(name_key(s))) is not None}
    for spelling in short:
        places.pop(name_key(spelling), None)  # "us" and "sf" stay words
    places = {key: place for key, place in places.items() if len(key) > 2}
    spelled = sorted(short, key=len, reverse=True) + sorted(tables.alpha3)
    codes = re.compile(
        r"(?<![A-Za-z.])(?:" + "|".join(map(re.escape, spelled)) + r"|[A-Z]{2})(?![A-Za-z])"
    )
    longest: dict[str, int] = {}
    for key in places:
        words = key.split()
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
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
        if key in tables.named_subdivisions:  # a US state, a province or one of ours
            big = state in ("US", "CA") and city.population >= _BIG_CITY_OVER_STATE
            city = city if big else None
        elif is_alternate_name(key) and city.population < _BIG_CITY_OVER_ISO:
            city = None  # "Rio Grande do Sul" is the state, not an old name of Rio Grande
    if city is not None:
        return ("city", city.country, city.name)
    if state is not None:
        return ("subdivision", state, "" if key in tables.named_subdivisions else ISO_ONLY)
    return None


def find_places(text: str) -> list[Found]:
    """Known names by longest match, in text order; codes match case-sensitively on the raw
    text ("US", "CA"), names on the folded text."""
    found_names = gazetteer()
    folded = fold(text)
    words = [m.span() for m in _WORD.finditer(folded)]
    tokens = [folded[s:e] for s, e in words]
    found: list[Found] = []
    i = 0
    while i < len(words):
        longest = found_names.longest.get(tokens[i], 0)
        for n in range(min(longest, len(words) - i), 0, -1):
            key = " ".join(tokens[i : i + n])
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
            kept.append(_with_suffix(text, item))
    return kept


def _with_suffix(text: str, item: Found) -> Found:
    """A name with the generic words that follow it: "Kyiv city", "DC Metro Area", and "Callao
    Region" or "Kirovohrad Oblast", which make a subdivision of what reads as a city alone."""
    start, end, (kind, code, display) = item
    suffix = _SUFFIX.match(text, end)
    if suffix is None or kind not in ("city", "subdivision", "georgia"):
        return item
    if kind == "city" and _SUBDIVISION_WORD.search(suffix.group()):
        return (start, suffix.end(), ("subdivision", code, ISO_ONLY))
    return (start, suffix.end(), (kind, code, display))
