from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.main import create_app
from index.build import build_index
from index.models import SectionKind, Workplace
from index.settings import Settings
from tests.api.server import running_server
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

TEAMS = ["Storage", "Platform", "Frontend", "Data"]
COUNTRIES = [("DE", "Berlin"), ("US", "New York"), ("GB", "London"), ("CA", "Toronto")]
LANGUAGES = [("Rust",), ("Go",), ("TypeScript",), ("Python",)]


def page_postings():
    postings = [
        make_posting(
            f"job:{n}",
            f"{TEAMS[n % 4]} Engineer {n}",
            team=TEAMS[n % 4],
            countries=(COUNTRIES[n % 4][0],),
            cities=(COUNTRIES[n % 4][1],),
            workplace=Workplace.REMOTE if n % 3 == 0 else Workplace.HYBRID,
            languages=LANGUAGES[n % 4],
            company=f"Company {n % 5}",
            updated_at=f"2026-10-{n + 1:02d}T00:00:00Z",
            sections=(
                (
                    "What you'll do",
                    SectionKind.ROLE,
                    f"Build storage engines and distributed systems, part {n}.\n\n- Design\n- Ship",
                ),
                (
                    "Requirements",
                    SectionKind.REQUIREMENTS,
                    f"Experience with engines and systems at scale {n}.",
                ),
            ),
        )
        for n in range(16)
    ]
    postings.append(
        make_posting(
            "job:hostile",
            f"Storage Engineer {HOSTILE}",
            team="Storage",
            sections=(("About", SectionKind.ROLE, f"Build storage engines. {HOSTILE}"),),
        )
    )
    return postings


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("page") / "index"
    build_index(page_postings(), FakeEmbedder(), root)
    settings = Settings(index_dir=root, model="fake-hash", min_score=0.0, rate_limit_per_minute=0)
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        yield str(http.base_url)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (make test installs it)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="needs playwright (make test installs it)"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    # bypass_csp lets the test's own probes run; it also means the hostile-posting test proves
    # the page is safe by how it builds the DOM, not only because the CSP would block a payload.
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    review = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    review.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, review / name)
    return path
