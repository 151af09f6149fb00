"""Errors of the query side; the API turns them into 4xx responses naming the field."""

from __future__ import annotations

from index.errors import JobSearchError


class InvalidFilterError(JobSearchError):
    """A filter value that cannot match anything by construction (e.g. an unknown language)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class PostingNotFoundError(JobSearchError):
    def __init__(self, posting_id: str) -> None:
        super().__init__(f"no posting with id {posting_id!r}")
        self.posting_id = posting_id
