"""Company boilerplate, detected from the corpus itself: lines that recur across one company's
postings for different jobs (About us, benefits, equal-opportunity statements).

Kept for display, weighed down in ranking: otherwise a query that happens to match a company's
About-us paragraph would bring up every posting of that company. A line counts as boilerplate
when it stands in postings with at least MIN_DISTINCT_TITLES different titles of the same
company, so the same job posted in five cities does not turn its own duties into boilerplate.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.models import Posting, Section

MIN_DISTINCT_TITLES = 3
MIN_LINE_CHARS = 25  # shorter lines ("- Python", "Benefits") say too little to judge
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)

CompanyLines = dict[str, set[str]]  # company key -> keys of its boilerplate lines


def line_key(line: str) -> str | None:
    """A stable key for a line, ignoring case, punctuation and spacing; None if too short."""
    normalized = _NON_WORD.sub(" ", line.casefold()).strip()
    if len(normalized) < MIN_LINE_CHARS:
        return None
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).hexdigest()


def company_key(company: str) -> str:
    return " ".join(company.casefold().split())


def find_boilerplate(postings: Iterable[Posting]) -> CompanyLines:
    """For each company, the lines that recur across enough of its distinct jobs."""
    tally = BoilerplateTally()
    for posting in postings:
        tally.add(posting_lines(posting))
    return tally.lines()


@dataclass(frozen=True)
class PostingLines:
    """What boilerplate detection needs of one posting: small enough to send between processes."""

    company: str  # company_key
    title: int  # a hash of the normalized title
    lines: npt.NDArray[np.uint64]  # its distinct line keys, as integers


def posting_lines(posting: Posting, keys: npt.NDArray[np.uint64] | None = None) -> PostingLines:
    """One posting's company, title and line keys (`keys`: its sections' `section_line_keys`,
    when known already)."""
    title = " ".join(posting.title.casefold().split())
    keys = section_line_keys(posting.sections) if keys is None else keys
    title_hash = int.from_bytes(hashlib.blake2b(title.encode(), digest_size=8).digest(), "big")
    return PostingLines(company_key(posting.company), title_hash, keys)


class BoilerplateTally:
    """(company, line, title) triples as arrays, counted once every posting is in: memory per
    line, not per Python object, so it holds a large corpus."""

    def __init__(self) -> None:
        self._companies: dict[str, int] = {}
        self._parts: list[npt.NDArray[np.uint64]] = []  # rows of (company, line, title)

    def add(self, posting: PostingLines) -> None:
        if not posting.company or not len(posting.lines):
            return
        company = self._companies.setdefault(posting.company, len(self._companies))
        rows = np.empty((len(posting.lines), 3), dtype=np.uint64)
        rows[:, 0], rows[:, 1], rows[:, 2] = company, posting.lines, posting.title
        self._parts.append(rows)

    def lines(self) -> CompanyLines:
        """For each company, the keys of lines found under MIN_DISTINCT_TITLES titles or more."""
        if not self._parts:
            return {}
        rows = np.unique(np.concatenate(self._parts), axis=0)  # one row per distinct title
        pair = rows[:, :2]
        starts = np.flatnonzero(np.r_[True, np.any(pair[1:] != pair[:-1], axis=1)])
        titles = np.diff(np.r_[starts, len(rows)])
        names = list(self._companies)
        found: CompanyLines = {}
        for company, line in pair[starts[titles >= MIN_DISTINCT_TITLES]]:
            found.setdefault(names[int(company)], set()).add(f"{int(line):016x}")
        return found


def boilerplate_share(text: str, lines: set[str]) -> float:
    """Share of `text`'s characters that lie in boilerplate lines (0.0 to 1.0)."""
    if not lines:  # most companies: nothing to look up
        return 0.0
    total = boiler = 0
    for line in text.splitlines():
        size = len(line.strip())
        total += size
        key = line_key(line)
        if key is not None and key in lines:
            boiler += size
    return boiler / total if total else 0.0


def strip_boilerplate(text: str, lines: set[str]) -> str:
    """`text` without its boilerplate lines: what the keyword index should see."""
    if not lines:  # most companies: nothing to look up
        return "\n".join(text.splitlines())
    return "\n".join(line for line in text.splitlines() if line_key(line) not in lines)


def section_line_keys(sections: Iterable[Section]) -> npt.NDArray[np.uint64]:
    """The distinct keys of the lines of `sections`, as integers, in order of appearance."""
    return np.array([int(k, 16) for k in _line_keys(sections)], dtype=np.uint64)


def _line_keys(sections: Iterable[Section]) -> Iterable[str]:
    seen: set[str] = set()
    for section in sections:
        for line in section.text.splitlines():
            key = line_key(line)
            if key is not None and key not in seen:
                seen.add(key)
                yield key
