"""Name what a posting section is about, from its heading first and its text second.

Ranking weighs kinds differently (a match in "requirements" says more than one in the equal-
opportunity boilerplate), so this errs towards OTHER rather than guessing. The vocabulary is
ordered data, not code: the first rule that matches wins, which is how overlapping phrasings
are settled ("preferred qualifications" is nice-to-have before "qualifications" is a
requirement; "about the team" is the team before "about ..." is the company).
"""

from __future__ import annotations

import re

from index.models import SectionKind

K = SectionKind

# (kind, pattern) over the normalized heading: lower case, straight apostrophes, no punctuation.
_HEADING_RULES: tuple[tuple[SectionKind, str], ...] = (
    (K.OTHER, r"hiring process|interview process|how to apply|application process|next steps"
     r"|recruit(ment|ing) process|^apply\b|^location"),
    (K.LEGAL, r"equal (employment )?opportunit|\beeo|accommodation|privacy|affirmative action"
     r"|e verify|disclaimer|\blegal\b|fraud|scam|notice to|diversity|inclusion|\bdei\b"
     r"|background check|export control|non discrimination|data protection|gdpr"),
    (K.ABOUT_COMPANY, r"^about us$|who we are\b(?! looking)|company (overview|profile|description"
     r"|background|info)|about the company|^the company$|our (mission|story|company)"),
    (K.REQUIREMENTS, r"you (ll|will) (have|need|bring)|what you bring|\byou have\b|about you|who you are"),
    (K.NICE_TO_HAVE, r"nice to have|good to have|bonus|\bplus(es)?\b|preferred|\bdesired\b|extra credit"
     r"|even better|\bideally\b|stand out|sets you apart|would be great|advantage"
     r"|not required|optional|brownie|wow us|\bbig plus"),
    (K.BENEFITS, r"benefit|perks|\bwe offer|what we offer|\boffer(ing)?s?\b|compensation|salary|\bpay\b"
     r"|\bpay range|why (join|work|you ll love|us\b)|^why\b(?! this role)|in it for you"
     r"|what you ll (get|receive|gain|enjoy)|what you get|we provide|rewards|makes? .* (special|unique|different)"
     r"|life at|working (at|for) \w+$|working with us|time off|vacation|wellness|wellbeing|well being|401"
     r"|\bequity\b|what we give|we ve got you|take care of you|our promise|\bwir bieten|beneficios"
     r"|benef[ií]cios|vantagens|avantages|what s on offer|package"),
    (K.ABOUT_TEAM, r"about (the|our|your|this) (\w+ ){0,3}(team|department|dept|group|squad|org"
     r"|organization|division|unit|function|tribe)\b|^(the|our|your) (\w+ ){0,3}team$|^team\b"
     r"|meet the team|who you ll work with|team overview|the department|^department\b|about the group"
     r"|who we are as a team|\bdas team\b"),
    (K.ROLE, r"^about (the|this) (role|position|job|opportunity|work)|what you (ll|will) (be )?do"
     r"|going to do|you (ll|will) be doing"
     r"|what you (ll|will) be (working|doing|building|focusing)|responsibilit|duties|\btasks?\b"
     r"|the role|^role\b|\brole\b.*(overview|description|summary)|your role|this role|in this role"
     r"|in the role|the position|position (overview|summary|description)|^position$|job (description|summary"
     r"|overview|details)|^description$|your impact|^impact\b|the impact|the opportunity|^opportunity"
     r"|your mission|the mission|the challenge|day to day|day in the life|your day|accountabilit"
     r"|objectives|deliverables|what you ll (achieve|accomplish|own|work on|build|learn)|you will\b|you ll\b"
     r"|how you ll (contribute|help|make)|what we need you to do|the work|your work|scope"
     r"|first \d+ days|\d+ days|outcomes|what the job involves|deine aufgaben|ihre aufgaben"
     r"|responsabilidades|responsabilit[eé]s|your contribution|key areas|what s the job|summary"),
    (K.REQUIREMENTS, r"requirement|qualification|looking for|about you|who you are|you have|you are"
     r"|you bring|you ll (have|need|bring|be)|you will (have|need|bring)|must have|must haves"
     r"|what you need|what we need|what we expect|we expect|skills|experience|knowledge|expertise"
     r"|competenc|profile|background|ideal candidate|the candidate|candidate|prerequisite|education"
     r"|\bfit\b|is this you|are you|you might be|you should|you ll thrive|you re|your toolkit"
     r"|what it takes|what you ll need|need to succeed|to be successful|success factors|criteria"
     r"|dein profil|ihr profil|requisitos|exigences|\bneeds?\b|tech stack|technologies|tools"),
    (K.ABOUT_COMPANY, r"^about\b|who we are|about us|our (mission|story|vision|values|culture|company"
     r"|product|purpose|platform|business|client|customer)|^mission\b|company|^introduction$|^welcome"
     r"|^(hi|hello)\b|what we do|^we are\b|^our\b|^who is\b|^culture\b|^values\b|^the company"
     r"|über uns|sobre n[oó]s|qui sommes|our investors|funding|^overview$"),
)

