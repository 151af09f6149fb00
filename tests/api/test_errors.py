"""The error table: every error the core raises on purpose has a row, and each row answers
with its status and detail. Through a small app that raises what it is told to, so every kind
is reached (most cannot be provoked through the real routes)."""

from __future__ import annotations

import inspect
import logging
from types import ModuleType

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import api.errors
import index.errors
import search.errors
from api.errors import ERROR_TABLE, FieldError, register_error_handlers, rule_for
from api.timing import start_clock
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

# Written out, not derived from ERROR_TABLE: this is what a caller sees.
CALLER_ERRORS: list[tuple[JobSearchError, int, str]] = [
    (
        FieldError("limit", "must be between 1 and 50 (got 51)"),
        422,
        "limit: must be between 1 and 50 (got 51)",
    ),
    (
        InvalidFilterError("language", "unknown language 'rusty'"),
        422,
        "language: unknown language 'rusty'",
    ),
    (PostingNotFoundError("nope"), 404, "no posting with id 'nope'"),
    (
        IndexNotFoundError("no index at /srv/index"),
        503,
        "index not available: no index at /srv/index",
    ),
    (IndexMismatchError("built with model a"), 503, "index not available: built with model a"),
    (InvalidIndexError("failed verification"), 503, "index not available: failed verification"),
]
# Build- and start-up-side errors: met while answering, the server's fault. Each message holds
# something private, which must reach the log and not the caller.
SERVER_FAULTS: list[JobSearchError] = [
    InputFormatError("cannot read /private/feed.csv"),
    UnknownModelError("no model at /private/models/x"),
    ConfigError("unknown index type 'hnsw2' in /private/index"),
    BuildError("another rebuild is running on /private/index"),
    NothingToIndexError("no postings to index in /private/feed.jsonl", []),
    FetchError("greenhouse board 'acme' not found (HTTP 404 from http://private/)"),
    MissingDependencyError("ray is not installed (/private/venv)"),
]


def core_error_classes(*modules: ModuleType) -> set[type[JobSearchError]]:
    """Every JobSearchError subclass defined in these modules (not merely imported there)."""
    return {
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, JobSearchError)
        and cls is not JobSearchError
        and cls.__module__ == module.__name__
    }


def client_raising(exc: BaseException) -> TestClient:
    """An app with the real error handlers whose one route raises `exc`."""
    app = FastAPI()
    app.middleware("http")(start_clock)
    register_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise exc

    return TestClient(app, raise_server_exceptions=False)


def test_every_error_the_core_defines_has_a_row():
    defined = core_error_classes(index.errors, search.errors, api.errors)
    assert {IndexNotFoundError, PostingNotFoundError, FieldError} <= defined  # the scan works
    listed = {rule.exception for rule in ERROR_TABLE}
    missing = sorted(cls.__name__ for cls in defined - listed)
    assert missing == [], f"add a row to api.errors.ERROR_TABLE for {missing}"


def test_each_error_has_one_row_and_this_file_checks_every_row():
    listed = [rule.exception for rule in ERROR_TABLE]
    assert len(listed) == len(set(listed))
    checked = {type(exc) for exc, _, _ in CALLER_ERRORS} | {type(exc) for exc in SERVER_FAULTS}
    assert checked == set(listed)


@pytest.mark.parametrize(
    ("exc", "status", "detail"), CALLER_ERRORS, ids=[type(e).__name__ for e, _, _ in CALLER_ERRORS]
)
def test_caller_errors_answer_their_status_and_message(exc, status, detail, caplog):
    with caplog.at_level(logging.ERROR, logger="jobsearch.api"):
        response = client_raising(exc).get("/boom")
    assert response.status_code == status
    body = response.json()
    assert list(body) == ["detail", "took_ms"] and body["detail"] == detail
    assert caplog.records == []  # expected answers, not faults: nothing for the log


@pytest.mark.parametrize("exc", SERVER_FAULTS, ids=lambda v: type(v).__name__)
def test_server_faults_are_500_with_the_message_only_in_the_log(exc, caplog):
    with caplog.at_level(logging.ERROR, logger="jobsearch.api"):
        response = client_raising(exc).get("/boom")
    assert response.status_code == 500
    assert response.json()["detail"] == "internal error"
    assert "/private" not in response.text
    [record] = caplog.records
    assert record.exc_info is not None and record.exc_info[1] is exc


class UnlistedError(JobSearchError):
    """A new kind nobody gave a row: it must not pass as a caller's error."""


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("boom"), KeyError("x"), UnlistedError("new")],
    ids=lambda v: type(v).__name__,
)
def test_anything_unexpected_is_500_with_the_traceback_logged(exc, caplog):
    assert rule_for(exc) is None
    with caplog.at_level(logging.ERROR, logger="jobsearch.api"):
        response = client_raising(exc).get("/boom")
    assert response.status_code == 500
    assert response.json()["detail"] == "internal error" and "took_ms" in response.json()
    assert any(r.exc_info is not None and r.exc_info[1] is exc for r in caplog.records)


def test_a_subclass_is_answered_like_its_listed_parent():
    class StaleBuildError(InvalidIndexError):
        pass

    rule = rule_for(StaleBuildError("stale"))
    assert rule is not None and rule.exception is InvalidIndexError
    response = client_raising(StaleBuildError("stale")).get("/boom")
    assert response.status_code == 503
    assert response.json()["detail"] == "index not available: stale"
