"""Language detection: the seed posting, words that are not languages, aliases and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from index.ingest.languages import KNOWN_LANGUAGES, canonical_language, detect_languages
from tests.paths import shared_file


def test_detect_languages_seed_posting_exact_set() -> None:
    html = shared_file("corpus/seed/cloudflare-do-d1.html").read_text(encoding="utf-8")
    text = LexborHTMLParser(html).text(separator=" ")

    # "Go" only appears in "such as Go, Java, C#, Rust, or C++"; "SQL database" and
    # "SQL query planner" name a product, not a skill; "R2 Storage" is not R.
    assert detect_languages(text) == ("C#", "C++", "Go", "Java", "JavaScript", "Rust", "TypeScript")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Go: the language, in lists, after cue words, before cue nouns
        ("Experience with Go, Rust and Python", ("Go", "Python", "Rust")),
        ("Our services are written in Go.", ("Go",)),
        ("Go/Rust preferred", ("Go", "Rust")),
        ("Go or Java", ("Go", "Java")),
        ("We are hiring a Go developer", ("Go",)),
        ("You will build Go services on Kubernetes", ("Go",)),
        ("Tech stack: Docker, Go (Golang), Kafka", ("Go",)),
        ("Languages: Go", ("Go",)),
        ("Golang experience required", ("Go",)),
        # Go: the verb and the idioms
        ("Let's go!", ()),
        ("Go beyond what is expected of you.", ()),
        ("Own our go-to-market and Go-to-Market motions", ()),
        ("Head of Go To Market", ()),
        ("A real Go-getter who works on the go", ()),
        ("Help us Go live with the go-live checklist", ()),
        ("Bias for Action. Go Deep. Deliver Results.", ()),
        # Java is not JavaScript, and JavaScript does not imply Java
        ("Strong JavaScript skills", ("JavaScript",)),
        ("Java Script and Java", ("Java", "JavaScript")),
        ("Java/Kotlin on the JVM", ("Java", "Kotlin")),
        # C only when unambiguous
        ("C/C++ firmware", ("C", "C++")),
        ("Write drivers in C", ("C",)),
        ("Strong C programming skills", ("C",)),
        ("C and Rust", ("C", "Rust")),
        ("Coding in C & C++", ("C", "C++")),
        ("Present to the C-level and the C-suite", ()),
        ("We just closed our Series C", ()),
        ("Zone C: USD $150,000", ()),
        ("iOS in Objective-C and Objective C", ("Objective-C",)),
        ("C# and C++ only", ("C#", "C++")),
        # R only when unambiguous
        ("Python, R and SQL", ("Python", "R", "SQL")),
        ("R programming for statistics", ("R",)),
        ("Fluent in R", ("R",)),
        ("R/Python notebooks", ("Python", "R")),
        ("Join our R&D team", ()),
        ("Grow within a R &D team", ()),
        ("Modify how R2 Storage processes requests", ()),
        ("Proficiency Level Required (R) /Optional (O)", ()),
        # Swift, Rust, Scala and other words with an English meaning
        ("iOS apps in Swift", ("Swift",)),
        ("Swift/SwiftUI experience", ("Swift",)),
        ("A swift decision and a swift response", ()),
        ("Partners include Swift, DTCC, and ANZ", ()),
        ("Object storage such as OpenStack Swift", ()),
        ("Rust and WebAssembly", ("Rust",)),
        ("Remove rust from the pipes in the Rust Belt", ()),
        ("Scala and Spark", ("Scala",)),
        ("A scalable system at scale", ()),
        ("Ruby on Rails", ("Ruby",)),
        ("Meet Julia, our engineering manager, and Julia Child", ()),
        ("Python, MATLAB, Julia", ("Julia", "MATLAB", "Python")),
        # .NET and friends
        ("C#/.NET Core and ASP.NET MVC", (".NET", "C#")),
        ("dotnet and F#", (".NET", "F#")),
        ("Visit www.juniper.net or careers.example.net", ()),
        # SQL: the skill, not the product or NoSQL
        ("Strong SQL skills", ("SQL",)),
        ("Writing complex SQL queries", ("SQL",)),
        ("Knowledge of SQL", ("SQL",)),
        ("T-SQL and PL/SQL stored procedures", ("SQL",)),
        ("NoSQL, no-SQL and no SQL databases", ()),
        ("PostgreSQL and MySQL", ()),
        ("Cloudflare's first SQL database and a SQL query planner", ()),
        # Shell
        ("Scripting in Bash or Python", ("Python", "Shell")),
        ("shell scripting", ("Shell",)),
        ("Our annual holiday bash", ()),
        ("PowerShell automation", ("PowerShell",)),
        # Markdown as the corpus writes it
        ("**Languages:** C\\+\\+, **Go**, Rust", ("C++", "Go", "Rust")),
        ("", ()),
    ],
)
def test_detect_languages_tricky_cases(text: str, expected: tuple[str, ...]) -> None:
    assert detect_languages(text) == expected


def test_detect_languages_list_context_spreads_along_the_list() -> None:
    # C is weak and so is Go; C++ settles C, which settles Go.
    assert detect_languages("Go, C, C++") == ("C", "C++", "Go")


def test_detect_languages_bullets_do_not_chain() -> None:
    # adjacent list items are separated by whitespace only, which is not a list separator
    assert detect_languages("<li>Rust</li> <li>Go beyond</li>".replace("<li>", " ")) == ("Rust",)
    assert detect_languages("Python\nGo the extra mile") == ("Python",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("golang", "Go"),
        ("Go", "Go"),
        ("cpp", "C++"),
        ("c++", "C++"),
        ("csharp", "C#"),
        ("C#", "C#"),
        ("js", "JavaScript"),
        ("ts", "TypeScript"),
        ("dotnet", ".NET"),
        (".net", ".NET"),
        ("py", "Python"),
        ("  PYTHON ", "Python"),
        ("objective c", "Objective-C"),
        ("bash", "Shell"),
        ("r", "R"),
        ("rusty", None),
        ("", None),
    ],
)
def test_canonical_language_aliases(value: str, expected: str | None) -> None:
    assert canonical_language(value) == expected


def test_known_languages_sorted_and_canonical() -> None:
    assert list(KNOWN_LANGUAGES) == sorted(set(KNOWN_LANGUAGES))
    assert {
        "C",
        "C++",
        "C#",
        "Go",
        "Java",
        "JavaScript",
        "TypeScript",
        ".NET",
        "Rust",
        "SQL",
    } <= set(KNOWN_LANGUAGES)
    assert all(canonical_language(name) == name for name in KNOWN_LANGUAGES)


_SNIPPETS = st.sampled_from(
    [
        "Go",
        "go",
        "C",
        "C++",
        "R&D",
        "Series C",
        "Java",
        "Script",
        ", ",
        " and ",
        "/",
        "(",
        ")",
        "\n",
        "SQL",
        "-",
    ]
)


@given(st.lists(st.one_of(_SNIPPETS, st.text(max_size=12)), max_size=30).map("".join))
def test_detect_languages_never_raises_returns_sorted_known(text: str) -> None:
    found = detect_languages(text)
    assert list(found) == sorted(set(found))
    assert set(found) <= set(KNOWN_LANGUAGES)


@given(st.text(max_size=40))
def test_canonical_language_never_raises(value: str) -> None:
    result = canonical_language(value)
    assert result is None or result in KNOWN_LANGUAGES
