"""Each posting's text is stored once: sections and chunks are spans of one compressed body,
and what the catalog serves from them is what the postings and chunks held."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.build.chunking import chunk_posting
from index.build.understood_cache import understand_all
from index.ingest.boilerplate import find_boilerplate
from index.ingest.readers import read_postings
from index.models import SectionKind
from index.storage.catalog import Catalog
from index.storage.catalog_write import write_catalog
from index.storage.passages import lay_out, locate_passages
from index.storage.term_postings import decode_postings, encode_postings
from tests.factories import make_posting
from tests.fakes import FakeEmbedder
from tests.paths import SAMPLE_POSTINGS

fake = FakeEmbedder(max_tokens=48)
section_text = st.text(
    st.sampled_from(list("abcdefg XYZ.,-\n\t") + ["é", "ß", "\u00a0", "\u2003", "东"]),
    max_size=400,
)
sections = st.lists(
    st.tuples(
        st.sampled_from(["", "About", "Requirements"]), st.sampled_from(SectionKind), section_text
    ),
    min_size=1,
    max_size=6,
)


def _chunked(postings):
    return [chunk_posting(p, fake.count_tokens, fake.max_tokens) for p in postings]


def _catalog(tmp_path, postings, chunks) -> Catalog:
    path = tmp_path / "catalog.sqlite"
    path.unlink(missing_ok=True)
    write_catalog(path, postings, chunks, find_boilerplate(postings))
    return Catalog(path)


@given(sections)
def test_lay_out_spans_give_back_each_heading_and_text(parts):
    posting = make_posting("p", sections=tuple(parts))
    body, spans = lay_out(posting.sections)
    assert [(s.heading(body), s.text(body)) for s in spans] == [
        (section.heading, section.text) for section in posting.sections
    ]


@settings(max_examples=60, deadline=None)
@given(sections)
def test_locate_passages_spans_hold_each_passage_word_for_word(parts):
    posting = make_posting("p", sections=tuple(p for p in parts if p[2].strip()) or parts[:1])
    body, _ = lay_out(posting.sections)
    chunks = chunk_posting(posting, fake.count_tokens, fake.max_tokens)
    for chunk, span in zip(chunks, locate_passages(body, [c.passage for c in chunks]), strict=True):
        if span is not None:
            assert body[span[0] : span[1]].split() == chunk.passage.split()


@pytest.fixture(scope="module")
def sample():
    postings = understand_all(read_postings([SAMPLE_POSTINGS]).postings).postings
    return postings, _chunked(postings)


def test_catalog_serves_each_chunk_and_section_as_written(tmp_path, sample):
    postings, chunks = sample
    catalog = _catalog(tmp_path, postings, chunks)
    flat = [c for group in chunks for c in group]
    served = catalog.chunks(list(range(len(flat))))
    for chunk_id, chunk in enumerate(flat):
        record = served[chunk_id]
        assert (record.heading, record.kind) == (chunk.heading, chunk.kind)
        assert record.passage.split() == chunk.passage.split()  # what a snippet shows
    for pid, posting in enumerate(postings):
        assert catalog.sections(pid) == list(posting.sections)
    kinds = np.array([list(SectionKind).index(c.kind) for c in flat])
    assert np.array_equal(catalog.chunk_kind, kinds)


def test_catalog_stores_a_passage_only_where_the_body_lacks_it(tmp_path):
    """A tiny leading section is carried into the next one's chunk without that section's
    heading: not a span of the body, so the passage itself is stored and served."""
    role = "Design and build the storage engine for our database service " * 3
    posting = make_posting(
        "p",
        sections=(
            ("", SectionKind.OTHER, "Remote."),
            ("What you'll do", SectionKind.ROLE, role),
            ("Benefits", SectionKind.BENEFITS, "Good pay, a pension and time off " * 3),
        ),
    )
    chunks = _chunked([posting])
    catalog = _catalog(tmp_path, [posting], chunks)
    with sqlite3.connect(catalog.path) as db:
        stored = db.execute("SELECT passage IS NOT NULL FROM chunks ORDER BY chunk_id").fetchall()
    assert stored[0] == (1,) and (0,) in stored  # the stitched one stored, the others spans
    served = catalog.chunks(list(range(len(chunks[0]))))
    assert [served[i].passage for i in range(len(chunks[0]))][0] == chunks[0][0].passage


def test_catalog_keyword_table_holds_no_text(tmp_path, sample):
    catalog = _catalog(tmp_path, *sample)
    with sqlite3.connect(catalog.path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        text_columns = db.execute(
            "SELECT count(*) FROM pragma_table_info('chunks') WHERE name IN ('passage', 'heading')"
        ).fetchone()
        spans = db.execute("SELECT count(*) FROM chunks WHERE passage IS NULL").fetchone()[0]
    assert "posting_text_content" not in tables  # contentless FTS5
    assert text_columns == (2,)  # nullable: filled only where a chunk is not a span
    assert spans / catalog.chunk_count > 0.9


def test_catalog_is_at_most_one_and_a_half_times_its_input(tmp_path, sample):
    """800 postings: each sample record again under a new id (understood alike, so the sample's
    understood postings are reused rather than parsed 13 more times)."""
    records = SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()
    postings, chunks = sample
    copies = range(800 // len(records))
    corpus = tmp_path / "copies.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({**json.loads(line), "id": f"copy-{n}-{i}"}) + "\n"
            for n in copies
            for i, line in enumerate(records)
        ),
        encoding="utf-8",
    )
    many = [replace(p, id=f"copy-{n}-{i}") for n in copies for i, p in enumerate(postings)]
    catalog = _catalog(tmp_path, many, [c for _ in copies for c in chunks])
    assert catalog.posting_count == len(copies) * len(records)
    assert catalog.path.stat().st_size <= 1.5 * corpus.stat().st_size


@given(
    st.lists(st.integers(0, 2**31 - 1), min_size=1, max_size=50, unique=True),
    st.integers(0, 70_000),
)
def test_term_postings_round_trip_in_their_narrowest_width(pids, top_count):
    pids_array = np.array(sorted(pids), dtype=np.int64)
    counts = np.zeros((len(pids), 3), dtype=np.int64)
    counts[:, 1] = top_count
    blob_pids, blob_counts = encode_postings(pids_array, counts)
    got_pids, got_counts = decode_postings(len(pids), blob_pids, blob_counts)
    assert got_pids.tolist() == pids_array.tolist()
    assert got_counts[:, 1].tolist() == [min(top_count, 65535)] * len(pids)
    assert len(blob_counts) == 3 * len(pids) * (1 if top_count < 256 else 2)
