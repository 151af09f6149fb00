"""The search page in headless Chromium: a real server over a small index, and a browser.

Debian's chromium drives the tests (Playwright's own browser download is never used); without
it or without playwright the tests skip and say why. `make test` installs both.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.main import create_app
from index.build.rebuild import build_index
from index.models import Posting, SectionKind, Workplace
from index.settings import Settings
from tests.api.server import running_server
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Sets a flag and opens a dialog if the page ever treats posting text as markup.
HOSTILE = '<script>window.__pwned = 1; alert(1)</script><img src=x onerror="window.__pwned = 2; alert(2)">'
HOSTILE_ID = "evil:666#1"

# id | title | company | team | country | city | workplace | languages | the role | requirements
JOBS_TABLE = """
ferrowind:101#1 | Senior Rust Engineer, Storage Engine | Ferrowind Data | Storage | DE | Berlin | hybrid | Rust | Own the columnar storage engine: compaction, the write path and tiering cold data to object storage. | Rust 🦀 in production; storage engines or databases
ferrowind:102#1 | Distributed Systems Engineer, Replication | Ferrowind Data | Storage | US | New York | remote | Go, Rust | Build replication and consensus for our distributed database across regions. | Distributed systems, Raft or Paxos, Go or Rust
ferrowind:103#1 | Query Planner Engineer | Ferrowind Data | Storage | DE | Berlin | remote | Rust, C++ | Make the query planner pick better plans for analytical queries over storage engines. | Database internals, query optimization, C++ or Rust
nimbus:201#1 | Platform Engineer, Kubernetes | Nimbus Cloud | Platform | US | New York | remote | Go | Run the Kubernetes platform every product team deploys to, and make it boring. | Kubernetes operators, Terraform, on-call experience
nimbus:202#1 | Site Reliability Engineer | Nimbus Cloud | Platform | CA | Toronto | hybrid | Go, Python | Own observability and incident response for services handling a million requests a second. | Prometheus, tracing, Linux performance
nimbus:203#1 | Security Engineer, Identity | Nimbus Cloud | Security | CA | Toronto | remote | Go, Rust | Design authentication and authorization for every API we ship. | OAuth, threat modeling, secure code review
brightleaf:301#1 | Frontend Engineer, Design System | Brightleaf | Frontend | GB | London | hybrid | TypeScript | Build the accessible component library and design system used across our apps. | React, TypeScript, accessibility (WCAG)
brightleaf:302#1 | iOS Engineer | Brightleaf | Mobile | GB | London | on-site | Swift | Ship the iPhone app that two million people use to plan their week. | Swift, SwiftUI, shipping apps to the App Store
parcelpost:401#1 | Senior React Engineer, Checkout | Parcelpost | Frontend | GB | London | remote | TypeScript | Make checkout fast and reliable on every device, from slow phones to wide screens. | React, web performance, A/B testing
parcelpost:402#1 | Backend Engineer, Payments | Parcelpost | Payments | DE | Berlin | on-site | Go, Java | Build the payments and billing services that move money for millions of parcels. | Go or Java, PostgreSQL, idempotent APIs
parcelpost:403#1 | Staff Engineer, Billing | Parcelpost | Payments | US | New York | hybrid | Java, Kotlin | Lead the redesign of invoicing and billing across twelve countries. | Large-scale backend systems, mentoring
streamline:501#1 | Data Engineer, Streaming Pipelines | Streamline Analytics | Data | NL | Amsterdam | hybrid | Python, Java | Build streaming pipelines with Kafka and Spark that feed every dashboard we sell. | Kafka, Spark, Airflow, SQL
streamline:502#1 | Machine Learning Engineer, Search Ranking | Streamline Analytics | Data | US | New York | remote | Python | Train and ship ranking models for semantic search over millions of documents. | PyTorch, embeddings, offline evaluation
streamline:503#1 | Analytics Engineer | Streamline Analytics | Data | NL | Amsterdam | on-site | Python | Model our warehouse so product teams can answer their own questions. | dbt, SQL, data modeling
ferrowind:104#1 | Compiler Engineer, Query Execution | Ferrowind Data | Storage | CA | Toronto | remote | Rust, C++ | Compile queries to vectorized code with LLVM inside the storage engine. | Compilers, LLVM, SIMD
"""
JOBS = [line.split(" | ") for line in JOBS_TABLE.strip().splitlines()]


def page_postings() -> list[Posting]:
    """The jobs above, updated one day apart in table order, and a hostile posting."""
    postings = []
    for n, job in enumerate(JOBS):
        posting_id, title, company, team, country, city, workplace, langs, role, needs = job
        sections = (
            ("About us", SectionKind.ABOUT_COMPANY, f"{company} is a team of about 80 people."),
            (
                "What you'll do",
                SectionKind.ROLE,
                f"{role}\n\n- Write design documents\n- Ship carefully, then measure",
            ),
            (
                "What we look for",
                SectionKind.REQUIREMENTS,
                f"- {needs}\n- Clear written communication",
            ),
            ("Benefits", SectionKind.BENEFITS, "Thirty days of paid leave.\n\nA learning budget."),
        )
        posting = make_posting(
            posting_id,
            title,
            company=company,
            team=team,
            countries=(country,),
            cities=(city,),
            workplace=Workplace(workplace),
            languages=tuple(langs.split(", ")),
            updated_at=f"2026-10-{n + 1:02d}T09:00:00Z",
            sections=sections,
        )
        postings.append(posting)
    postings.append(
        make_posting(
            HOSTILE_ID,
            f"Storage Engineer {HOSTILE}",
            company=f"Evil Corp {HOSTILE}",
            team="Storage",
            countries=("DE", "PL"),
            cities=("Berlin", "Kraków"),
            languages=("Rust",),
            updated_at="2026-09-01T09:00:00Z",
            sections=(
                (
                    f"About {HOSTILE}",
                    SectionKind.ROLE,
                    f"Build storage engines. {HOSTILE}\n\n- {HOSTILE}",
                ),
            ),
        )
    )
    return postings


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("page") / "index"
    build_index(page_postings(), FakeEmbedder(), root)
    # The fake embedder's cosines are low: no relevance threshold, no rate limit.
    settings = Settings(index_dir=root, model="fake-hash", min_score=0.0, rate_limit="")
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        yield str(http.base_url)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (make browser-deps installs it)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="needs playwright (make browser-deps installs it)"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, base_url: str, width: int = 1280, height: int = 900, bypass_csp=True):
    # bypass_csp lets a payload run if the page ever built markup from posting text: the
    # hostile-posting test then proves the DOM building is safe, not only that the CSP blocks.
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, bypass_csp=bypass_csp
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture
def page(browser, base_url):
    page = new_page(browser, base_url)
    yield page
    assert page.errors == []  # no uncaught exception in app.js
    page.context.close()


@pytest.fixture
def phone(browser, base_url):
    page = new_page(browser, base_url, width=375, height=800)
    yield page
    assert page.errors == []
    page.context.close()


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    """Into tmp_path, and a copy under var/screenshots (git-ignored) to look at."""
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / name)
    return path
