"""Exception → HTTP status, one body shape everywhere: {"detail": "...", "took_ms": ...}.

Validation errors name the field ("limit: must be at most 100"). Nothing a caller sends may
produce a 500; an unexpected error is logged with its traceback and answered generically.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.timing import took_ms
from index.errors import IndexMismatchError, IndexNotFoundError, InvalidIndexError, JobSearchError
from search.errors import InvalidFilterError, PostingNotFoundError

log = logging.getLogger("jobsearch.api")


class FieldError(JobSearchError):
    """A request parameter outside its limits."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def error_response(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"detail": detail, "took_ms": took_ms(request)}, status_code=status, headers=headers
    )


def _field_name(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path")]
    return ".".join(parts) or "body"


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    messages = [
        f"{_field_name(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in exc.errors()
    ]
    return error_response(request, 422, "; ".join(messages))


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, FieldError | InvalidFilterError):
        return error_response(request, 422, str(exc))
    if isinstance(exc, PostingNotFoundError):
        return error_response(request, 404, str(exc))
    if isinstance(exc, IndexNotFoundError | IndexMismatchError | InvalidIndexError):
        return error_response(request, 503, f"index not available: {exc}")
    log.exception("unexpected error", exc_info=exc)
    return error_response(request, 500, "internal error")


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return error_response(request, exc.status_code, str(exc.detail), headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette lists only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(request, 500, "internal error")


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(JobSearchError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
