"""Operator endpoints, behind the admin API key from settings."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request

from api.deps import StateDep
from api.schemas import error_responses
from api.timing import took_ms
from index.errors import JobSearchError

router = APIRouter(
    prefix="/v1/admin", tags=["admin"], responses=error_responses(401, 403, 409, 429)
)


def _check_key(expected: str | None, authorization: str | None, api_key: str | None) -> None:
    if not expected:
        raise HTTPException(403, "admin API disabled: set JOBSEARCH_ADMIN_API_KEY to enable it")
    given = api_key or (authorization or "").removeprefix("Bearer ").strip()
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            401, "admin API key missing or wrong (Authorization: Bearer KEY or X-API-Key)"
        )


@router.post("/reload")
def reload_index(
    request: Request,
    state: StateDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Serve the newest completed build; a build that fails to open or verify is refused."""
    _check_key(state.settings.admin_api_key, authorization, x_api_key)
    previous = None if state.service is None else state.service.index.version
    try:
        version = state.reload()
    except JobSearchError as exc:
        raise HTTPException(409, f"new build refused, still serving {previous}: {exc}") from exc
    return {
        "status": "reloaded",
        "index_version": version,
        "previous": previous,
        "took_ms": took_ms(request),
    }
