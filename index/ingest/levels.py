"""A posting's seniority level, read from its title, or from its text where the text is explicit
("new grad", "0-2 years of experience").

Titles say it in many ways: "Sr.", "Lead" and "III" are senior, "II" is mid, "Staff" and
"Principal" sit above senior, "Head of" is a director. "Manager" is a level only for people managers: a
Product, Program or Account Manager is a role, and is levelled by its other words. A title with
no marker and a text that says nothing explicit is "mid", the level most postings hire at.
"""

from __future__ import annotations

import re

from index.models import Level

_INTERN = re.compile(
    r"\b(?:interns?|internships?|co-?op|apprentice(?:ship)?|werkstudent\w*|working student|"
    r"summer (?:student|analyst|associate)|praktikum|stagiaire|stage)\b"
)
_DIRECTOR = re.compile(
    r"\b(?:director|head of|head,|vice[- ]president|chief|cto|ceo|cfo|coo|ciso|cio|cpo|"
    r"general manager|managing director|president)\b"
    # "VP" leads a title ("VP of Engineering", "SVP, Data"); after a role it is a bank's rank
    # ("Senior Java Developer - VP"), not the job.
    r"|^(?:senior |sr\.? |associate |assistant )?(?:vp|svp|evp|avp)\b"
)
# Roles whose title says "manager" without managing people.
_ROLE_MANAGER = re.compile(
    r"\b(?:product|program|programme|project|account|accounts|success|community|partner|"
    r"partnership|partnerships|channel|territory|marketing|content|social media|brand|office|"
    r"relationship|category|campaign|events?|release|delivery|solutions?|implementation|"
    r"sales|growth|lifecycle|seo|data|case|claims|payroll|facilities|property|store|"
    r"onboarding|vendor|incident|risk|compliance|analytics|research|technical account)"
    r"(?:\s+\w+)?\s+manager\b"
)
_MANAGER = re.compile(r"\b(?:manager|managing|team lead|team leader|supervisor)\b")
_STAFF = re.compile(r"\b(?:staff|principal|distinguished|fellow|architect)\b")
# "Staff" that names the job, not the rank: a staff accountant is an early-career role.
_STAFF_ROLE = re.compile(
    r"\bstaff (?:accountant|auditor|nurse|attorney|writer|pharmacist|accounting)"
    r"|\bmember of (?:the )?technical staff"
)
# "Lead X Engineer" is most often a senior individual contributor; a team lead manages.
_SENIOR = re.compile(r"\b(?:senior|sr\.?|snr|lead|iii|iv|level (?:3|4|iii|iv))(?=\W|$)")
_ENTRY = re.compile(
    r"\b(?:junior|jr\.?|entry[- ]level|graduate|new grad|grad|early[- ]career|trainee|"
    r"associate|level (?:1|i)|i)(?=\W|$)"
)
_MID = re.compile(r"\b(?:mid|mid-level|middle|intermediate|ii|level (?:2|ii))(?=\W|$)")

_TEXT_ENTRY = re.compile(
    r"\b(?:new grads?|new graduates?|recent graduates?|recent grads?|entry[- ]level|"
    r"early[- ]career|no (?:prior )?experience (?:is )?required)\b"
)
_YEARS = re.compile(
    r"\b(\d{1,2})\s*\+?\s*(?:(?:-|–|to)\s*\d{1,2}\s*\+?\s*)?years?\b[^.\n]{0,40}?\bexperience\b"
)


def level_from_title(title: str) -> Level | None:
    """The level a title states, or None when it states none."""
    text = " ".join(title.casefold().replace("/", " / ").split())
    if _INTERN.search(text):
        return Level.INTERN
    if _DIRECTOR.search(text) and not re.search(r"\bassistant to\b", text):
        return Level.DIRECTOR
    if _MANAGER.search(text) and not _ROLE_MANAGER.search(text):
        return Level.MANAGER
    if _STAFF.search(_STAFF_ROLE.sub("", text)):
        return Level.STAFF
    if _SENIOR.search(text):
        return Level.SENIOR
    if _ENTRY.search(text) and not re.search(r"\bassociate (?:director|partner)\b", text):
        return Level.ENTRY
    if _MID.search(text):
        return Level.MID
    return None


def level_from_text(text: str) -> Level | None:
    """A level the text states outright: entry level, or the experience it asks for."""
    folded = text.casefold()
    if _TEXT_ENTRY.search(folded):
        return Level.ENTRY
    found = _YEARS.search(folded)
    if found is None:
        return None
    years = int(found.group(1))
    if years <= 1:
        return Level.ENTRY
    if years >= 5:
        return Level.SENIOR
    return Level.MID


def posting_level(title: str, text: str) -> Level:
    """The title's level, else the text's, else mid."""
    return level_from_title(title) or level_from_text(text) or Level.MID
