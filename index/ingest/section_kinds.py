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

# (kind, alternatives) over the normalized heading ("what you ll do"); each alternative is a
# regex, and the first rule with a match wins. An OTHER rule stops the text cues from guessing.
# fmt: off
_HEADING_RULES: tuple[tuple[SectionKind, tuple[str, ...]], ...] = (
    (K.OTHER, (
        "hiring process", "interview process", "how to apply", "application process",
        "next steps", r"recruit(ment|ing) process", r"^apply\b", "^location",
    )),
    (K.LEGAL, (
        r"equal (employment )?opportunit", r"\beeo", "accommodation", "privacy",
        "affirmative action", "e verify", "disclaimer", r"\blegal\b", "fraud", "scam",
        "notice to", "diversity", "inclusion", r"\bdei\b", "background check", "export control",
        "non discrimination", "data protection", "gdpr", "disabilit", "disabled", "compliance",
    )),
    (K.ABOUT_COMPANY, (
        "^about us$", r"who we are\b(?! looking)", "about the company", "^the company$",
        r"company (overview|profile|description|background|info)",
        "^our (mission|story|company|impact|people|values|culture)",
        r"^more (on|about)\b",
    )),
    (K.REQUIREMENTS, (
        "you (ll|will) (have|need|bring)", "what you bring", r"\byou have\b", "about you",
        "who you are", r"who (may|can|should) apply",
    )),
    (K.NICE_TO_HAVE, (
        "nice to have", "good to have", r"bonus (point|skill|qualification|if|experience)",
        "^bonus$", r"\bplus(es)?\b", "preferred", "^desired",
        r"desired (qualification|requirement)",
        "extra credit", "even better", r"\bideally\b", "stand out", "sets you apart",
        "would be great", "advantage", "not required", "optional", "brownie", "wow us",
    )),
    (K.BENEFITS, (
        "benefit", "perks", r"\boffer(ing)?s?\b", "compensation", "salary", r"\bpay\b",
        r"why (join|work|you ll love|us\b)", r"^why\b(?! this role)", "in it for you",
        "what you (ll )?(get|receive|gain|enjoy)", "we provide", "rewards",
        "makes? .* (special|unique|different)", "life at", r"working (at|for) \w+$",
        "working with us", "professional development", "family support", "flexib", r"\busd\b",
        r"\$", r"\beur\b", "£", "€", "time off", "vacation", "wellness", "well ?being", r"\b401",
        r"\bequity\b", "insurance", r"\bhealth\b", "retirement", "pension", "holiday", "bonus",
        "we ve got you", r"take care of (you|our people)", "our promise", "package", "wir bieten",
        "benef[ií]cios", "vantagens", "avantages", r"\bgrow(th)?\b",
    )),
    (K.ABOUT_TEAM, (
        r"about (the|our|your|this) (\w+ ){0,3}(team|department|dept|group|squad|org|organization"
        r"|division|unit|function|tribe)\b",
        r"^(the|our|your) (\w+ ){0,3}team$", r"^team\b", "meet the team", "who you ll work with",
        "team overview", "the department", r"^department\b", r"\bdas team\b", "your manager",
    )),
    (K.ROLE, (
        "^about (the|this) (role|position|job|opportunity|work)", "what you (ll|will) (be )?do",
        "what will (you|i) (be )?do", "(you|i) ll be doing", "you will be doing", "going to do",
        r"what you do\b", "what do you do", "what you (ll|will) be (working|building|focusing)",
        "responsibilit", "duties", r"\btasks?\b", "the role", r"^role\b",
        r"\brole\b.*(overview|description|summary)", "your role", "this role", "in the role",
        "the position", "position (overview|summary|description)", "^position$",
        "job (description|summary|overview|details)", "^description$", "impact", "opportunity",
        "your mission", "the mission", "the challenge", "day to day", "day in the life", "your day",
        "accountabilit", "objectives", "deliverables", "summary", "scope", "outcomes",
        "what you ll (achieve|accomplish|own|work on|build|learn)", r"you will\b", r"you ll\b",
        "how you ll (contribute|help|make)", "the work", "your work", r"\d+ days",
        "success (looks|would look) like", r"in the first \w+ (days|weeks|months)",
        "areas of contribution", "your contribution", r"\bprojects?\b", "key areas",
        "what the job involves",
        "(deine|ihre) aufgaben", "responsabilidades", "responsabilit[eé]s",
    )),
    (K.REQUIREMENTS, (
        "requirement", "qualification", "looking for", "you are", "you re", "you bring",
        "you ll (be|thrive)", "must have", "what (you|we) need", "we expect", "skills",
        "experience", "knowledge", "expertise", "competenc", "profile", "background",
        "pre ?requisite", r"\bstack\b", "technologies", "tools", "candidate", "education",
        r"\bfit\b", "is this you", "are you", "you might be", "you should", "your toolkit",
        "what it takes", "need to succeed", "to be successful", "success factors", "criteria",
        "(dein|ihr) profil", "requisitos", "exigences", r"\bprofil\b",
    )),
    (K.ABOUT_COMPANY, (
        r"^about\b",
        "our (vision|values|culture|product|purpose|platform|business|client|customer)",
        r"^mission\b", "company", "^introduction$", "^welcome", r"^(hi|hello)\b", "what we do",
        r"^we are\b", r"^our\b", r"^who is\b", r"^culture\b", r"^values\b", "über uns",
        "sobre n[oó]s", "qui sommes", "investors", "funding", "^overview$", "about us",
    )),
)

