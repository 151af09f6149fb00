"""Check search parameters against the configured limits, naming the field that is off."""

from __future__ import annotations

from api.errors import FieldError
from api.schemas import FilterParams
from index.settings import Settings
from search.filters import Filters
from search.service import SearchRequest


def search_request(
    settings: Settings,
    q: str,
    params: FilterParams,
    diversify_team: int = 0,
    spellcheck: bool = True,
) -> SearchRequest:
    """The service's request, once every parameter is within the limits (GET, POST, similar)."""
    team, location, language, level = params.team, params.location, params.language, params.level
    workplace = params.workplace
    limit, offset = params.limit, params.offset
    if len(q) > settings.max_query_chars:
        raise FieldError("q", f"at most {settings.max_query_chars} characters (got {len(q)})")
    if not 1 <= limit <= settings.max_limit:
        raise FieldError("limit", f"must be between 1 and {settings.max_limit} (got {limit})")
    if not 0 <= diversify_team <= limit:
        raise FieldError(
            "diversify_team", f"must be between 0 (off) and limit ({limit}), got {diversify_team}"
        )
    if not 0 <= offset <= settings.max_offset:
        raise FieldError("offset", f"must be between 0 and {settings.max_offset} (got {offset})")
    if diversify_team and offset % limit:
        raise FieldError(
            "offset",
            f"must be a multiple of limit ({limit}) with diversify_team, which works on whole "
            f"pages (got {offset})",
        )
    fields = (
        ("team", team),
        ("location", location),
        ("language", language),
        ("level", level),
        ("workplace", workplace),
    )
    for name, values in fields:
        if len(values) > settings.max_filter_values:
            raise FieldError(
                name, f"at most {settings.max_filter_values} values (got {len(values)})"
            )
        for value in values:
            if len(value) > 200:
                raise FieldError(name, "a filter value is at most 200 characters")
    filters = Filters(tuple(team), tuple(location), tuple(language), tuple(level), tuple(workplace))
    return SearchRequest(
        query=q.replace("\x00", " "),
        filters=filters,
        limit=limit,
        offset=offset,
        facets=True,
        per_team=diversify_team,
        spellcheck=spellcheck,
    )
