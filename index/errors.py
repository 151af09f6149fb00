"""Errors the core raises; the API maps them to HTTP statuses in api/errors.py.

    JobSearchError
    ├── IndexNotFoundError      no built index where one was expected (→ 503)
    ├── IndexMismatchError      the index was built with another model or format (→ 503)
    ├── InvalidIndexError       a build that fails verification (never switched to)
    ├── InputFormatError        an input file whose format cannot be recognised
    └── UnknownModelError       a model name that is neither packaged nor a folder

Messages name the bad value and say what to do about it.
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
