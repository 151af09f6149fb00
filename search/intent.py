"""Where the job seeker wants to work, read from their own words ("remote in Europe", "based in
Berlin"), so a query that says it ranks such postings higher.

Only explicit cues count, because a query is mostly about the work:
- the workplace: remote ("remote", "remotely", "fully remote", "work from home", "WFH",
  "telecommute", but not "remote sensing" or "remote access"); hybrid or on-site ("on-site",
  "onsite", "in-office") only where the word is said of a place or a job ("hybrid in London",
  "hybrid, Berlin", "on-site role"), never "hybrid cloud". "Distributed" is left alone. When
  several are named the most flexible wins ("remote or hybrid" is remote).
- a place: a known country, region or city (index.ingest.locations.places_named) right after
  "in", "based in", "located in", "near", "around", "across", "within", "from", a workplace
  word or another accepted place joined by "or", "and", "/" or a comma; or followed by
  "-based". A city right after a workplace word needs punctuation between ("remote, Berlin"),
  so "remote mentor" is no place. A place name with no cue ("Berlin startups") is not taken;
  names that are also technologies ("Java", "Go", "Julia") or common English words ("Mobile",
  "Reading", "Nice") are not city names in the tables at all.

Only a short query is read this way: a pasted résumé names the places its writer has worked
("five years at Acme in London"), not where they want to work next, so text of more than
MAX_WORDS words gives no intent.

What is understood is a preference, not a filter (search.ranking.prefer): the postings that
satisfy it get a third reciprocal-rank list in the fusion. The words that said it are taken out
of the text the model and BM25 see ("site reliability engineer in the US" is searched as "site
reliability engineer"): left in, they make every posting that talks about its location look
relevant. An explicit location filter replaces it all (a workplace used to be given as a location,
`location=remote`); a workplace filter replaces the reading of the workplace. The response reports what was understood, so a site can offer it as a filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.ingest.countries import fold
from index.ingest.locations import LocationFilter, PlaceMention, places_named
from index.models import FacetKey, Workplace

_REMOTE = re.compile(
    r"\b(?:(?:fully\s+)?remote(?:ly)?|work(?:ing)?\s+from\s+home|wfh|telecommut\w*)\b"
    r"(?![\s-]+(?:sensing|access|control|controls|desktop|monitoring|patient|procedures?)\b)"
)
_PLACE_NEXT = r"(?=\s*(?:[,:(–-]|$|\s(?:in|near|around|across|within|from|at|based|only)\b))"
_JOB_NEXT = (
    r"(?=\s+(?:role|roles|position|positions|job|jobs|work|working|schedule|setup|office)\b)"
)
# "hybrid" and "on-site" name a workplace only as one: "hybrid in London", "hybrid role",
# "on-site, Munich"; never "hybrid cloud" or "on site reliability".
_HYBRID = re.compile(rf"\bhybrid\b(?:{_PLACE_NEXT}|{_JOB_NEXT})")
_ONSITE = re.compile(
    rf"\b(?:on-?site|in-office|in-person|office-based)\b(?:{_PLACE_NEXT}|{_JOB_NEXT})"
)
_WORKPLACES = (
    (Workplace.REMOTE, _REMOTE),
    (Workplace.HYBRID, _HYBRID),
    (Workplace.ONSITE, _ONSITE),
)
_WORKPLACE_CUE = r"remote(?:ly)?|hybrid|on-?site|in-office"
_CUE_BEFORE = re.compile(
    rf"(?:\b(?:in|based\s+in|located\s+in|near|around|across|within|from|{_WORKPLACE_CUE})"
    r"\s*[,:(–-]?\s*(?:the\s+)?)$"
)
# after a workplace word, a city needs punctuation between: "remote, Berlin" but not "remote
# mentor" (Mentor, Ohio); countries and regions need none ("remote US", "hybrid EMEA")
_WORKPLACE_BEFORE = re.compile(rf"\b(?:{_WORKPLACE_CUE})\s*(?:the\s+)?$")
_JOINER = re.compile(r"^\s*(?:,|/|&|\bor\b|\band\b)\s*(?:the\s+)?$")
_CUE_AFTER = re.compile(r"^[\s-]*based\b")
_JOINED = re.compile(r"[\s,/&]*(?:\b(?:or|and)\b)?[\s,/&]*$", re.IGNORECASE)  # "remote or hybrid"
MAX_WORDS = 40
_DANGLING = re.compile(r"\(\s*\)|(?:\s+[,;:()/&–-])+(?=\s|$)")  # punctuation left behind


@dataclass(frozen=True)
class LocationIntent:
    workplace: Workplace | None
    places: tuple[tuple[str, LocationFilter], ...]  # (as written, what it matches)
    rest: str = ""  # the query without the words that said where

    def __bool__(self) -> bool:
        return self.workplace is not None or bool(self.places)

    @property
    def remote(self) -> bool:
        return self.workplace is Workplace.REMOTE

    @property
    def values(self) -> tuple[str, ...]:
        """What was understood, as location filter values ("remote", "Europe")."""
        workplace = (self.workplace.value,) if self.workplace else ()
        return workplace + tuple(text for text, _ in self.places)

    def conditions(self) -> dict[str, list[FacetKey]]:
        """Facet conditions of a posting that satisfies it: at that workplace AND in one of
        the places."""
        out: dict[str, list[FacetKey]] = {}
        if self.workplace:
            out["workplace"] = [("workplace", self.workplace.value)]
        if self.places:
            keys = [key for _, place in self.places for key in place.facet_keys()]
            out["place"] = list(dict.fromkeys(keys))
        return out


def read_location_intent(query: str, places: bool = True, workplace: bool = True) -> LocationIntent:
    """The workplace and places `query` asks for (see the module docstring); `places` and
    `workplace` False leave that part unread (an explicit filter says it instead)."""
    if len(query.split()) > MAX_WORDS:
        return LocationIntent(None, (), query)
    folded = fold(query)
    said, spans = _workplace_said(folded) if workplace else (None, [])
    found: list[tuple[str, LocationFilter]] = []
    previous_end: int | None = None
    for mention in places_named(query) if places else []:
        span = _cued_span(folded, mention, previous_end)
        if span is not None:
            found.append((query[mention.start : mention.end], mention.place))
            spans.append(span)
            previous_end = span[1]
    return LocationIntent(said, tuple(found), _without(query, spans))


def _workplace_said(folded: str) -> tuple[Workplace | None, list[tuple[int, int]]]:
    """The most flexible workplace named ("remote or hybrid" is remote), and where."""
    said = None
    spans = []
    for workplace, pattern in _WORKPLACES:
        found = [m.span() for m in pattern.finditer(folded)]
        if found and said is None:
            said = workplace
        spans += found
    return said, spans


def _cued_span(
    folded: str, mention: PlaceMention, previous_end: int | None
) -> tuple[int, int] | None:
    """The words that say `mention` is where the seeker wants to work, or None."""
    before = folded[: mention.start]
    cue = _CUE_BEFORE.search(before)
    if cue and mention.place.kind == "city" and _WORKPLACE_BEFORE.search(before):
        cue = None
    joined = previous_end is not None and _JOINER.match(folded[previous_end : mention.start])
    suffix = _CUE_AFTER.match(folded[mention.end :])
    if not (cue or joined or suffix):
        return None
    start = previous_end if joined and previous_end is not None else mention.start
    start = cue.start() if cue else start
    return start, mention.end + (suffix.end() if suffix else 0)


def _without(query: str, spans: list[tuple[int, int]]) -> str:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or _JOINED.match(query, merged[-1][1], start)):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    rest = query
    for start, end in reversed(merged):
        rest = rest[:start] + " " + rest[end:]
    if merged:
        rest = " ".join(_DANGLING.sub(" ", rest).split()).strip(" ,;:/&–-")
    return rest
