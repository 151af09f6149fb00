"""The search page in headless Chromium, used the way a job seeker uses it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import HOSTILE, HOSTILE_ID, JOBS, new_page, save_screenshot

ALL = len(JOBS) + 1  # and the hostile posting
CARDS = "ol.results article.card"


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def status_has(page, text: str) -> None:
    """Wait for the page to finish drawing (main loses aria-busy) with `text` in its status."""
    page.wait_for_function(
        """text => !document.getElementById('main').hasAttribute('aria-busy')
            && document.getElementById('status').textContent.includes(text)""",
        arg=text,
    )


def titles(page) -> list[str]:
    return page.locator(f"{CARDS} h2").all_text_contents()


def search(page, text: str) -> None:
    page.fill("#q", text)
    page.press("#q", "Enter")
    status_has(page, "match your description")


def test_page_empty_query_lists_newest_postings(page):
    page.goto("/")
    status_has(page, f"{ALL} jobs, newest first")
    assert page.text_content("main h1") == "Newest jobs"
    assert titles(page)[0] == JOBS[-1][1]  # updated last
    assert page.locator("#filters input[type=checkbox]").count() > 0  # counts without a query
    places = page.locator("#filters input[name=location]")
    assert places.count() == 8  # the 8 largest, then a button for the rest
    page.get_by_role("button", name="Show all 12").click()
    assert places.count() == 12  # countries and cities: remote/hybrid/on-site have their group
    assert page.evaluate("document.activeElement.name") == "location"  # on the first new one


def test_page_search_shows_highlighted_results(page, tmp_path):
    page.goto("/")
    status_has(page, "newest first")
    search(page, "storage engines in Rust")
    assert query_of(page)["q"] == ["storage engines in Rust"]
    assert titles(page)[0] == "Senior Rust Engineer, Storage Engine"
    first = page.locator(CARDS).first
    assert first.locator(".facts span").all_text_contents() == [
        "Ferrowind Data",
        "Storage",
        "Berlin, DE",
        "Hybrid",
    ]
    assert first.locator(".chips li").all_text_contents() == ["Rust"]
    assert first.locator(".match .section").text_content() == "What you'll do"
    marks = page.locator(f"{CARDS} mark").all_text_contents()
    assert marks and {m.casefold() for m in marks} <= {"storage", "engines", "engine", "rust"}
    assert (
        first.get_by_role("link", name="Original posting")
        .get_attribute("href")
        .startswith("https://example.com/")
    )
    assert page.get_attribute("#status", "aria-live") == "polite"
    save_screenshot(page, tmp_path, "results.png")


def test_page_enter_submits_and_shift_enter_adds_a_line(page):
    page.goto("/")
    status_has(page, "newest first")
    page.click("#q")
    page.keyboard.type("Kubernetes platform work")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("remote, in Go")
    assert page.input_value("#q") == "Kubernetes platform work\nremote, in Go"
    assert "q" not in query_of(page)  # Shift+Enter did not search
    page.keyboard.press("Enter")
    status_has(page, "match your description")
    assert query_of(page)["q"] == ["Kubernetes platform work\nremote, in Go"]


def test_page_long_description_is_searched_in_full(page):
    page.goto("/")
    status_has(page, "newest first")
    paragraph = "I have spent six years building storage engines and query planners in Rust. " * 30
    with page.expect_request(lambda r: r.url.endswith("/v1/search") and r.method == "POST"):
        page.fill("#q", paragraph)  # too long for a GET URL to the API: sent as a JSON body
        page.press("#q", "Enter")
    status_has(page, "match your description")
    assert query_of(page)["q"] == [paragraph.strip()]
    assert page.locator(CARDS).count() == 10


def test_page_facets_narrow_results_and_live_in_the_url(page):
    page.goto("/?q=engineer")
    status_has(page, f"{ALL} jobs match")
    storage = "#filters input[name=team][value=Storage]"
    expected = int(page.text_content("#filters label:has(input[value=Storage]) .count"))
    page.focus(storage)
    page.keyboard.press("Space")  # real checkboxes: the keyboard works
    page.wait_for_function("location.search.includes('team=Storage')")
    status_has(page, f"{expected} jobs match")
    assert page.locator(CARDS).count() == expected
    assert all("Storage" in f for f in page.locator(f"{CARDS} .facts").all_text_contents())
    assert page.evaluate("document.activeElement.value") == "Storage"  # focus kept

    page.check("#filters input[name=team][value=Platform]")  # OR within a field
    page.wait_for_function("location.search.includes('team=Platform')")
    assert query_of(page)["team"] == ["Storage", "Platform"]
    page.wait_for_function(f"document.querySelectorAll('{CARDS}').length > {expected}")

    page.check("#filters input[name=workplace][value=remote]")  # AND across fields
    page.wait_for_function("location.search.includes('workplace=remote')")
    page.wait_for_function(
        f"[...document.querySelectorAll('{CARDS} .badge')].every(b => b.textContent === 'Remote')"
    )
    assert page.text_content("#filters summary") == "Filters (3)"
    page.get_by_role("link", name="Clear all filters").click()
    status_has(page, f"{ALL} jobs match")
    assert "team" not in query_of(page)


def test_page_paginates(page):
    page.goto("/?limit=5")
    status_has(page, f"{ALL} jobs, newest first, page 1 of 4")
    assert page.text_content(".pager") == f"← Previous1–5 of {ALL}Next →"
    first_page = titles(page)
    assert len(first_page) == 5
    page.get_by_role("link", name="Next").click()
    page.wait_for_function("location.search.includes('offset=5')")
    status_has(page, "page 2 of 4")
    assert set(titles(page)).isdisjoint(first_page)
    assert query_of(page)["limit"] == ["5"]
    page.goto(f"/?limit=5&offset={ALL - 1}")
    status_has(page, "page 4 of 4")
    assert page.locator(CARDS).count() == 1
    assert page.locator(".pager .off", has_text="Next").count() == 1
    page.go_back()
    status_has(page, "page 2 of 4")


def test_page_opens_a_posting_then_similar_jobs_and_goes_back(page):
    page.goto("/")
    status_has(page, "newest first")
    search(page, "storage engines in Rust")
    page.check("#filters input[name=language][value=Rust]")
    page.wait_for_function("location.search.includes('language=Rust')")
    status_has(page, "match your description")
    results = titles(page)

    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    page.locator(f"{CARDS} h2 a").last.click()
    page.wait_for_selector("article.posting h1")
    assert page.evaluate("window.scrollY") == 0
    page.go_back()
    status_has(page, "match your description")
    assert page.evaluate("window.scrollY") == scrolled  # where the reader left off

    page.get_by_role("link", name="Senior Rust Engineer, Storage Engine", exact=True).click()
    page.wait_for_selector("article.posting h1")
    assert query_of(page)["view"] == ["posting"]
    assert query_of(page)["id"] == ["ferrowind:101#1"]  # ':' and '#' survive the round trip
    assert page.text_content("article.posting h1") == "Senior Rust Engineer, Storage Engine"
    assert page.locator("article.posting h2").all_text_contents() == [
        "About us",
        "What you'll do",
        "What we look for",
        "Benefits",
    ]
    assert page.locator("article.posting ul:not(.chips) li").all_text_contents()[:2] == [
        "Write design documents",
        "Ship carefully, then measure",
    ]
    assert page.evaluate("document.activeElement.tagName") == "H1"  # focus follows the view

    page.locator("article.posting").get_by_role("link", name="Similar jobs").click()
    page.wait_for_function("location.search.includes('view=similar')")
    status_has(page, "similar jobs")
    assert page.text_content("main h1") == "Jobs similar to Senior Rust Engineer, Storage Engine"
    similar = titles(page)
    assert similar and "Senior Rust Engineer, Storage Engine" not in similar

    page.go_back()
    page.wait_for_selector("article.posting h1")
    page.get_by_role("link", name="← Back to results").click()  # history.back(), not a new entry
    page.wait_for_function("!location.search.includes('view=')")
    status_has(page, "match your description")
    assert titles(page) == results
    assert page.is_checked("#filters input[name=language][value=Rust]")
    assert page.input_value("#q") == "storage engines in Rust"
    page.go_back()  # before the filter
    page.wait_for_function("!location.search.includes('language=')")
    assert page.input_value("#q") == "storage engines in Rust"


def test_page_shared_posting_link_opens_directly(page):
    page.goto("/?q=kubernetes&team=Platform&view=posting&id=nimbus%3A201%231")
    page.wait_for_selector("article.posting h1")
    assert page.text_content("article.posting h1") == "Platform Engineer, Kubernetes"
    page.get_by_role("link", name="← Back to results").click()  # no history: goes forward
    status_has(page, "match your description")
    assert query_of(page) == {"q": ["kubernetes"], "team": ["Platform"]}


def test_page_unknown_posting_says_so(page):
    page.goto("/?view=posting&id=nope%3A1%232")
    page.wait_for_selector("[role=alert]")
    assert "no longer listed" in page.text_content("main h1")


def test_page_no_good_match_message(page):
    page.goto("/?q=storage&team=Frontend&language=Rust")
    page.wait_for_selector(".empty")
    assert page.text_content("#status") == "No jobs match"
    assert page.text_content(".empty h2") == "No good match"
    assert page.is_checked("#filters input[name=team][value=Frontend]")  # can still be unticked
    page.get_by_role("link", name="Search again without filters").click()
    status_has(page, "match your description")
    assert query_of(page) == {"q": ["storage"]}


def test_page_hostile_posting_runs_nothing(page):
    page.goto("/?q=storage+engines")
    status_has(page, "match your description")
    hostile = page.locator(CARDS, has_text="Evil Corp").first
    assert HOSTILE in hostile.locator("h2").text_content()  # shown literally, as text
    assert HOSTILE in hostile.locator(".match").text_content()
    hostile.locator("h2 a").click()
    page.wait_for_selector("article.posting h1")
    assert query_of(page)["id"] == [HOSTILE_ID]
    assert page.text_content("article.posting h1") == f"Storage Engineer {HOSTILE}"
    assert HOSTILE in page.text_content("article.posting ul:not(.chips) li")
    assert HOSTILE in page.title()
    page.wait_for_timeout(200)  # give an onerror handler the time to fire
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.locator("#content script, #content img").count() == 0


def test_page_works_under_its_own_strict_policy(browser, base_url):
    page = new_page(browser, base_url, bypass_csp=False)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"/?view=posting&id={HOSTILE_ID.replace(':', '%3A').replace('#', '%23')}")
    page.wait_for_selector("article.posting h1")
    page.goto("/?q=storage+engines")
    status_has(page, "match your description")
    assert page.locator(f"{CARDS} mark").count() > 0
    assert violations == [] and page.errors == [] and page.dialogs == []
    page.context.close()


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/static/style.css"])
def test_page_and_static_files_send_security_headers(page, path):
    response = page.request.get(path)
    assert response.ok
    csp = response.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_page_json_api_responses_are_unchanged(page):
    response = page.request.get("/v1/search?q=rust")
    assert response.ok and "content-security-policy" not in response.headers


def test_page_fits_a_phone(phone, tmp_path):
    phone.goto("/?q=storage+engines+in+Rust")
    status_has(phone, "match your description")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert not phone.is_visible("#filters input")  # filters fold away under their summary
    save_screenshot(phone, tmp_path, "phone.png")
    phone.click("#filters summary")
    assert phone.is_visible("#filters input[name=team][value=Storage]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.goto(f"/?view=posting&id={HOSTILE_ID.replace(':', '%3A').replace('#', '%23')}")
    phone.wait_for_selector("article.posting h1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_page_says_which_place_it_understood_and_puts_it_first(page):
    page.goto("/")
    status_has(page, "newest first")
    search(page, "storage engines in Rust, remote in Germany")
    note = page.locator("#head .understood")
    assert note.text_content() == "Remote jobs in Germany come first, as your description asks."
    assert titles(page)[0] == "Query Planner Engineer"  # the remote Berlin storage job
    search(page, "storage engines in Rust")
    assert page.locator("#head .understood").count() == 0
    assert titles(page)[0] == "Senior Rust Engineer, Storage Engine"


def test_page_says_what_it_searched_for_a_misspelled_query_and_offers_the_words_typed(page):
    page.goto("/")
    status_has(page, "newest first")
    page.fill("#q", "storage enigneer")
    page.press("#q", "Enter")
    page.wait_for_selector("p.corrected")
    assert page.text_content("p.corrected strong") == "storage engineer"
    original = page.locator("p.corrected a.original")
    assert original.text_content() == "Search instead for storage enigneer"
    original.click()
    page.wait_for_function("() => !document.getElementById('main').hasAttribute('aria-busy')")
    assert query_of(page)["spellcheck"] == ["false"] and query_of(page)["q"] == ["storage enigneer"]
    assert page.locator("p.corrected").count() == 0


def test_page_offers_the_level_filter_group(page):
    page.goto("/")
    status_has(page, "newest first")
    legends = page.locator("#filters legend").all_text_contents()
    assert "Level" in legends
    assert page.locator("#filters input[name=level]").count() >= 1


def test_page_says_which_level_and_language_it_understood(page):
    page.goto("/")
    status_has(page, "newest first")
    search(page, "senior storage engineer in rust")
    assert page.text_content("#head .understood-level") == (
        "Senior roles come first, as your description asks."
    )
    assert page.text_content("#head .understood-languages") == (
        "Jobs in Rust come first, as your description asks."
    )


def test_page_offers_the_workplace_filter_group_anded_with_location(page):
    page.goto("/")
    status_has(page, "newest first")
    assert "Workplace" in page.locator("#filters legend").all_text_contents()
    workplaces = page.locator("#filters input[name=workplace]")
    assert sorted(workplaces.evaluate_all("nodes => nodes.map(n => n.value)")) == [
        "hybrid",
        "on-site",
        "remote",
    ]
    locations = page.locator("#filters input[name=location]")
    assert "remote" not in locations.evaluate_all("nodes => nodes.map(n => n.value)")
    page.check("#filters input[name=workplace][value=remote]")
    status_has(page, "newest first")
    page.check("#filters input[name=location][value=DE]")
    status_has(page, "1 job, newest first")  # remote AND in Germany: the remote Berlin job
    assert query_of(page)["workplace"] == ["remote"] and query_of(page)["location"] == ["DE"]
    assert titles(page) == ["Query Planner Engineer"]


def test_page_says_which_workplace_it_understood(page):
    page.goto("/")
    status_has(page, "newest first")
    search(page, "storage engines in Rust, hybrid in Berlin")
    note = page.locator("#head .understood")
    assert note.text_content() == "Hybrid jobs in Berlin come first, as your description asks."
