"""Abbreviations job seekers type for roles and fields ("SRE", "k8s", "ML eng", "PM"), read
as their long forms too: the postings mostly write them out, and the model knows the long
forms better. The query keeps the abbreviation (a posting may use it) and gains the long form
after it: "SRE with k8s" is searched as "SRE (site reliability engineer) with k8s
(kubernetes)". Only short forms that mean one thing in a job search are listed, and not those
whose long form postings use for something else: "QA (quality assurance)" matched every
posting that promises quality (measured: README).
"""

from __future__ import annotations

import re

LONG_FORMS: dict[str, str] = {
    "ae": "account executive",
    "bdr": "business development representative",
    "bi": "business intelligence",
    "csm": "customer success manager",
    "cv": "computer vision",
    "db": "database",
    "dba": "database administrator",
    "dev": "developer",
    "devrel": "developer relations",
    "ds": "data scientist",
    "em": "engineering manager",
    "eng": "engineer",
    "fe": "frontend",
    "iac": "infrastructure as code",
    "infra": "infrastructure",
    "js": "javascript",
    "k8s": "kubernetes",
    "llm": "large language model",
    "llms": "large language models",
    "ml": "machine learning",
    "mle": "machine learning engineer",
    "nlp": "natural language processing",
    "pm": "product manager",
    "recsys": "recommender systems",
    "sdet": "software development engineer in test",
    "sdr": "sales development representative",
    "swe": "software engineer",
    "sre": "site reliability engineer",
    "tpm": "technical program manager",
    "ts": "typescript",
    "ui": "user interface",
    "ux": "user experience",
}
_ABBREVIATION = re.compile(
    r"(?<![\w.+#-])("
    + "|".join(sorted(map(re.escape, LONG_FORMS), key=len, reverse=True))
    + r")(?![\w+#-])",
    re.IGNORECASE,
)


def is_abbreviation(word: str) -> bool:
    return word.casefold() in LONG_FORMS


def expand_abbreviations(text: str) -> str:
    """`text` with each known abbreviation followed by its long form in parentheses, unless
    the long form is already there."""
    folded = text.casefold()

    def expand(match: re.Match[str]) -> str:
        long = LONG_FORMS[match.group(0).casefold()]
        return match.group(0) if long in folded else f"{match.group(0)} ({long})"

    return _ABBREVIATION.sub(expand, text)
