from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedding.base import Embedder
from index.embedding.factory import load_embedder
from index.embedding.sentence_transformer import SentenceTransformerEmbedder
from index.settings import Settings, get_settings
from tests.fakes import FakeEmbedder
from tests.paths import REPO


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
def real_embedder() -> Embedder:
    """The packaged all-MiniLM-L6-v2 on the default backend, loaded once for the session."""
    settings = Settings()
    return load_embedder(settings.model, settings.backend, REPO / "var" / "cache", threads=2)


@pytest.fixture(scope="session")
def torch_embedder() -> SentenceTransformerEmbedder:
    """The same model through sentence-transformers (PyTorch), the reference the others match."""
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", threads=2)
