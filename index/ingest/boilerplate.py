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
from collections import defaultdict
from collections.abc import Iterable, Sequence

from index.models import Posting

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


def find_boilerplate(postings: Sequence[Posting]) -> CompanyLines:
    """For each company, the lines that recur across enough of its distinct jobs."""
    titles_by_line: dict[tuple[str, str], set[str]] = defaultdict(set)
    for posting in postings:
        company = company_key(posting.company)
        if not company:
            continue
        title = " ".join(posting.title.casefold().split())
        for key in _posting_line_keys(posting):
            titles_by_line[(company, key)].add(title)
    found: CompanyLines = defaultdict(set)
    for (company, key), titles in titles_by_line.items():
        if len(titles) >= MIN_DISTINCT_TITLES:
            found[company].add(key)
    return dict(found)


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


def _posting_line_keys(posting: Posting) -> Iterable[str]:
    seen: set[str] = set()
    for section in posting.sections:
        for line in section.text.splitlines():
            key = line_key(line)
            if key is not None and key not in seen:
                seen.add(key)
                yield key
