"""The search page in headless Chromium, as a job seeker uses it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import save_screenshot


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def search(page, text: str) -> None:
    page.fill("#q", text)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#status').textContent.includes('matching jobs')")


def test_page_search_facet_posting_similar_and_back(page, tmp_path):
    page.goto("/")
    page.wait_for_function("document.querySelector('#status').textContent.includes('newest first')")
    search(page, "storage engines distributed systems")
    assert query_of(page)["q"] == ["storage engines distributed systems"]
    status = page.text_content("#status")
    assert "17 matching jobs" in status
    assert page.locator("article.card mark").count() > 0  # query words highlighted
    save_screenshot(page, tmp_path, "results.png")

    page.check("#facets input[name=team][value=Storage]")
    page.wait_for_function("location.search.includes('team=Storage')")
    page.wait_for_function("document.querySelector('#status').textContent.startsWith('5 ')")
    teams = page.locator("article.card .meta").all_text_contents()
    assert teams and all("Storage" in t for t in teams)

    page.locator("article.card h2 a").first.click()
    page.wait_for_selector("article.posting h1")
    assert query_of(page)["view"] == ["posting"]
    assert page.locator("article.posting h2").all_text_contents() == [
        "What you'll do",
        "Requirements",
    ]
    assert page.locator("article.posting li").count() >= 2

    page.get_by_role("button", name="Similar jobs").click()
    page.wait_for_function("location.search.includes('view=similar')")
    page.wait_for_function("document.querySelector('#status').textContent.includes('similar jobs')")
    similar = page.locator("article.card h2").all_text_contents()
    assert similar and "Storage Engineer 0" not in similar  # not the posting itself

    page.go_back()
    page.wait_for_selector("article.posting h1")
    page.go_back()
    page.wait_for_function(
        "location.search.includes('team=Storage') && !location.search.includes('view=')"
    )
    page.wait_for_selector("#facets input[name=team][value=Storage]")
    assert page.is_checked("#facets input[name=team][value=Storage]")
    assert page.input_value("#q") == "storage engines distributed systems"


def test_page_paginates(page):
    page.goto("/?q=storage+engines&limit=10")
    page.wait_for_selector("article.card")
    assert page.locator("article.card").count() == 10
    page.get_by_role("button", name="Next").click()
    page.wait_for_function("location.search.includes('offset=10')")
    page.wait_for_function("document.querySelectorAll('article.card').length === 7")


def test_page_hostile_posting_runs_nothing(page):
    page.goto("/?q=storage+engineer")
    page.wait_for_selector("article.card")
    hostile = page.locator("article.card", has_text="<script>").first
    assert "<img src=x onerror" in hostile.text_content()  # shown as text
    page.goto("/?view=posting&id=job%3Ahostile")
    page.wait_for_selector("article.posting h1")
    assert "<script>" in page.text_content("article.posting h1")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.locator("article script, article img").count() == 0


def test_page_no_good_match_message(page):
    page.goto("/?q=storage&language=Go&team=Frontend")
    page.wait_for_selector(".empty")
    assert "No good match" in page.text_content(".empty")


def test_page_fits_a_phone(browser, base_url, tmp_path):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 375, "height": 800}, bypass_csp=True
    )
    page = context.new_page()
    page.goto("/?q=storage+engines")
    page.wait_for_selector("article.card")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(page, tmp_path, "phone.png")
    context.close()


def test_page_is_served_with_a_strict_policy(page):
    response = page.goto("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
