from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.main import create_app
from index.build.rebuild import build_index
from index.models import SectionKind, Workplace
from index.settings import Settings
from tests.api.server import running_server
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

POSTINGS = [
    make_posting(
        "rust-1",
        "Rust Storage Engineer",
        team="Storage",
        countries=("DE",),
        cities=("Berlin",),
        workplace=Workplace.HYBRID,
        languages=("Rust",),
        sections=(
            ("What you'll do", SectionKind.ROLE, "Build the storage engine and replication."),
        ),
    ),
    make_posting(
        "go-1",
        "Go Platform Engineer",
        team="Platform",
        countries=("US",),
        workplace=Workplace.REMOTE,
        languages=("Go",),
        updated_at="2026-11-01T00:00:00Z",
        sections=(
            ("Requirements", SectionKind.REQUIREMENTS, "Kubernetes, observability, on-call."),
        ),
    ),
    make_posting(
        "sales-1",
        "Account Executive",
        team="Sales",
        countries=("GB",),
        cities=("London",),
        workplace=Workplace.ONSITE,
        updated_at="2026-09-01T00:00:00Z",
        sections=(("The role", SectionKind.ROLE, "Own a sales quota and grow customers."),),
    ),
]


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api") / "index"
    build_index(POSTINGS, FakeEmbedder(), root)
    return root


@pytest.fixture(scope="module")
def client(index_root: Path) -> Iterator[httpx.Client]:
    # The fake embedder's cosines are not the real model's: no "no good match" threshold here.
    settings = Settings(
        index_dir=index_root, model="fake-hash", max_limit=50, max_query_chars=2000, min_score=0.0
    )
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        yield http
