"""Splitting bodies into sections: the seed posting, real postings, small cases and invariants."""

from __future__ import annotations

import gzip
import html
import json
import re
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.ingest.sections import classify_section, split_sections
from index.models import Section, SectionKind
from tests.paths import shared_file

K = SectionKind

SEED_HEADINGS = [
    "About Us",
    "About the Department",
    "What you'll do",
    "Examples of desirable skills, knowledge and experience",
    "Bonus Points",
    "What Makes Cloudflare Special?",
]
SEED_KINDS = [K.ABOUT_COMPANY, K.ABOUT_TEAM, K.ROLE, K.REQUIREMENTS, K.NICE_TO_HAVE, K.BENEFITS]


def headings(sections: list[Section]) -> list[str]:
    return [s.heading for s in sections]


def kinds(sections: list[Section]) -> list[SectionKind]:
    return [s.kind for s in sections]


def assert_clean(sections: list[Section]) -> None:
    for section in sections:
        for text in (section.heading, section.text):
            assert "<" not in text and "\xa0" not in text
            assert not re.search(r"&(nbsp|amp|lt|gt|quot|#\d+);", text)
            assert all(line == line.strip() and "  " not in line for line in text.splitlines())


@cache
def eval_posting(posting_id: str) -> tuple[str, str]:
    """(body, format) of one posting of the evaluation corpus."""
    with gzip.open(shared_file("corpus/eval-postings.jsonl.gz"), "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] == posting_id:
                if record.get("content_html"):
                    return record["content_html"], "html"
                return record["content_text"], "markdown"
    raise AssertionError(f"{posting_id} is not in the evaluation corpus")


def ats_record(name: str, key: str, value: Any) -> dict[str, Any]:
    document = json.loads(shared_file(f"corpus/ats/{name}").read_text(encoding="utf-8"))
    records = document["jobs"] if isinstance(document, dict) else document
    return next(r for r in records if r[key] == value)


# The seed posting


def test_split_sections_seed_html_gives_six_headed_sections():
    sections = split_sections(shared_file("corpus/seed/cloudflare-do-d1.html").read_text(), "html")
    assert headings(sections) == SEED_HEADINGS
    assert kinds(sections) == SEED_KINDS
    assert_clean(sections)
    assert sections[0].text.startswith("At Cloudflare, we have our eyes set on an ambitious goal")
    items = sections[3].text.splitlines()
    assert len(items) == 4 and all(item.startswith("- ") for item in items)
    assert items[0].startswith("- Min 5 years experience working with distributed systems")
    assert "Emerging Technologies & Incubation (ETI)" in sections[1].text  # &amp; decoded
    # A bold link that starts a line is not a heading: the line goes on after it.
    assert "Project Galileo: We equip" in sections[5].text


def test_split_sections_seed_greenhouse_content_matches_html():
    seed = split_sections(shared_file("corpus/seed/cloudflare-do-d1.html").read_text(), "html")
    content = ats_record("greenhouse-jobs.json", "id", 9000001)["content"]
    assert content.startswith("&lt;")
    assert split_sections(html.unescape(content), "html") == seed
    assert split_sections(content, "html") == seed  # still escaped: unescaped once, here


# Real postings of the evaluation corpus, headings checked against their sources by hand


def test_split_sections_greenhouse_html_with_bold_paragraph_headings():
    sections = split_sections(*eval_posting("zapply:greenhouse-stripe-5523990"))
    # "Who we are" and "What you’ll do" are h2 headings with only sub-headings under them.
    assert headings(sections) == [
        "About Stripe",
        "About the team",
        "Responsibilities",
        "Who you are",
        "Minimum Requirements",
        "Preferred Qualifications",
    ]
    assert kinds(sections) == [
        K.ABOUT_COMPANY,
        K.ABOUT_TEAM,
        K.ROLE,
        K.REQUIREMENTS,
        K.REQUIREMENTS,
        K.NICE_TO_HAVE,
    ]
    assert sections[2].text.startswith("- Review accounts to identify possible fraud")
    assert_clean(sections)


def test_split_sections_greenhouse_intro_and_pay_blocks_are_sections():
    sections = split_sections(*eval_posting("zapply:greenhouse-airtable-8425211002"))
    assert headings(sections) == ["", "", "What you'll do", "Who you are", "", ""]
    assert sections[0].text.startswith("Airtable is the no-code app platform")
    assert sections[1].text.startswith("As a Business Development Representative")
    assert kinds(sections)[:4] == [K.ABOUT_COMPANY, K.ROLE, K.ROLE, K.REQUIREMENTS]
    assert sections[4].text.startswith("Compensation awarded to successful candidates")


def test_split_sections_markdown_bold_line_headings():
    sections = split_sections(
        *eval_posting("remotewlb:PHP:2024-10:senior-machine-learning-computer-vision-engineer")
    )
    assert headings(sections) == ["", "About the Role", "What You'll Do", "What We're Looking For"]
    assert kinds(sections) == [K.ABOUT_COMPANY, K.ROLE, K.ROLE, K.REQUIREMENTS]
    assert sections[3].text.startswith(
        "- 4+ years experience, 3+ in ML\n- Extensive experience in Python"
    )


def test_split_sections_markdown_mixed_atx_and_bold_headings():
    sections = split_sections(
        *eval_posting("remotewlb:Others:2025-01:software-engineering-manager-138501")
    )
    assert headings(sections) == [
        "Description",
        "WHAT’S IN IT FOR YOU?",
        "PRIMARY RESPONSIBILITIES",
        "PRIMARY RESPONSIBILITIES",
        "ESSENTIAL DUTIES AND RESPONSIBILITIES",
        "KNOWLEDGE, SKILLS AND ABILITIES",
        "QUALIFICATIONS AND CHARACTERISTICS OF AN IDEAL CANDIDATE",
    ]
    assert kinds(sections)[1:] == [
        K.BENEFITS,
        K.ROLE,
        K.ROLE,
        K.ROLE,
        K.REQUIREMENTS,
        K.REQUIREMENTS,
    ]


def test_split_sections_markdown_repairs_broken_bold():
    sections = split_sections(
        *eval_posting("remotewlb:Golang:2024-03:site-reliability-engineer-engineering-support")
    )
    # The source writes "****Compensation****"; no stray asterisks may reach the text.
    assert headings(sections) == [
        "",
        "Our Technology Stack",
        "About the Role",
        "Responsibilities",
        "Compensation",
    ]
    assert kinds(sections)[2:] == [K.ROLE, K.ROLE, K.BENEFITS]
    assert not any("**" in s.text for s in sections)


def test_split_sections_ashby_plain_text_capital_and_sub_headings():
    body = ats_record("ashby-jobs.json", "id", "ashby-zip-0b7957f4-e51f-442b-9e6a-4024164e24e7")
    sections = split_sections(body["descriptionPlain"], "text")
    assert headings(sections) == [
        "",
        "YOUR ROLE",
        "Billing Operations",
        "Collections",
        "QUALIFICATIONS",
        "PERKS & BENEFITS",
    ]
    # "WHAT YOU'LL DO" has only sub-headings under it, and passes its kind on to them.
    assert kinds(sections) == [K.ABOUT_COMPANY, K.ROLE, K.ROLE, K.ROLE, K.REQUIREMENTS, K.BENEFITS]
    assert sections[2].text.startswith("- Review new sales contracts")


# Small hand-written cases


def test_split_sections_html_bold_paragraph_is_heading():
    body = (
        "<p>Intro text.</p><p><span><strong>Benefits</strong></span>:</p><p>Health.</p>"
        "<div><b><span>What you'll do</span></b></div><ul><li>Ship</li></ul>"
    )
    sections = split_sections(body, "html")
    assert [(s.heading, s.text) for s in sections] == [
        ("", "Intro text."),
        ("Benefits", "Health."),
        ("What you'll do", "- Ship"),
    ]


def test_split_sections_html_bold_label_with_inline_text_is_not_heading():
    sections = split_sections("<h2>Role</h2><p><strong>Location:</strong> Remote, EU</p>", "html")
    assert [(s.heading, s.text) for s in sections] == [("Role", "Location: Remote, EU")]


def test_split_sections_html_bold_line_then_break_is_heading_with_body():
    sections = split_sections(
        "<p><b>Requirements</b><br>Five years of Go.<br>Some Rust.</p>", "html"
    )
    assert [(s.heading, s.text) for s in sections] == [
        ("Requirements", "Five years of Go.\nSome Rust.")
    ]


def test_split_sections_html_decodes_entities_and_spaces():
    body = "<h3>R&amp;D&nbsp;team:</h3><p>We&#39;re   &quot;small&quot;&nbsp;&amp; kind.\u200b</p>"
    assert split_sections(body, "html") == [Section("R&D team", K.OTHER, 'We\'re "small" & kind.')]


def test_split_sections_html_lists_and_paragraphs():
    body = (
        "<h2>Duties</h2><p>First.</p><p>Second.</p>"
        "<ul><li><p>A</p></li><li>B<ul><li>C</li></ul></li></ul><p>After.</p>"
    )
    assert split_sections(body, "html")[0].text == "First.\n\nSecond.\n\n- A\n- B\n- C\n\nAfter."


def test_split_sections_html_unescapes_only_escaped_markup():
    assert (
        split_sections("&lt;h2&gt;Perks&lt;/h2&gt;&lt;p&gt;Snacks&lt;/p&gt;", "html")[0].heading
        == "Perks"
    )
    literal = split_sections("<p>Write a &lt;div&gt; by hand.</p>", "html")
    assert literal[0].text == "Write a <div> by hand."


def test_split_sections_greenhouse_blocks_open_sections():
    body = (
        '<div class="content-intro"><p>Acme makes anvils.</p></div><p>You will test anvils.</p>'
        '<div class="content-conclusion"><p>Acme is an equal opportunity employer.</p></div>'
    )
    sections = split_sections(body, "html")
    assert [(s.heading, s.kind) for s in sections] == [
        ("", K.ABOUT_COMPANY),
        ("", K.ROLE),
        ("", K.LEGAL),
    ]


def test_split_sections_empty_heading_dropped_unless_last_and_passes_kind_on():
    body = "<h2>Benefits</h2><h3>Health</h3><p>Dental.</p><h3>Time</h3><p>Lots.</p><h2>Apply</h2>"
    sections = split_sections(body, "html")
    assert [(s.heading, s.kind) for s in sections] == [
        ("Health", K.BENEFITS),
        ("Time", K.BENEFITS),
        ("Apply", K.OTHER),
    ]


def test_split_sections_markdown_bold_and_underscore_lines_are_headings():
    body = (
        "Hello.\n\n**About us:**\n\nWe build.\n\n__Perks__\n\n* Tea\n* Cake\n\n### You have\n\nGrit"
    )
    sections = split_sections(body, "markdown")
    assert [(s.heading, s.text) for s in sections] == [
        ("", "Hello."),
        ("About us", "We build."),
        ("Perks", "- Tea\n- Cake"),
        ("You have", "Grit"),
    ]


def test_split_sections_markdown_inline_bold_label_is_not_heading():
    body = "## Role\n\n**Stack:** Go and Postgres.\n\n**Team:**\nfive people"
    sections = split_sections(body, "markdown")
    assert headings(sections) == ["Role", "Team"]
    assert sections[0].text == "Stack: Go and Postgres."
    assert sections[1].text == "five people"


def test_split_sections_markdown_heading_inside_list_is_item():
    sections = split_sections("Skills:\n\n* ### Go\n* Rust\n  * nested", "markdown")
    assert [(s.heading, s.text) for s in sections] == [("Skills", "- Go\n- Rust\n- nested")]


def test_split_sections_plain_text_headings_are_conservative():
    body = (
        "About Acme\nAcme builds rockets for the moon and we are hiring now.\n"
        "We offer:\nFlexible hours\nA long description of the pension plan we offer to everyone.\n"
        "This is a sentence.\nIt is short but ends with a period.\n"
        "Requirements:\n- Go\n- Rust"
    )
    sections = split_sections(body, "text")
    assert headings(sections) == ["About Acme", "We offer", "Requirements"]
    assert sections[1].text.splitlines()[0] == "Flexible hours"
    assert sections[2].text == "- Go\n- Rust"


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("What you'll do", K.ROLE),
        ("What You’ll Do", K.ROLE),
        ("Responsibilities", K.ROLE),
        ("The Role", K.ROLE),
        ("Your impact", K.ROLE),
        ("In this role you will", K.ROLE),
        ("Requirements", K.REQUIREMENTS),
        ("What we're looking for", K.REQUIREMENTS),
        ("Qualifications", K.REQUIREMENTS),
        ("You have", K.REQUIREMENTS),
        ("Must have", K.REQUIREMENTS),
        ("About you", K.REQUIREMENTS),
        ("Who you are", K.REQUIREMENTS),
        ("Examples of desirable skills, knowledge and experience", K.REQUIREMENTS),
        ("Nice to have", K.NICE_TO_HAVE),
        ("Bonus points", K.NICE_TO_HAVE),
        ("Preferred qualifications", K.NICE_TO_HAVE),
        ("Pluses", K.NICE_TO_HAVE),
        ("Benefits", K.BENEFITS),
        ("Perks", K.BENEFITS),
        ("What we offer", K.BENEFITS),
        ("Compensation", K.BENEFITS),
        ("Why join us?", K.BENEFITS),
        ("What Makes Cloudflare Special?", K.BENEFITS),
        ("Equal opportunity", K.LEGAL),
        ("EEO statement", K.LEGAL),
        ("Accommodations", K.LEGAL),
        ("Privacy notice", K.LEGAL),
        ("About us", K.ABOUT_COMPANY),
        ("About Cloudflare", K.ABOUT_COMPANY),
        ("Who we are", K.ABOUT_COMPANY),
        ("Our mission", K.ABOUT_COMPANY),
        ("About the team", K.ABOUT_TEAM),
        ("About the Department", K.ABOUT_TEAM),
        ("The team", K.ABOUT_TEAM),
        ("About the Payments team", K.ABOUT_TEAM),
        ("How to apply", K.OTHER),
        ("Location", K.OTHER),
    ],
)
def test_classify_section_by_heading(heading, kind):
    assert classify_section(heading, "Anything at all.") is kind


