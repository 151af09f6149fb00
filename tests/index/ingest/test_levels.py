"""A posting's level from its title, or from text that states it; titles from the real corpus."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from index.ingest.levels import level_from_text, level_from_title, posting_level
from index.models import Level
from tests.paths import shared_file


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Software Engineer II", Level.MID),
        ("Sr. Engineer", Level.SENIOR),
        ("Senior Software Engineer I", Level.SENIOR),
        ("Software Engineer III", Level.SENIOR),
        ("Lead", Level.SENIOR),
        ("Lead Software Engineer, Backend", Level.SENIOR),
        ("Team Lead, QA", Level.MANAGER),
        ("VP of Engineering", Level.DIRECTOR),
        ("Senior Java Developer - VP", Level.SENIOR),  # a bank's rank, not the job
        ("Member of Technical Staff", None),
        ("Junior/Middle Python Developer", Level.ENTRY),
        ("Staff", Level.STAFF),
        ("Staff Accountant", None),
        ("Senior Staff Security Engineering Lead", Level.STAFF),
        ("Principal Engineer I - .NET", Level.STAFF),
        ("Head of Data", Level.DIRECTOR),
        ("Associate Director, Ordering Platform", Level.DIRECTOR),
        ("Vice President, Engineering", Level.DIRECTOR),
        ("Engineering Manager", Level.MANAGER),
        ("Manager II, Engineering", Level.MANAGER),
        ("Senior Manager - Applications System Development", Level.MANAGER),
        ("Intern - Summer 2026", Level.INTERN),
        ("Fall 2024 Software Engineering Internship/Co-op", Level.INTERN),
        ("Software Engineer I", Level.ENTRY),
        ("Associate Data Scientist", Level.ENTRY),
        ("Junior Frontend Developer", Level.ENTRY),
        ("New Grad Software Engineer", Level.ENTRY),
        ("Mid-level PHP Developer (CMS)", Level.MID),
    ],
)
def test_level_from_title_reads_the_markers_titles_use(title, level):
    assert level_from_title(title) == level


@pytest.mark.parametrize(
    "title",
    [
        "Product Manager",
        "Marketing Manager",
        "Data Scientist",
        "Staff Data Scientist, International",
    ],
)
def test_level_from_title_leaves_roles_and_lookalikes_alone(title):
    # A product or marketing manager manages no people; "International" is no intern.
    assert level_from_title(title) in (None, Level.STAFF)
    assert level_from_title(title) != Level.MANAGER and level_from_title(title) != Level.INTERN


def test_level_from_text_only_when_the_text_says_it():
    assert level_from_text("A great first role for new grads.") == Level.ENTRY
    assert level_from_text("You have 0-2 years of experience in Python.") == Level.ENTRY
    assert level_from_text("You bring 7+ years of professional experience.") == Level.SENIOR
    assert level_from_text("We build storage engines in Rust.") is None


def test_posting_level_prefers_the_title_and_defaults_to_mid():
    assert posting_level("Senior Data Engineer", "ideal for new grads") == Level.SENIOR
    assert posting_level("Data Engineer", "ideal for new grads") == Level.ENTRY
    assert posting_level("Data Engineer", "Kafka and Spark pipelines") == Level.MID


def test_levels_of_the_real_corpus_titles_are_plausible():
    path = shared_file("corpus/postings.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        titles = [json.loads(line)["title"] for line in handle]
    by_level: dict[Level | None, list[str]] = {}
    for title in titles:
        by_level.setdefault(level_from_title(title), []).append(title)
    senior = re.compile(r"senior|\bsn?r\b|lead|\biii\b|\biv\b|level 3", re.I)
    intern = re.compile(r"intern|co-?op|apprentic|working student", re.I)
    assert all(senior.search(t) for t in by_level[Level.SENIOR])
    assert all(intern.search(t) for t in by_level[Level.INTERN])
    assert len(by_level[Level.INTERN]) >= 100 and len(by_level[Level.SENIOR]) >= 3000
