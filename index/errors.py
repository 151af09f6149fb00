"""Errors the core raises on purpose; the API maps each kind to a status in one table
(api/errors.py), the CLI prints the message.

    JobSearchError
    ├── IndexNotFoundError      no built index where one was expected (→ 503)
    ├── IndexMismatchError      the index was built with another model, backend or format (→ 503)
    ├── InvalidIndexError       a build that fails verification (never switched to; → 503)
    ├── InputFormatError        an input file whose format cannot be recognised
    ├── UnknownModelError       a model or backend that is neither packaged nor a folder
    ├── ConfigError             a setting or option outside what is supported
    ├── BuildError              a rebuild that cannot go ahead (another running)
    │   └── NothingToIndexError every record was skipped or the inputs were empty
    ├── FetchError              an ATS board that cannot be downloaded (not found, not JSON, down)
    └── MissingDependencyError  an optional package a chosen feature needs (Ray)

The query side adds its own (search/errors.py). Messages name the bad value and say what to do.
"""

from __future__ import annotations


class JobSearchError(Exception):
    """Base of every error jobsearch raises on purpose."""


class IndexNotFoundError(JobSearchError):
    pass


class IndexMismatchError(JobSearchError):
    pass


class InvalidIndexError(JobSearchError):
    pass


class InputFormatError(JobSearchError):
    pass


class UnknownModelError(JobSearchError):
    pass


class ConfigError(JobSearchError):
    pass


class BuildError(JobSearchError):
    pass


class NothingToIndexError(BuildError):
    """Carries what was skipped and why, so the caller can report every record even though
    there is no build to report on."""

    def __init__(self, message: str, skipped: list[tuple[str, str, str]]) -> None:
        super().__init__(message)
        self.skipped = skipped  # (file, where, reason) per record left out


class FetchError(JobSearchError):
    pass


class MissingDependencyError(JobSearchError):
    pass