# fmt: on

_COMPILED = tuple((kind, re.compile("|".join(alts))) for kind, alts in _HEADING_RULES)

# Text cues, for sections whose heading is missing or says nothing. Counted, not first-match.
_LEGAL_CUES = re.compile(
    r"equal (employment )?opportunity|without regard to|reasonable accommodation|affirmative action"
    r"|protected veteran|e-verify|privacy (notice|policy)|sexual orientation|gender identity"
)
_BENEFIT_CUES = re.compile(
    r"\bbenefits\b|insurance|paid time off|\bpto\b|401\(?k|parental|maternity|salary range|base pay"
    r"|compensation|stock option|\bequity\b|vacation|wellness|stipend|allowance|retirement|pension"
    r"|\bmedical\b|\bdental\b|holidays|paid leave|bonus"
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
    r"\bfounded\b|our mission|\bwe are an?\b|\bwe're an?\b"
    r"|is an? (leading|global|fast|growing|\w+ company)|headquartered|\bcustomers\b"
    r"|\bour (company|platform|products?|team of)\b|backed by|\bfunding\b"
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
    return " ".join(re.sub(r"[^\w&+$€£]+", " ", lowered).split())


def _kind_from_text(text: str, *, first: bool) -> SectionKind:
    lowered = text.casefold().replace("’", "'")
    if not lowered.strip():
        return K.OTHER
    counts = {
        K.LEGAL: len(_LEGAL_CUES.findall(lowered)),
        K.BENEFITS: len(_BENEFIT_CUES.findall(lowered)),
        K.ROLE: len(_ROLE_CUES.findall(lowered)),
        K.REQUIREMENTS: len(_REQUIREMENT_CUES.findall(lowered)),
        K.ABOUT_COMPANY: len(_COMPANY_CUES.findall(lowered)),
    }
    # Boilerplate statements are short; a long section that mentions "equal opportunity" once is
    # mostly something else.
    if counts[K.LEGAL] and (counts[K.LEGAL] >= 2 or len(lowered) < 1200):
        if counts[K.LEGAL] >= counts[K.ROLE]:
            return K.LEGAL
    if first and counts[K.ABOUT_COMPANY] >= counts[K.ROLE]:
        return K.ABOUT_COMPANY  # an unheaded opening is the company's pitch unless it is the role's
    del counts[K.LEGAL]
    best = max(counts, key=lambda kind: counts[kind])  # ties go to the earlier kind
    return best if counts[best] else K.OTHER
