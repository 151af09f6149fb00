"""Which team a posting is for: the source's own field when it has a usable one, else a name
the text states plainly, else None.

The team is a search filter, so a wrong team hides a posting from the people filtering for the
right one: every rule here prefers saying nothing to guessing. From text, only names in fixed
phrasings are taken ("About the Payments team", "join the Data Platform team", a team section
that opens with "Emerging Technologies & Incubation (ETI) is ..."), made of one to four
capitalised words, and never the company itself ("join the Airtable team").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from index.models import Section, SectionKind

MAX_TEAM_CHARS = 60
MAX_TEAM_WORDS = 8

# Source fields: a leading cost-centre code ("0000: ", "4129 ") is dropped, then any part that
# is only bookkeeping ("Pipeline", "Dept", "(Sub Team)"). Nothing left means no team: Greenhouse
# boards file evergreen requisitions under departments such as "0000: Pipeline Parent".
_CODE_PREFIX_RE = re.compile(r"^\d{2,}\s*[:\-–.]?\s+")
_SEPARATOR_RE = re.compile(r"\s+[-–—|:]\s+|:\s+")
_PARENTHESES_RE = re.compile(r"\s*\(([^()]*)\)")
_JUNK_WORDS = frozenset(
    "pipeline parent dept department sub team general evergreen n/a na none other tbd unknown"
    " default various all misc miscellaneous placeholder requisition req hiring".split()
)

# Text: W is one capitalised word; NAME is one to four of them, maybe joined by "&", "and", "of".
_W = r"[A-Z][\w+.'’/-]*"
_NAME = rf"{_W}(?:(?:\s+(?:&|and|of|for)\s+|\s+){_W}){{0,3}}"
_UNIT = r"(?i:team|group|department|org|organization|division|squad)"
_HEADING_RES = (
    re.compile(rf"(?i:about\s+(?:the|our)\s+)({_NAME})\s+{_UNIT}"),
    re.compile(rf"(?i:the|our)\s+({_NAME})\s+{_UNIT}"),
)
_ABOUT_RE = re.compile(r"(?i:about)\s+(.+)")
_TITLE_RE = re.compile(rf"(?:^|[-–,(|:]\s*)({_NAME})\s+(?i:team)\s*(?:$|[),\-–|])")
_SUBJECT_RE = re.compile(
    rf"^(?:The\s+|Our\s+)?({_NAME})(?:\s+\([A-Z0-9&]{{2,10}}\))?\s+(?:{_UNIT}\s+)?"
    r"(?:is|are|sits|builds|owns|focuses|powers|develops|drives|leads|contributes|helps|enables"
    r"|works|creates|delivers|partners|supports|designs|manages|runs)\b"
)
_SENTENCE_RES = (
    re.compile(
        rf"\b(?i:join(?:ing)?\s+(?:the|our))\s+(?:[a-z][\w-]*\s+){{0,2}}?({_NAME})\s+{_UNIT}\b"
    ),
    re.compile(
        rf"\b(?i:(?:part|member)\s+of\s+(?:the|our))\s+(?:[a-z][\w-]*\s+){{0,2}}?({_NAME})\s+{_UNIT}\b"
    ),
    re.compile(rf"\b(?:on|within)\s+the\s+({_NAME})\s+(?i:team)\b"),
)
_NOT_NAMES = frozenset("The Our This That A An Your We You Team Company It Their Its Every".split())
_UNIT_WORDS = frozenset("Team Group Department Org Organization Division Squad".split())
# Sentences name the hiring team too ("a call with our Recruiting team"); those are not the team.
_HIRING_TEAMS_RE = re.compile(r"(?i)recruit|talent|people|\bhr\b|hiring")
_SENTENCE_KINDS = frozenset({SectionKind.ROLE, SectionKind.ABOUT_TEAM, SectionKind.ABOUT_COMPANY})


def derive_team(source_team: str | None, title: str, sections: Sequence[Section]) -> str | None:
    """The team: the cleaned source field, else a heading, the title, a team section's opening
    subject or a "join the X team" sentence, in that order of trust; None when none is clear."""
    cleaned = clean_source_team(source_team) if source_team else None
    if cleaned:
        return cleaned
    about_company = [s for s in sections if s.kind is SectionKind.ABOUT_COMPANY]
    company_text = " ".join(f"{s.heading} {s.text[:300]}" for s in about_company)
    companies = [m.group(1) for s in about_company if (m := _ABOUT_RE.fullmatch(s.heading))]
    companies += [m.group(1) for s in about_company if (m := _SUBJECT_RE.match(s.text))]
    team_sections = [s for s in sections if s.kind is SectionKind.ABOUT_TEAM]
    sentence_sections = [s for s in sections if s.kind in _SENTENCE_KINDS or not s.heading]
    for candidates in (
        [m.group(1) for s in sections for r in _HEADING_RES if (m := r.fullmatch(s.heading))],
        [m.group(1) for m in _TITLE_RE.finditer(title)],
        [m.group(1) for s in team_sections if (m := _SUBJECT_RE.match(s.text))],
        [
            m.group(1)
            for s in sentence_sections
            for r in _SENTENCE_RES
            for m in r.finditer(s.text)
            if not _HIRING_TEAMS_RE.search(m.group(1))
        ],
    ):
        names = [_tidy_name(c, companies) for c in candidates]
        kept = [n for n in names if n and not _mentions(company_text, n)]
        if kept:
            return Counter(kept).most_common(1)[0][0]  # ties go to the first mentioned
    return None


def clean_source_team(value: str) -> str | None:
    """A source's department or team field made presentable, or None when it names no team.

    "0000: Pipeline Parent" → None, "Engineering - Pipeline" → "Engineering",
    "Business Platform (Sub Team)" → "Business Platform",
    "4119 Product Support" → "Product Support".
    """
    text = " ".join(value.split())
    text = _CODE_PREFIX_RE.sub("", text)
    text = _PARENTHESES_RE.sub(lambda m: "" if _is_junk(m.group(1)) else m.group(0), text)
    parts = _SEPARATOR_RE.split(text)
    kept = [p.strip() for p in parts if p.strip() and not _is_junk(p)]
    if len(kept) != len(parts):
        text = " - ".join(kept)
    if not any(c.isalpha() for c in text) or len(text) > MAX_TEAM_CHARS:
        return None
    if len(text.split()) > MAX_TEAM_WORDS:
        return None
    return text or None


def _is_junk(part: str) -> bool:
    words = re.findall(r"[\w/]+", part.casefold())
    return all(w in _JUNK_WORDS or w.isdigit() for w in words)


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _tidy_name(name: str, companies: Sequence[str]) -> str | None:
    """The name without the company in front ("Cloudflare's Network Engineering" → "Network
    Engineering") or a unit word behind ("Platform Team" → "Platform"); None if nothing is left."""
    words = name.strip().rstrip(".,;:'’").split()
    if words and re.search(r"['’]s$", words[0]):
        words = words[1:]
    for company in companies:
        lead = company.split()
        if len(words) > len(lead) and words[: len(lead)] == lead:
            words = words[len(lead) :]
    while words and words[-1] in _UNIT_WORDS:
        words = words[:-1]
    if not words or words[0] in _NOT_NAMES or words[-1] in ("&", "and", "of", "for"):
        return None
    if len(words) == 1 and re.search(r"(ian|ish|ese)$", words[0]):
        return None  # "our remote Norwegian team" says where the team is, not which it is
    return " ".join(words)
