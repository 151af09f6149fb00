"""Where the work is done: remote, hybrid or on-site, read from what a posting says.

A posting's location string says it most often ("Remote - US", "London (Hybrid)"; see
`index.ingest.locations`); when it says nothing, an ATS field does (Lever's and Ashby's
workplaceType, Ashby's isRemote); when neither does, the posting's own words, but only
sentences about the job itself: "(Remote)" in the title, "this role is fully remote", "Location:
Hybrid", "3 days a week in the office", "this is an on-site position". A remote-work stipend
or "remote access" says nothing about the job. When several are named the most flexible wins,
since "Hybrid or Remote" is open to remote candidates.
"""

from __future__ import annotations

import re

from index.models import Workplace

# Workplace words in a location string or a filter value (folded text).
REMOTE_WORDS = re.compile(
    r"\b(?:remote(?:ly)?|telecommut\w*|work(?:ing)? from home|wfh|home[- ]based|home office"
    r"|anywhere|distributed|worldwide|world wide|virtual)\b"
)
HYBRID_WORDS = re.compile(r"\bhybrid\b")
ONSITE_WORDS = re.compile(r"\b(?:on[- ]?site|in[- ]office|in[- ]person|office[- ]based)\b")

# Words a caller may use for a workplace filter besides its own name.
WORKPLACE_ALIASES = {
    "remote": Workplace.REMOTE,
    "hybrid": Workplace.HYBRID,
    "on-site": Workplace.ONSITE,
    "onsite": Workplace.ONSITE,
    "on site": Workplace.ONSITE,
    "office": Workplace.ONSITE,
    "in-office": Workplace.ONSITE,
    "in office": Workplace.ONSITE,
    "in-person": Workplace.ONSITE,
    "office-based": Workplace.ONSITE,
    "wfh": Workplace.REMOTE,
    "work from home": Workplace.REMOTE,
}
WORKPLACE_LABELS = {
    Workplace.REMOTE: "Remote",
    Workplace.HYBRID: "Hybrid",
    Workplace.ONSITE: "On-site",
}

_JOB = r"(?:this|the|our)\s+(?:role|position|job|opportunity|team)"
_IS = r"(?:is|will\s+be|can\s+be|may\s+be)\s+(?:a\s+|an\s+)?"
_LABEL = (
    r"(?:^|\n)[\s*#>_-]*(?:location|workplace(?:\s+type)?|work\s+model|work\s+type)[\s*_]*:[\s*_]*"
)
_ONSITE = r"(?:on-?site|in-office|in-person|office-based)"
_NEGATED = re.compile(r"\bnot\s+(?:be\s+)?(?:a\s+)?$", re.IGNORECASE)  # "are not fully remote"
_TEXT_PATTERNS = (
    (
        Workplace.REMOTE,
        re.compile(
            rf"{_JOB}\s+{_IS}(?:fully\s+|100%\s+)?remote\b|\b(?:fully|100%|completely|entirely)"
            rf"[\s-]+remote\b|\bremote[\s-]+first\b|{_LABEL}remote\b"
            rf"|\bremote\s+(?:or\s+hybrid\s+)?(?:role|position|job|opportunity)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Workplace.HYBRID,
        re.compile(
            rf"{_JOB}\s+{_IS}hybrid\b|\bhybrid\s+(?:role|position|schedule|work(?:ing)?\s+"
            rf"(?:model|arrangement|schedule))\b|\bhybrid,\s+working\b|{_LABEL}hybrid\b"
            rf"|\b(?:[1-4]|one|two|three|four)\s+days?\s+(?:a|per)\s+week\s+(?:in|at|from)"
            rf"\s+(?:the|our)\s+(?:office|headquarters|hq)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Workplace.ONSITE,
        re.compile(
            rf"{_JOB}\s+{_IS}(?:fully\s+|100%\s+)?{_ONSITE}\b|\b(?:fully|100%)\s+{_ONSITE}\b"
            rf"|{_LABEL}{_ONSITE}\b|\b{_ONSITE}\s+(?:role|position|job)\b",
            re.IGNORECASE,
        ),
    ),
)
# marked off in the title: "Engineer (Remote)", "Engineer - Hybrid"; not "Remote Sensing Lead"
_TITLE = re.compile(
    r"(?:^|(?<=[(\[|,/–-]))\s*(remote|hybrid|on-?site)\s*(?=$|[)\]|,/–-])", re.IGNORECASE
)
_TITLE_WORKPLACE = {"remote": Workplace.REMOTE, "hybrid": Workplace.HYBRID}


def workplace_in_words(folded: str) -> Workplace | None:
    """The most flexible workplace a location string names (folded text), if any."""
    for workplace, pattern in (
        (Workplace.REMOTE, REMOTE_WORDS),
        (Workplace.HYBRID, HYBRID_WORDS),
        (Workplace.ONSITE, ONSITE_WORDS),
    ):
        if pattern.search(folded):
            return workplace
    return None


def workplace_in_text(title: str, text: str) -> Workplace:
    """The workplace a posting's title or its sentences about the job name (see module doc)."""
    marked = {
        _TITLE_WORKPLACE.get(m.group(1).casefold(), Workplace.ONSITE)
        for m in _TITLE.finditer(title)
    }
    for workplace in (Workplace.REMOTE, Workplace.HYBRID, Workplace.ONSITE):
        if workplace in marked:
            return workplace
    for workplace, pattern in _TEXT_PATTERNS:
        if any(not _NEGATED.search(text, 0, m.start()) for m in pattern.finditer(text)):
            return workplace
    return Workplace.UNKNOWN


def workplace_value(value: str) -> Workplace | None:
    """A caller's workplace filter ("remote", "onsite", "Office") -> the workplace, or None."""
    key = " ".join(value.split()).casefold()
    return WORKPLACE_ALIASES.get(key) or WORKPLACE_ALIASES.get(key.replace("-", " "))