def test_classify_section_headless_by_text_cues():
    eeo = "Acme is an equal opportunity employer and hires without regard to race or religion."
    assert classify_section("", eeo) is K.LEGAL
    pitch = "Acme was founded in 2010 and our platform serves millions of customers."
    assert classify_section("", pitch, first=True) is K.ABOUT_COMPANY
    assert classify_section("", "In this role you will build pipelines.") is K.ROLE
    assert classify_section("", "Lorem ipsum.") is K.OTHER


# Invariants

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
WORDS = st.lists(WORD, min_size=1, max_size=7).map(
    lambda ws: " ".join([ws[0].capitalize(), *ws[1:]])
)
BLOCK = st.one_of(
    st.tuples(st.just("heading"), st.integers(1, 4), WORDS).map(
        lambda b: (b[0], "#" * b[1] + " " + b[2], b[2])
    ),
    WORDS.map(lambda w: ("heading", f"**{w}**", w)),
    WORDS.map(lambda w: ("text", w + ".", w)),
    st.tuples(WORDS, WORDS).map(lambda b: ("text", f"**{b[0]}:** {b[1]}", f"{b[0]} {b[1]}")),
    st.lists(WORDS, min_size=1, max_size=4).map(
        lambda items: ("text", "\n".join(f"* {i}" for i in items), " ".join(items))
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(BLOCK, min_size=1, max_size=12))
def test_split_sections_markdown_keeps_every_word(blocks):
    source = "\n\n".join(markup for _, markup, _ in blocks)
    sections = split_sections(source, "markdown")
    found = set(re.findall(r"\w+", " ".join(f"{s.heading} {s.text}" for s in sections)))
    # A heading with nothing under it is dropped by design, unless it is the last block.
    expected = [
        words
        for index, (kind, _, words) in enumerate(blocks)
        if kind == "text" or index == len(blocks) - 1 or blocks[index + 1][0] == "text"
    ]
    assert set(re.findall(r"\w+", " ".join(expected))) <= found
    assert all(s.text or s is sections[-1] for s in sections)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["html", "markdown", "text"]))
def test_split_sections_never_raises(body, body_format):
    for section in split_sections(body, body_format):
        assert isinstance(section.kind, SectionKind)
