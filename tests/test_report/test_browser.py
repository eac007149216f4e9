"""The report and the review app in headless Chromium (Debian's package, launched by path through
Playwright): every row rendered, filters narrow, sorting orders, an accept click is stored, pages readable
at 1280x800 and 390 wide. Screenshots of each page go to the test's temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from github_issue_analysis.storage.decision_store import RowFilter
from tests.browser import needs_chromium

from .conftest import ORG, Labelled

pytestmark = needs_chromium

SIZES = {"wide": (1280, 800), "narrow": (390, 844)}


def open_page(browser: Any, size: str = "wide") -> Any:
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
    return page


def visible_rows(page: Any) -> int:
    return int(page.locator("#rows tr:not([hidden])").count())


def check_readable(page: Any, shot: Path) -> None:
    """No horizontal overflow of the main layout, and a screenshot for people to look at."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.querySelector('main').getBoundingClientRect().right") <= width
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 1000


@pytest.mark.slow
def test_report_renders_filters_and_sorts_every_row(browser: Any, labelled: Labelled, tmp_path: Path) -> None:
    page = open_page(browser)
    page.goto(labelled.report.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#rows tr").count() == visible_rows(page) == 95
    assert page.locator("#shown").inner_text() == "95 of 95 issues shown"

    in_repo = sum(1 for r in labelled.store.results.current(org=ORG) if r.repo == "app-installer")
    page.select_option("#f-repo", f"{ORG}/app-installer")
    assert 0 < visible_rows(page) == in_repo < 95

    page.select_option("#f-label", "product::vendor")
    narrowed = visible_rows(page)
    assert 0 < narrowed < in_repo
    page.select_option("#f-repo", "")
    page.select_option("#f-label", "")
    page.locator("#f-confidence").fill("0.8")
    confident = sum(1 for r in labelled.store.results.current(org=ORG) if r.analysis["confidence"] >= 0.8)
    assert visible_rows(page) == confident
    page.locator("#f-confidence").fill("0")

    page.click("th[data-sort='confidence'] button")
    page.click("th[data-sort='confidence'] button")  # descending
    shown = [float(text) for text in page.locator("#rows tr td:nth-child(5)").all_text_contents()]
    assert shown == sorted(shown, reverse=True) and len(shown) == 95
    check_readable(page, tmp_path / "report-wide.png")
    page.close()


def test_report_is_readable_on_a_narrow_window(browser: Any, labelled: Labelled, tmp_path: Path) -> None:
    page = open_page(browser, "narrow")
    page.goto(labelled.report.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    assert visible_rows(page) == 95
    check_readable(page, tmp_path / "report-narrow.png")
    page.close()


@pytest.mark.slow
def test_accept_click_is_stored(browser: Any, labelled: Labelled, served_app: str, tmp_path: Path) -> None:
    page = open_page(browser)
    page.goto(f"{served_app}/orgs/{ORG}/review")
    first = page.locator("#queue tbody tr").first
    ref = first.locator("td").first.inner_text()
    waiting = int(page.locator("#queue-count").inner_text().split()[0])
    first.get_by_role("button", name="Accept").click()
    page.wait_for_selector("#flash")
    assert f"Accepted {ORG}/{ref}" in page.locator("#flash").inner_text()
    assert f"{waiting - 1} issue(s) waiting" in page.locator("#queue-count").inner_text()
    stored = {f"{r.repo}#{r.number}": r.status for r in labelled.store.decisions.rows(RowFilter(org=ORG))}
    assert stored[ref] == "accepted"
    assert list(stored.values()).count("accepted") == 1
    page.close()


@pytest.mark.slow
def test_every_page_is_readable_wide_and_narrow(
    browser: Any, labelled: Labelled, served_app: str, tmp_path: Path
) -> None:
    paths = {
        "home": "/",
        "org-report": f"/orgs/{ORG}",
        "group-report": f"/groups/{labelled.run['group_id']}",
        "review": f"/orgs/{ORG}/review",
        "plan": f"/orgs/{ORG}/plan",
    }
    for size in SIZES:
        page = open_page(browser, size)
        for name, path in paths.items():
            response = page.goto(served_app + path)
            assert response is not None and response.status == 200, path
            check_readable(page, tmp_path / f"{name}-{size}.png")
        missing = page.goto(f"{served_app}/groups/group_doesnotexist")
        assert missing is not None and missing.status == 404
        assert "No batch group" in page.locator("#error-message").inner_text()
        check_readable(page, tmp_path / f"not-found-{size}.png")
        page.close()
