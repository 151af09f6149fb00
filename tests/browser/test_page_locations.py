"""A posting that lists dozens of countries shows them short on the page, the list on hover."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from api.main import create_app
from index.build.rebuild import build_index
from index.ingest.countries import REGION_COUNTRIES
from index.ingest.locations import country_name
from index.models import Location, Workplace
from index.settings import Settings
from tests.api.server import running_server
from tests.browser.conftest import new_page
from tests.factories import make_posting
from tests.fakes import FakeEmbedder

AFRICA = REGION_COUNTRIES["Africa"]
RAW = ",".join(country_name(code) for code in AFRICA)  # as an ATS export lists them


@pytest.fixture(scope="module")
def places_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("places") / "index"
    continent = replace(
        make_posting("africa", "Support Engineer", updated_at="2026-10-02"),
        location=Location(raw=RAW, countries=AFRICA),
    )
    berlin = make_posting(
        "berlin", "Rust Engineer", countries=("DE",), cities=("Berlin",), workplace=Workplace.HYBRID
    )
    build_index([continent, berlin], FakeEmbedder(), root)
    settings = Settings(index_dir=root, model="fake-hash", min_score=0.0, rate_limit_per_minute=0)
    with running_server(create_app(settings, embedder_factory=lambda s: FakeEmbedder())) as http:
        yield str(http.base_url)


def test_page_shows_a_long_country_list_as_its_region_and_count(browser, places_url):
    page = new_page(browser, places_url)
    page.goto("/")
    page.wait_for_selector("ol.results article.card")
    first, second = page.locator("ol.results article.card .facts").all()
    place = first.locator("span").nth(1)
    assert place.text_content() == f"Africa · {len(AFRICA)} countries"
    assert place.get_attribute("title") == RAW  # the whole list on hover
    assert "Berlin, DE" in second.locator("span").all_text_contents()
    assert second.locator("span[title]").count() == 0  # short already: no tooltip
    assert page.errors == []
    page.context.close()
