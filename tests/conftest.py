from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedding.base import Embedder
from index.embedding.factory import load_embedder
from index.embedding.sentence_transformer import SentenceTransformerEmbedder
from index.settings import Settings, get_settings
from tests.fakes import FakeEmbedder
from tests.paths import REPO

TESTS = Path(__file__).resolve().parent
ENV_PREFIX = "JOBSEARCH_"
# Folders or files under tests/ (keep in step when tests move). subprocess: a real process is
# started (a CLI run, a rebuild killed mid-way, Ray's local cluster); browser: Chromium.
SUBPROCESS_PATHS = (
    "scripts",
    "index/build/test_crash.py",
    "index/build/test_ray_build.py",
)
BROWSER_PATHS = ("browser",)


def _under(relative: str, paths: tuple[str, ...]) -> bool:
    return any(relative == path or relative.startswith(f"{path}/") for path in paths)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """browser: drives Chromium; subprocess: runs a real process. Both are slow as well, so
    `pytest -m "not slow"` is the quick run."""
    for item in items:
        try:
            relative = item.path.resolve().relative_to(TESTS).as_posix()
        except ValueError:
            continue
        if _under(relative, BROWSER_PATHS) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
        if _under(relative, SUBPROCESS_PATHS) and not item.get_closest_marker("subprocess"):
            item.add_marker(pytest.mark.subprocess)
        heavy = item.get_closest_marker("browser") or item.get_closest_marker("subprocess")
        if heavy and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def clean_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own index root and no settings from the developer's environment:
    no JOBSEARCH_* variable (any case: pydantic-settings matches names case-insensitively)
    and no .env file, wherever the tests run from."""
    for name in list(os.environ):
        if name.upper().startswith(ENV_PREFIX):
            monkeypatch.delenv(name)
    monkeypatch.setitem(Settings.model_config, "env_file", None)
    monkeypatch.setenv("JOBSEARCH_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    """The packaged all-MiniLM-L6-v2 on the default backend, loaded once for the session.

    A session fixture is set up before the per-test clean_settings, so it takes the defaults
    declared on Settings rather than reading the environment or a .env file."""
    fields = Settings.model_fields
    model, backend = fields["model"].default, fields["backend"].default
    return load_embedder(model, backend, REPO / "var" / "cache", threads=2)


@pytest.fixture(scope="session")
def torch_embedder() -> SentenceTransformerEmbedder:
    """The same model through sentence-transformers (PyTorch), the reference the others match."""
    return SentenceTransformerEmbedder("all-MiniLM-L6-v2", threads=2)
