"""Keyword filters: what the caller typed → the normalized facet keys the catalog files under.

Each field may repeat: OR within a field, AND across fields. Values match case-insensitively on
normalized values ("golang" is Go, "USA" is US, "onsite" is on-site). The workplace is its own
field, so `workplace=remote&location=germany` is remote jobs open to Germany; a workplace given
as a location (`location=remote`) still filters by workplace, but ORed with the other
locations, as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.ingest.languages import KNOWN_LANGUAGES, canonical_language
from index.ingest.locations import resolve_location_filter
from index.ingest.workplace import WORKPLACE_ALIASES, WORKPLACE_LABELS, workplace_value
from index.models import FacetKey, Level
from search.errors import InvalidFilterError


@dataclass(frozen=True)
class Filters:
    teams: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    workplaces: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.teams or self.locations or self.languages or self.levels or self.workplaces
        )


def facet_conditions(filters: Filters) -> dict[str, list[FacetKey]]:
    """Groups of facet keys: a posting must match one key of every group."""
    return {
        field: list(dict.fromkeys(key for keys in by_value.values() for key in keys))
        for field, by_value in keys_by_value(filters).items()
    }


def keys_by_value(filters: Filters) -> dict[str, dict[str, list[FacetKey]]]:
    """For each filtered field, each value the caller gave and the facet keys it stands for."""
    out: dict[str, dict[str, list[FacetKey]]] = {}
    if filters.teams:
        out["team"] = {v: [("team", _clean("team", v).casefold())] for v in filters.teams}
    if filters.locations:
        out["location"] = {v: location_keys(v) for v in filters.locations}
    if filters.languages:
        out["language"] = {v: [("language", language_key(v))] for v in filters.languages}
    if filters.levels:
        out["level"] = {v: [("level", level_key(v))] for v in filters.levels}
    if filters.workplaces:
        out["workplace"] = {v: [("workplace", workplace_key(v))] for v in filters.workplaces}
    return out


def workplace_key(value: str) -> str:
    workplace = workplace_value(_clean("workplace", value))
    if workplace is None:
        canonical = [w.value for w in WORKPLACE_LABELS]
        aliases = [a for a in WORKPLACE_ALIASES if a not in canonical]
        known = f"{', '.join(canonical)} (also {', '.join(aliases)})"
        raise InvalidFilterError("workplace", f"unknown workplace {value!r}; known: {known}")
    return workplace.value


# Words a caller may use for a level besides its own name.
LEVEL_ALIASES = {
    "internship": Level.INTERN,
    "junior": Level.ENTRY,
    "entry-level": Level.ENTRY,
    "graduate": Level.ENTRY,
    "new-grad": Level.ENTRY,
    "mid-level": Level.MID,
    "principal": Level.STAFF,
    "lead": Level.STAFF,
    "head": Level.DIRECTOR,
    "vp": Level.DIRECTOR,
    "executive": Level.DIRECTOR,
}


def level_key(value: str) -> str:
    cleaned = _clean("level", value).casefold().replace(" ", "-")
    level = LEVEL_ALIASES.get(cleaned) or next((lv for lv in Level if lv.value == cleaned), None)
    if level is None:
        known = ", ".join(lv.value for lv in Level)
        raise InvalidFilterError("level", f"unknown level {value!r}; known: {known}")
    return level.value


def language_key(value: str) -> str:
    canonical = canonical_language(_clean("language", value))
    if canonical is None:
        known = ", ".join(KNOWN_LANGUAGES)
        raise InvalidFilterError("language", f"unknown language {value!r}; known: {known}")
    return canonical.casefold()


def location_keys(value: str) -> list[FacetKey]:
    try:
        resolved = resolve_location_filter(_clean("location", value))
    except ValueError as exc:
        raise InvalidFilterError("location", str(exc)) from exc
    return resolved.facet_keys()


def _clean(field: str, value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidFilterError(field, "empty filter value")
    return cleaned
