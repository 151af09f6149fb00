"""Chunks fit the model, follow sections and cover every word of the text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.build.chunking import SPECIAL_TOKENS, chunk_posting, split_text
from index.models import SectionKind
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

fake = FakeEmbedder(max_tokens=64)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def covered(section_text: str, passages: list[str]) -> bool:
    joined = set(words(" ".join(passages)))
    return set(words(section_text)) <= joined


def test_chunk_long_section_splits_within_limit_and_covers_text():
    long_text = "\n\n".join(
        f"Paragraph {n} talks about storage engines and query planning in Rust." for n in range(30)
    )
    posting = make_posting(
        "p", "Storage Engineer", sections=(("What you'll do", SectionKind.ROLE, long_text),)
    )
    chunks = chunk_posting(posting, fake.count_tokens, fake.max_tokens)
    assert len(chunks) > 3
    assert all(fake.count_tokens(c.text) + SPECIAL_TOKENS <= fake.max_tokens for c in chunks)
    assert all(c.text.startswith("Storage Engineer. What you'll do:") for c in chunks)
    assert covered(long_text, [c.passage for c in chunks])
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_chunk_tiny_section_joins_its_neighbour():
    posting = make_posting(
        "p",
        sections=(
            (
                "What you'll do",
                SectionKind.ROLE,
                "Design and build the storage engine for our database service, from the write-ahead log "
                "to compaction, and own its performance in production.",
            ),
            ("Location", SectionKind.OTHER, "Remote."),
        ),
    )
    chunks = chunk_posting(posting, fake.count_tokens, 256)
    assert len(chunks) == 1
    assert "Remote." in chunks[0].passage and chunks[0].kind is SectionKind.ROLE


def test_chunk_never_crosses_sections():
    posting = make_posting(
        "p",
        sections=(
            (
                "Requirements",
                SectionKind.REQUIREMENTS,
                "Five years of Go and Kubernetes experience in production systems, "
                "including on-call for services with strict latency objectives and careful rollouts.",
            ),
            (
                "Benefits",
                SectionKind.BENEFITS,
                "Health insurance, a learning budget and four weeks of paid vacation, "
                "plus a home-office stipend, parental leave and a yearly team offsite somewhere warm.",
            ),
        ),
    )
    chunks = chunk_posting(posting, fake.count_tokens, 256)
    assert [(c.heading, c.kind) for c in chunks] == [
        ("Requirements", SectionKind.REQUIREMENTS),
        ("Benefits", SectionKind.BENEFITS),
    ]


def test_chunk_one_enormous_word_is_cut_not_dropped():
    blob = "x" * 500
    pieces = split_text(blob, fake.count_tokens, 40)
    assert "".join(pieces) == blob


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("abcdefgh .,\n")), min_size=0, max_size=400),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=24, max_value=128),
)
def test_chunk_invariants_hold_for_any_text(section_texts, max_tokens):
    sections = tuple((f"H{i}", SectionKind.OTHER, text) for i, text in enumerate(section_texts))
    posting = make_posting("p", "Title", sections=sections)
    chunks = chunk_posting(posting, fake.count_tokens, max_tokens)
    assert chunks, "every posting gets at least one chunk"
    assert all(c.passage.strip() for c in chunks)
    assert all(fake.count_tokens(c.text) + SPECIAL_TOKENS <= max_tokens for c in chunks)
    all_words = set(words(" ".join(c.passage for c in chunks)))
    for text in section_texts:
        assert set(words(text)) <= all_words


@pytest.mark.slow
def test_chunk_real_tokenizer_never_exceeds_model_limit(torch_embedder):
    paragraph = (
        "We build distributed systems, storage engines and query planners in Rust and C++. " * 40
    )
    posting = make_posting(
        "p", "Engineer", sections=(("What you'll do", SectionKind.ROLE, paragraph),)
    )
    chunks = chunk_posting(posting, torch_embedder.count_tokens, torch_embedder.max_tokens)
    assert len(chunks) > 1
    for chunk in chunks:
        ids = torch_embedder._model.tokenizer(chunk.text)["input_ids"]  # with special tokens
        assert len(ids) <= torch_embedder.max_tokens
