"""The seniority a job seeker asks for, read from their words ("graduate data scientist",
"senior iOS engineer", "engineering manager for a platform team", "head of data").

Like a place (search.intent), a level is a preference, not a filter: postings at that level go
first and clearly wrong levels leave the first pages (search.ranking.rank_by_level). Words that
only say the level ("junior", "senior", "new grad") are taken out of the text both sides match,
so every data scientist competes on the work and the level decides among them; words that also
name the role ("intern", "manager", "director", "head of") stay in. A pasted résumé (long
text) is not read for a level: it names the levels its writer has held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.models import Level

MAX_WORDS = 40

# (level, pattern, whether the words are taken out of the matched text); first match wins.
_CUES: tuple[tuple[Level, re.Pattern[str], bool], ...] = (
    (
        Level.INTERN,
        re.compile(
            r"\b(?:summer\s+)?(?:internships?|interns?|co-?op|placement year|"
            r"apprentices?(?:hips?)?)\b"
        ),
        False,
    ),
    (
        Level.DIRECTOR,
        re.compile(r"\b(?:director|head of|vp|vice[- ]president|chief \w+ officer|cto)\b"),
        False,
    ),
    (
        Level.MANAGER,
        re.compile(
            r"\b(?:(?:engineering|eng|software|development|data science|analytics|qa|"
            r"security|infrastructure|platform|people|design) manager|manager of \w+|"
            r"team lead(?:er)?|managing (?:a )?team)\b"
        ),
        False,
    ),
    (
        Level.ENTRY,
        re.compile(
            r"\b(?:entry[- ]level|junior(?:[- ]level)?|jr\.?|new[- ]grads?|new graduates?|"
            r"associate(?! (?:director|partner|vp|degree)\b|'s)(?= \w)|recent (?:college )?"
            r"grad(?:uate)?s?|graduate(?! (?:degree|school|student|studies))|early[- ]career|"
            r"first job|no experience)(?=\W|$)"
        ),
        True,
    ),
    (Level.MID, re.compile(r"\b(?:mid[- ]level|mid[- ]senior|intermediate)\b"), True),
    (Level.STAFF, re.compile(r"\b(?:staff|principal|distinguished)(?= \w)"), True),
    (Level.SENIOR, re.compile(r"\btech(?:nical)? lead\b"), False),
    (
        Level.SENIOR,
        re.compile(
            r"\b(?:senior(?:[- ]level)?|sr\.?|experienced)(?! (?:care|living|citizens?|homes?)\b)"
            r"(?=\W|$)|\blead(?! (?:a|an|the|my|our|teams?|generation|gen|qualification)\b)(?= \w)"
        ),
        True,
    ),
)
# Levels clearly wrong for a seeker asking for a level: a different career stage, not a
# neighbouring one. "mid" is also what a posting is when it says nothing, so it is never wrong.
_WRONG: dict[Level, frozenset[Level]] = {
    Level.INTERN: frozenset({Level.SENIOR, Level.STAFF, Level.MANAGER, Level.DIRECTOR}),
    Level.ENTRY: frozenset({Level.SENIOR, Level.STAFF, Level.MANAGER, Level.DIRECTOR}),
    Level.MID: frozenset({Level.INTERN, Level.DIRECTOR}),
    Level.SENIOR: frozenset({Level.INTERN, Level.ENTRY}),
    Level.STAFF: frozenset({Level.INTERN, Level.ENTRY}),
    Level.MANAGER: frozenset({Level.INTERN, Level.ENTRY}),
    Level.DIRECTOR: frozenset({Level.INTERN, Level.ENTRY}),
}
_DANGLING = re.compile(r"^[\s,;:/&-]+|[\s,;:/&-]+$")


@dataclass(frozen=True)
class LevelIntent:
    level: Level
    words: str  # as written in the query
    rest: str  # the query without words that only said the level


def read_level_intent(query: str) -> LevelIntent | None:
    """The level `query` asks for, or None (see the module docstring)."""
    if len(query.split()) > MAX_WORDS:
        return None
    folded = query.casefold()
    for level, pattern, remove in _CUES:
        found = pattern.search(folded)
        if found is None:
            continue
        start, end = found.span()
        rest = f"{query[:start]} {query[end:]}" if remove else query
        rest = _DANGLING.sub("", " ".join(rest.split()))
        return LevelIntent(level, query[start:end], rest or query)
    return None


def wrong_levels(asked: Level) -> frozenset[Level]:
    """The levels that should not reach the first page when `asked` is wanted."""
    return _WRONG[asked]
