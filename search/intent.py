"""Where the job seeker wants to work, read from their own words ("remote in Europe", "based in
Berlin"), so a query that says it ranks such postings higher.

Only explicit cues count, because a query is mostly about the work:
- remote: "remote", "remotely", "fully remote", "work from home", "WFH", "telecommute", but not
  "remote sensing" or "remote access". "Hybrid" and "distributed" are left alone (hybrid cloud,
  distributed systems).
- a place: a known country, region or city (index.locations.places_named) right after "in",
  "based in", "located in", "near", "around", "across", "within", "from", "remote" or another
  accepted place joined by "or", "and", "/" or a comma; or followed by "-based". A place name
  with no cue ("Berlin startups") is not taken, and names that are also technologies ("Java",
  "Go", "Swift") are not places in the tables at all.

Only a short query is read this way: a pasted résumé names the places its writer has worked
("five years at Acme in London"), not where they want to work next, so text of more than
MAX_WORDS words gives no intent.

What is understood is a preference, not a filter (search.ranking.prefer): the postings that
satisfy it get a third reciprocal-rank list in the fusion. The words that said it are taken out
of the text the model and BM25 see ("site reliability engineer in the US" is searched as "site
reliability engineer"): left in, they make every posting that talks about its location look
relevant. An explicit location filter replaces it all. The response reports what was
understood, so a site can offer it as a filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.ingest.countries import fold
from index.ingest.locations import LocationFilter, places_named
from index.models import FacetKey, Workplace

_REMOTE = re.compile(
    r"\b(?:(?:fully\s+)?remote(?:ly)?|work(?:ing)?\s+from\s+home|wfh|telecommut\w*)\b"
    r"(?![\s-]+(?:sensing|access|control|controls|desktop|monitoring|patient|procedures?)\b)"
)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|based\s+in|located\s+in|near|around|across|within|from|remote(?:ly)?)"
    r"\s*[,:(–-]?\s*(?:the\s+)?)$"
)
_JOINER = re.compile(r"^\s*(?:,|/|&|\bor\b|\band\b)\s*(?:the\s+)?$")
_CUE_AFTER = re.compile(r"^[\s-]*based\b")
MAX_WORDS = 40
_DANGLING = re.compile(r"\(\s*\)|(?:\s+[,;:()/&–-])+(?=\s|$)")  # punctuation left behind


@dataclass(frozen=True)
class LocationIntent:
    remote: bool
    places: tuple[tuple[str, LocationFilter], ...]  # (as written, what it matches)
    rest: str = ""  # the query without the words that said where

    def __bool__(self) -> bool:
        return self.remote or bool(self.places)

    @property
    def values(self) -> tuple[str, ...]:
        """What was understood, as location filter values ("remote", "Europe")."""
        return ("remote",) * self.remote + tuple(text for text, _ in self.places)

    def conditions(self) -> dict[str, list[FacetKey]]:
        """Facet conditions of a posting that satisfies it: remote AND in one of the places."""
        out: dict[str, list[FacetKey]] = {}
        if self.remote:
            out["workplace"] = [("workplace", Workplace.REMOTE.value)]
        if self.places:
            keys = [key for _, place in self.places for key in place.facet_keys()]
            out["place"] = list(dict.fromkeys(keys))
        return out


def read_location_intent(query: str) -> LocationIntent:
    """The workplace and places `query` asks for (see the module docstring)."""
    if len(query.split()) > MAX_WORDS:
        return LocationIntent(False, (), query)
    folded = fold(query)
    spans = [m.span() for m in _REMOTE.finditer(folded)]
    remote = bool(spans)
    places: list[tuple[str, LocationFilter]] = []
    previous_end: int | None = None
    for mention in places_named(query):
        cue = _CUE_BEFORE.search(folded[: mention.start])
        joined = previous_end is not None and _JOINER.match(folded[previous_end : mention.start])
        suffix = _CUE_AFTER.match(folded[mention.end :])
        if cue or joined or suffix:
            places.append((query[mention.start : mention.end], mention.place))
            start = previous_end if joined and previous_end is not None else mention.start
            start = cue.start() if cue else start
            end = mention.end + (suffix.end() if suffix else 0)
            spans.append((start, end))
            previous_end = end
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    rest = query
    for start, end in reversed(merged):
        rest = rest[:start] + " " + rest[end:]
    if merged:
        rest = " ".join(_DANGLING.sub(" ", rest).split()).strip(" ,;:/&–-")
    return LocationIntent(remote, tuple(places), rest)
