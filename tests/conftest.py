from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedder import SentenceTransformerEmbedder
from index.settings import get_settings
from tests.fakes import FakeEmbedder


@pytest.fixture(autouse=True)
def clean_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own index root and no settings from the developer's environment."""
    monkeypatch.setenv("JOBSEARCH_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once for the whole session."""
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", threads=2)
