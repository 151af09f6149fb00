"""Rows built a batch at a time, anywhere, and written in order make the catalog that writing
posting by posting makes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.build.chunking import chunk_posting
from index.ingest.boilerplate import find_boilerplate
from index.storage.catalog_write import CatalogWriter, catalog_rows, write_catalog
from index.storage.passages import decompress
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder

fake = FakeEmbedder(max_tokens=32)
TABLES = ("postings", "sections", "chunks", "facets", "arrays", "term_postings", "vocabulary")


def catalog_dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table a search reads, bodies decompressed, in a stable order."""
    db = sqlite3.connect(path)
    try:
        dump = {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
        dump["bodies"] = [(p, decompress(b)) for p, b in db.execute("SELECT * FROM bodies")]
        dump["term_stats"] = db.execute("SELECT * FROM term_stats").fetchall()
        return dump
    finally:
        db.close()


def test_batches_of_rows_written_in_order_equal_writing_posting_by_posting(tmp_path):
    postings = synthetic_postings(23, seed=4)
    chunks = [chunk_posting(p, fake.count_tokens, fake.max_tokens) for p in postings]
    boilerplate = find_boilerplate(postings)
    write_catalog(tmp_path / "one.sqlite", postings, chunks, boilerplate)
    with CatalogWriter(tmp_path / "batches.sqlite", boilerplate) as writer:
        writer.add(postings[0], chunks[0])  # a posting added alone comes before the batches
        for start, end in ((1, 10), (10, 11), (11, 23)):
            writer.add_rows(catalog_rows(postings[start:end], chunks[start:end], boilerplate))
    expected = catalog_dump(tmp_path / "one.sqlite")
    assert catalog_dump(tmp_path / "batches.sqlite") == expected
    assert len(expected["postings"]) == 23 and len(expected["chunks"]) == sum(map(len, chunks))
