"""Each posting's workplace at index time: location words, then an ATS field, then the
posting's own sentences about the job."""

from __future__ import annotations

import pytest

from index.ingest.ats import from_ashby, from_lever
from index.ingest.understand import understand_posting
from index.ingest.workplace import workplace_in_text, workplace_value
from index.models import RawPosting, Workplace

R, H, S, U = Workplace.REMOTE, Workplace.HYBRID, Workplace.ONSITE, Workplace.UNKNOWN


@pytest.mark.parametrize(
    ("text", "workplace"),
    [
        ("The position is fully remote.", R),
        ("This role can be remote or based in our Austin office.", R),
        ("This is a remote or hybrid position for people in Brazil.", R),
        ("We are a remote-first company.", R),
        ("**Location:** Remote - US", R),
        ("This is a hybrid role working from our NYC office 3 days a week.", H),
        ("You will work a hybrid schedule.", H),
        ("Expect three days a week in the office.", H),
        ("Workplace Type: Onsite", S),
        ("This is a fully in-office role supporting our EMEA team.", S),
        ("This is an on-site position in Munich.", S),
        ("Our roles are not fully remote as we value time together.", U),
        ("We pay a remote work stipend and offer remote access to labs.", U),
        ("Experience with remote sensing and hybrid cloud.", U),
        ("", U),
    ],
)
def test_workplace_in_text(text, workplace):
    assert workplace_in_text("Engineer", text) is workplace


@pytest.mark.parametrize(
    ("title", "workplace"),
    [
        ("Staff Security Engineer (Remote - USA/ Canada)", R),
        ("Backend Developer - Remote, Full-time", R),
        ("Account Executive - Hybrid", H),
        ("Cloud Operations Team Lead (Hybrid/Remote)", R),  # the most flexible
        ("Analytics Engineer - (Onsite) Bengaluru, India", S),
        ("Remote Sensing Scientist", U),
        ("Hybrid Cloud Architect", U),
    ],
)
def test_workplace_in_title_only_when_marked_off(title, workplace):
    assert workplace_in_text(title, "") is workplace


@pytest.mark.parametrize(
    ("value", "workplace"),
    [
        ("remote", R),
        ("Remote", R),
        ("hybrid", H),
        ("on-site", S),
        ("onsite", S),
        ("OnSite", S),
        ("office", S),
        ("In Office", S),
        ("unspecified", None),
        ("moon", None),
    ],
)
def test_workplace_value_aliases(value, workplace):
    assert workplace_value(value) is workplace


def _raw(location: str | None, hint: Workplace, body: str) -> RawPosting:
    return RawPosting(
        id="w1",
        title="Platform Engineer",
        body=body,
        body_format="text",
        location=location,
        workplace_hint=hint,
    )


@pytest.mark.parametrize(
    ("location", "hint", "body", "workplace"),
    [
        ("Berlin (Hybrid)", R, "This role is fully remote.", H),  # the location string first
        ("Berlin", S, "This role is fully remote.", S),  # then the ATS field
        ("Berlin", U, "This role is fully remote.", R),  # then the text
        ("Berlin", U, "Build our platform.", U),
    ],
)
def test_understand_posting_takes_the_workplace_from_the_first_that_says(
    location, hint, body, workplace
):
    posting = understand_posting(_raw(location, hint, body))
    assert posting.location.workplace is workplace


def test_ats_workplace_type_fields():
    lever = {
        "id": "l1",
        "text": "Engineer",
        "descriptionPlain": "Build.",
        "workplaceType": "on-site",
    }
    assert from_lever(lever).workplace_hint is S
    assert from_lever({**lever, "workplaceType": "unspecified"}).workplace_hint is U
    ashby = {"id": "a1", "title": "Engineer", "descriptionPlain": "Build.", "isRemote": False}
    assert from_ashby({**ashby, "workplaceType": "Hybrid"}).workplace_hint is H
    assert from_ashby({**ashby, "workplaceType": "OnSite"}).workplace_hint is S
    assert from_ashby({**ashby, "isRemote": True}).workplace_hint is R
    assert from_ashby(ashby).workplace_hint is U
