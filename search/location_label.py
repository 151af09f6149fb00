"""A posting's location short enough for one line of a result: "Africa · 54 countries", not the
54 names. Postings written for a whole region often list every country in it; a reader wants
the region and the count (the full list stays in the posting and in `locations.countries`).
"""

from __future__ import annotations

from index.ingest.countries import country_tables
from index.ingest.locations import country_name, regions_containing
from index.models import Location

MANY_COUNTRIES = 5  # more than this many countries are grouped by region
MAX_GROUPS = 3  # groups shown before "+ N more countries"


def location_label(location: Location, many: int = MANY_COUNTRIES) -> str:
    """The posting's own words when it names few countries; else its countries grouped under
    the smallest region holding each, the largest groups first."""
    if len(location.countries) <= many:
        return location.raw
    groups: dict[str, list[str]] = {}
    for code in location.countries:
        groups.setdefault(_smallest_region(code) or code, []).append(code)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))  # stable: first seen first
    shown = [(name, codes) for name, codes in ordered if len(codes) > 1][:MAX_GROUPS]
    parts = [f"{name} · {len(codes)} countries" for name, codes in shown]
    if not parts:  # every country in a region of its own: the first few by name
        parts = [country_name(code) for code in location.countries[:MAX_GROUPS]]
    rest = (
        len(location.countries)
        - sum(len(codes) for _, codes in shown)
        - (0 if shown else len(parts))
    )
    if rest:
        parts.append(f"{rest} more {'country' if rest == 1 else 'countries'}")
    return ", ".join(parts)


def _smallest_region(code: str) -> str | None:
    """The region with the fewest countries among those containing `code` ("DE" → "Europe",
    not "EMEA"), or None for a country in no region."""
    regions = regions_containing(code)
    members = country_tables().region_countries
    return min(regions, key=lambda name: len(members[name])) if regions else None
