"""Fixtures shared by the build's tests."""

from __future__ import annotations

import json

import pytest

from tests.paths import SAMPLE_POSTINGS


@pytest.fixture
def sample_files(tmp_path):
    """The sample, a line that is not JSON, a record whose body has no text and a later record
    for the first posting's id (it wins)."""
    lines = SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    extra = [
        "{not json",
        json.dumps({**first, "id": "empty-body", "content_html": "<p> </p>"}),
        json.dumps({**first, "title": "A newer title for the first posting"}),
    ]
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(lines[:25]) + "\n", encoding="utf-8")
    b.write_text("\n".join(lines[25:] + extra) + "\n", encoding="utf-8")
    return [a, b]
