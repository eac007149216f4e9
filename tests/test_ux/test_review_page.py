"""The review page in headless Chromium: the queue shows only what would change, 50 to a page, with keyboard
keys; "Apply on GitHub" shows the exact plan (accepted only by default) and asks first; label chips never break
inside a word."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from github_issue_analysis.labels import decisions as review
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.labels.plan import build_plan
from github_issue_analysis.storage.decision_store import RowFilter
from tests.browser import needs_chromium
from tests.test_report.conftest import (  # noqa: F401  (fixtures)
    ORG,
    Labelled,
    emulators,
    labelled,
    served_app,
)

pytestmark = [
    pytest.mark.slow,
    needs_chromium,
]


def statuses(run: Labelled) -> dict[str, str]:
    return {f"{r.repo}#{r.number}": r.status for r in run.store.decisions.rows(RowFilter(org=ORG))}


def chips_on_one_line(page: Any) -> bool:
    """Every chip of the page, and a probe chip with a long label in a box narrower than the label, is one line."""
    return bool(
        page.evaluate(
            """() => {
                 const box = document.createElement('div');
                 box.style.width = '80px';
                 box.innerHTML = '<span class="tag">product::documentation 0.95</span>';
                 document.querySelector('main').appendChild(box);
                 return true;
               }"""
        )
    ) and bool(
        page.evaluate(
            """() => Array.from(document.querySelectorAll('.tag')).every(tag => {
                 const size = parseFloat(getComputedStyle(tag).fontSize);
                 return tag.getBoundingClientRect().height < 2.2 * size;  // one line of text, not two
               })"""
        )
    )


def test_queue_keys_confirmed_apply_and_unbroken_chips(
    browser: Any,
    labelled: Labelled,  # noqa: F811
    served_app: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    selection = LabelSelection(ORG, min_confidence=0.0)
    pending = review.review_queue(labelled.store, selection)
    changing = [row for row in pending if review.would_change(row, selection)]
    assert 0 < len(changing) < len(pending)  # the sandbox has recommendations that change nothing

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
    page.goto(f"{served_app}/orgs/{ORG}/review")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#queue tbody tr[data-index]").count() == min(50, len(changing))
    assert f"{len(changing)} issue(s) waiting" in page.locator("#queue-count").inner_text()
    assert f"{len(pending) - len(changing)} more would change nothing" in page.locator("#queue-count").inner_text()
    assert chips_on_one_line(page)

    first, second = (page.locator("#queue tbody tr td").nth(0).inner_text(), None)
    page.keyboard.press("j")  # the first row
    page.keyboard.press("a")  # accept it
    page.wait_for_selector("#flash")
    assert f"Accepted {ORG}/{first}" in page.locator("#flash").inner_text()
    page.wait_for_selector("body[data-ready='1']")
    second = page.locator("#queue tbody tr.current td").first.inner_text()  # focus stays where the queue was
    page.keyboard.press("a")
    page.wait_for_selector(f"#flash:has-text('{second}')")
    page.wait_for_selector("body[data-ready='1']")
    page.keyboard.press("j")
    rejected = page.locator("#queue tbody tr.current td").first.inner_text()
    page.keyboard.press("r")
    page.wait_for_selector(f"#flash:has-text('Rejected {ORG}/{rejected}')")
    stored = statuses(labelled)
    assert (stored[first], stored[second], stored[rejected]) == ("accepted", "accepted", "rejected")

    page.goto(f"{served_app}/orgs/{ORG}/plan")
    assert page.locator("select[name='accepted_only']").input_value() == "1"  # accepted only is the default
    page.click("#apply-form button")
    page.wait_for_selector("#confirm")
    accepted_plan = build_plan(labelled.store, LabelSelection(ORG, accepted_only=True))
    shown = page.locator("#confirm-changes tbody tr td:first-child").all_inner_texts()
    assert sorted(shown) == sorted(f"{c.repo}#{c.number}" for c in accepted_plan.changes)
    assert shown and set(shown) <= {first, second}  # only what was accepted (at or above the plan's threshold)
    added = sum(len(c.add) for c in accepted_plan.changes)
    assert f"{added} label(s) added" in page.locator("#confirm-summary").inner_text()
    assert labelled.store.label_audit.runs() == []  # nothing is written before the confirmation
    shot = Path(os.environ.get("GH_ANALYSIS_SCREENSHOT_DIR") or tmp_path) / "review-confirm.png"
    page.screenshot(path=str(shot), full_page=False)
    assert chips_on_one_line(page)

    page.click("#confirm-apply")
    page.wait_for_selector("#apply-status[data-status='done']", timeout=60_000)
    assert f"{len(shown)} issue(s) labelled, 0 failed" in page.locator("#apply-done").inner_text()
    runs = labelled.store.label_audit.runs()
    assert len(runs) == 1

    page.set_viewport_size({"width": 390, "height": 844})  # narrow: chips still never break inside a word
    for path in (f"/orgs/{ORG}/review?all=1", f"/orgs/{ORG}/plan?accepted_only=0", f"/orgs/{ORG}"):
        page.goto(served_app + path)
        assert chips_on_one_line(page), path
    page.goto(labelled.report.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    assert chips_on_one_line(page)
    page.close()
