"""Exception → HTTP status, one body shape everywhere: {"detail": "...", "took_ms": ...}.

The errors raised on purpose (the JobSearchError tree) are answered by one table, ERROR_TABLE,
so a new kind of error is a new row (tests/api/test_errors.py fails until it has one).
Validation errors name the field ("limit: must be at most 100"). Nothing a caller sends may
produce a 500; an unexpected error is logged with its traceback and answered generically.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.timing import took_ms
from index.errors import (
    BuildError,
    ConfigError,
    FetchError,
    IndexMismatchError,
    IndexNotFoundError,
    InputFormatError,
    InvalidIndexError,
    JobSearchError,
    MissingDependencyError,
    NothingToIndexError,
    UnknownModelError,
)
from search.errors import InvalidFilterError, PostingNotFoundError

log = logging.getLogger("jobsearch.api")

INTERNAL_ERROR = "internal error"
UNAVAILABLE = "index not available: "


class FieldError(JobSearchError):
    """A request parameter outside its limits."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ErrorRule(NamedTuple):
    """One row of the error table: the status an error kind gets and what its detail says."""

    exception: type[JobSearchError]
    status: int
    prefix: str  # the detail starts with this
    public: bool = True  # False: the message (paths, settings) goes to the log, not the caller


ERROR_TABLE: tuple[ErrorRule, ...] = (
    # The caller can fix these: the message names the field or the id.
    ErrorRule(FieldError, 422, ""),
    ErrorRule(InvalidFilterError, 422, ""),
    ErrorRule(PostingNotFoundError, 404, ""),
    # No index to serve until one is built or fixed; the message says how.
    ErrorRule(IndexNotFoundError, 503, UNAVAILABLE),
    ErrorRule(IndexMismatchError, 503, UNAVAILABLE),
    ErrorRule(InvalidIndexError, 503, UNAVAILABLE),
    # Raised by building and start-up, not by answering a request: met here, they are this
    # server's fault, for the operator's log with the traceback.
    ErrorRule(InputFormatError, 500, INTERNAL_ERROR, public=False),
    ErrorRule(UnknownModelError, 500, INTERNAL_ERROR, public=False),
    ErrorRule(ConfigError, 500, INTERNAL_ERROR, public=False),
    ErrorRule(BuildError, 500, INTERNAL_ERROR, public=False),
    ErrorRule(NothingToIndexError, 500, INTERNAL_ERROR, public=False),
    ErrorRule(FetchError, 500, INTERNAL_ERROR, public=False),
    ErrorRule(MissingDependencyError, 500, INTERNAL_ERROR, public=False),
)
_RULES: dict[type[BaseException], ErrorRule] = {rule.exception: rule for rule in ERROR_TABLE}


def rule_for(exc: BaseException) -> ErrorRule | None:
    """The row of the most specific class `exc` is an instance of, whatever the table's order
    (a subclass of a listed error is answered like it); None for an unlisted kind."""
    return next((_RULES[cls] for cls in type(exc).__mro__ if cls in _RULES), None)


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
    rule = rule_for(exc)
    if rule is None:
        return await _unexpected(request, exc)
    if not rule.public:
        log.exception("%s while answering a request", type(exc).__name__, exc_info=exc)
        return error_response(request, rule.status, rule.prefix)
    return error_response(request, rule.status, f"{rule.prefix}{exc}")


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
    return error_response(request, 500, INTERNAL_ERROR)


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(JobSearchError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
