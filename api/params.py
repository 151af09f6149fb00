"""Check search parameters against the configured limits, naming the field that is off."""

from __future__ import annotations

from collections.abc import Sequence

from api.errors import FieldError
from index.settings import Settings
from search.filters import Filters
from search.service import SearchRequest


def search_request(
    settings: Settings,
    q: str,
    team: Sequence[str],
    location: Sequence[str],
    language: Sequence[str],
    limit: int,
    offset: int,
    diversify_team: int = 0,
) -> SearchRequest:
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
    for name, values in (("team", team), ("location", location), ("language", language)):
        if len(values) > settings.max_filter_values:
            raise FieldError(
                name, f"at most {settings.max_filter_values} values (got {len(values)})"
            )
        for value in values:
            if len(value) > 200:
                raise FieldError(name, "a filter value is at most 200 characters")
    filters = Filters(tuple(team), tuple(location), tuple(language))
    return SearchRequest(
        query=q.replace("\x00", " "),
        filters=filters,
        limit=limit,
        offset=offset,
        facets=True,
        per_team=diversify_team,
    )
