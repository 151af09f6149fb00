"""Where test data lives, and skipping cleanly when ../shared is not beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLE_POSTINGS = REPO / "data" / "sample" / "postings.jsonl"


def shared_file(relative: str) -> Path:
    """A file under ../shared, or skip the test saying what is missing."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"needs ../shared/{relative} (the shared corpus is not beside this checkout)")
    return path