_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in _HEADING_RULES)

# Text cues, for sections whose heading is missing or says nothing. Counted, not first-match.
_LEGAL_CUES = re.compile(
    r"equal (employment )?opportunity|without regard to|reasonable accommodation|affirmative action"
    r"|protected veteran|e-verify|privacy (notice|policy)|sexual orientation|gender identity"
)
_BENEFIT_CUES = re.compile(
    r"\bbenefits\b|health insurance|paid time off|\bpto\b|401\(?k|parental leave|salary range"
    r"|base pay|compensation|stock options|\bequity\b|vacation|wellness"
)
_ROLE_CUES = re.compile(
    r"\byou will\b|\byou'll\b|we are looking for|we're looking for|we are seeking|we're seeking"
    r"|\bin this role\b|\bthe role\b|\byour role\b|responsib|\bthis position\b|\bwe're hiring"
    r"|we are hiring|looking for an?\b"
)
_REQUIREMENT_CUES = re.compile(
    r"years of experience|\+ years|experience (with|in)|degree in|proficien|strong understanding"
    r"|familiarity with|knowledge of"
)
_COMPANY_CUES = re.compile(
    r"\bfounded\b|our mission|\bwe are an?\b|\bwe're an?\b|is an? (leading|global|fast|growing|\w+ company)"
    r"|headquartered|\bcustomers\b|\bour (company|platform|products?|team of)\b|backed by|\bfunding\b"
    r"|\bstartup\b|start-up|\bcompany\b|\bmillions? of\b|fortune 500"
)


def classify_section(heading: str, text: str, *, first: bool = False) -> SectionKind:
    """The kind of a section: its heading decides when it names one, else cues in its text.

    `first` says the section opens a posting with several sections; an opening section with
    no heading is usually the company's pitch, so company cues win there over role cues.
    """
    kind = kind_from_heading(heading)
    return kind if kind is not None else _kind_from_text(text, first=first)


def kind_from_heading(heading: str) -> SectionKind | None:
    """The kind a heading names, OTHER when it names one we don't rank ("How to apply"), or None
    when it says nothing we recognise ("Cority", "Hi there")."""
    norm = normalize_heading(heading)
    for kind, pattern in _COMPILED:
        if norm and pattern.search(norm):
            return kind
    return None


def normalize_heading(heading: str) -> str:
    """Lower case, straight apostrophes dropped to spaces, punctuation gone: "what you ll do"."""
    lowered = heading.casefold().replace("’", "'").replace("‘", "'")
    return " ".join(re.sub(r"[^\w&+]+", " ", lowered).split())


def _kind_from_text(text: str, *, first: bool) -> SectionKind:
    lowered = text.casefold().replace("’", "'")
    if not lowered.strip():
        return K.OTHER
    legal = len(_LEGAL_CUES.findall(lowered))
    role = len(_ROLE_CUES.findall(lowered))
    company = len(_COMPANY_CUES.findall(lowered))
    # Boilerplate statements are short; a long section that mentions "equal opportunity" once is
    # mostly something else.
    if legal and (legal >= 2 or len(lowered) < 1200) and legal >= role:
        return K.LEGAL
    if first and company and company >= role:
        return K.ABOUT_COMPANY
    if role:
        return K.ROLE
    if _REQUIREMENT_CUES.search(lowered):
        return K.REQUIREMENTS
    if len(_BENEFIT_CUES.findall(lowered)) >= 2:
        return K.BENEFITS
    if company or first:
        return K.ABOUT_COMPANY
    return K.OTHER
