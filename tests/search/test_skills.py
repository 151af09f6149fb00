"""Programming languages a seeker names, read as postings are tagged, in any case."""

from __future__ import annotations

import pytest

from search.skills import languages_named


@pytest.mark.parametrize(
    ("query", "languages"),
    [
        ("rust database internals", ("Rust",)),
        ("Go backend developer building microservices with gRPC", ("Go",)),
        ("go backend developer", ("Go",)),
        ("payments backend in go with kafka", ("Go",)),
        ("python django web developer", ("Python",)),
        ("kotlin android engineer", ("Kotlin",)),
        ("C# .NET developer for healthcare software", (".NET", "C#")),
    ],
)
def test_languages_named_reads_lower_case_queries(query, languages):
    assert languages_named(query) == languages


@pytest.mark.parametrize(
    "query",
    [
        "I want to go remote",  # "go" the verb
        "data engineer building streaming pipelines with Kafka and Spark",  # tools, no language
        "customer support specialist",
    ],
)
def test_languages_named_leaves_ordinary_words_alone(query):
    assert languages_named(query) == ()


def test_languages_named_ignores_a_pasted_resume():
    resume = "I wrote Rust and Python for years. " * 10
    assert languages_named(resume) == ()
