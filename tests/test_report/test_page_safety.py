"""Nobody acts through the review page or the report: a crafted issue URL in the store (`javascript:`) never
becomes a link (links are built from org/repo/number on the GitHub host), no inline script runs without its
hash (an injected link or handler does nothing), and `serve` refuses to be framed. In headless Chromium."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from github_issue_analysis_sandbox.server import BackgroundServer
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from github_issue_analysis.config import get_settings
from github_issue_analysis.report.app import create_app
from github_issue_analysis.report.builder import ReportScope, build_report
from github_issue_analysis.report.render import write_report
from github_issue_analysis.storage.schema import issues
from github_issue_analysis.storage.store import Store, open_store
from tests.browser import needs_chromium
from tests.conftest import invoke
from tests.factories import issue_document
from tests.test_labels.conftest import seed_result

ORG = "labs"
PAYLOAD = "javascript:document.body.setAttribute('data-pwned','1');void 0"
BUILT = "https://github.com/labs/app/issues/1"


@dataclass
class Crafted:
    store: Store
    app_url: str
    report: Path


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


@pytest.fixture
def crafted(tmp_path: Path, database_url: str) -> Iterator[Crafted]:
    """Two analysed issues in labs/app; the first one's stored URL is a script (as an older import stored it)."""
    labels = [{"name": "bug"}, {"name": "product::ui", "description": "The user interface"}]
    for number in (1, 2):
        document = issue_document(ORG, "app", number, labels=labels[:number])
        write_json(tmp_path / "issues" / f"{number}.json", document)
    assert invoke("import", str(tmp_path / "issues")).exit_code == 0
    get_settings.cache_clear()
    store = open_store(database_url)
    for number in (1, 2):
        seed_result(store, number, {"product::ui": 0.9})
    with store.engine.begin() as conn:
        conn.execute(update(issues).where(issues.c.number == 1).values(url=PAYLOAD))
    report = tmp_path / "report.html"
    write_report(build_report(store, ReportScope(org=ORG)), report)
    with BackgroundServer(create_app(store, get_settings())) as server:
        yield Crafted(store, server.url, report)
    store.close()


def fresh_page(browser: Any, visited: list[str]) -> Any:
    """A page whose requests off loopback and file:// never leave the machine: answered 204 (the page stays)."""
    page = browser.new_page()

    def answer(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "file://")):
            route.continue_()
        else:
            visited.append(url)
            route.fulfill(status=204, body="")

    page.route("**/*", answer)
    page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
    return page


def pwned(page: Any) -> bool:
    page.wait_for_timeout(200)
    return page.evaluate("document.body.getAttribute('data-pwned')") is not None


@needs_chromium
def test_a_crafted_issue_url_is_never_the_link(browser: Any, crafted: Crafted) -> None:
    visited: list[str] = []
    page = fresh_page(browser, visited)
    for address, table in (
        (f"{crafted.app_url}/orgs/{ORG}/review", "#queue"),
        (f"{crafted.app_url}/orgs/{ORG}/plan?min=0&accepted_only=0", "#changes"),
        (crafted.report.as_uri(), "#rows"),
    ):
        page.goto(address)
        link = page.locator(f"{table} a", has_text=re.compile(r"app#1$"))
        assert link.get_attribute("href", timeout=5000) == BUILT, address
        assert page.locator("a[href^='javascript' i]").count() == 0, address
        link.click()
        assert not pwned(page), address
    assert visited == [BUILT] * 3
    page.close()


INJECT = """() => {
  const a = document.createElement('a');
  a.id = 'injected'; a.textContent = 'x';
  a.href = "javascript:document.body.setAttribute('data-pwned','1')";
  document.body.appendChild(a);
  const div = document.createElement('div');
  div.setAttribute('onclick', "document.body.setAttribute('data-pwned','1')");
  div.id = 'handler'; div.textContent = 'y';
  document.body.appendChild(div);
  const script = document.createElement('script');
  script.textContent = "document.body.setAttribute('data-pwned','1')";
  document.body.appendChild(script);
}"""


@needs_chromium
def test_injected_links_handlers_and_scripts_do_nothing(browser: Any, crafted: Crafted) -> None:
    page = fresh_page(browser, [])
    for address in (
        crafted.report.as_uri(),
        f"{crafted.app_url}/orgs/{ORG}",
        f"{crafted.app_url}/orgs/{ORG}/review",
    ):
        page.goto(address)
        if "review" not in address:
            page.wait_for_selector("body[data-ready='1']")  # the page's own script runs under the policy
            assert page.locator("#rows tr").count() == 2
        page.evaluate(INJECT)
        page.click("#injected")
        page.click("#handler")
        assert not pwned(page), address
    page.close()


@needs_chromium
def test_a_foreign_page_cannot_frame_the_review_page(browser: Any, crafted: Crafted) -> None:
    review = f"{crafted.app_url}/orgs/{ORG}/review"

    async def framing(_: Any) -> HTMLResponse:
        return HTMLResponse(f'<!doctype html><iframe id="f" src="{review}" width="800" height="600"></iframe>')

    with BackgroundServer(Starlette(routes=[Route("/", framing)])) as foreign:
        page = browser.new_page()
        page.goto(foreign.url)
        page.wait_for_timeout(300)
        framed = [frame for frame in page.frames if frame != page.main_frame]
        assert len(framed) == 1
        assert framed[0].locator("#queue").count() == 0
        assert framed[0].locator("button").count() == 0
        page.close()


def test_every_answer_refuses_framing_and_inline_script(crafted: Crafted) -> None:
    with TestClient(create_app(crafted.store, get_settings()), base_url="http://127.0.0.1") as client:
        answers = [
            client.get("/"),
            client.get(f"/orgs/{ORG}/review"),
            client.get(f"/orgs/{ORG}"),
            client.get("/groups/nothing-like-this"),
            client.post(f"/orgs/{ORG}/review", data={"ref": "app#1", "action": "accept"}),
            client.get("/", headers={"Host": "attacker.example"}),
        ]
        script = client.get("/static/report.js")
    assert [a.status_code for a in answers] == [200, 200, 200, 404, 403, 400]
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    for answer in [*answers, script]:
        assert answer.headers["x-frame-options"] == "DENY"
        policy = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    for answer in answers[:5]:
        assert "<script>" not in answer.text and not handlers(answer.text)


def handlers(html: str) -> list[str]:
    """Inline event handlers (onclick=, onerror=, ...) in any tag."""
    return re.findall(r"<[a-z][^>]*\son[a-z]+\s*=", html, flags=re.IGNORECASE)


def test_the_report_file_runs_only_its_hashed_script(crafted: Crafted) -> None:
    page = crafted.report.read_text()
    policy = html.unescape(page.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0])
    script_policy = policy.split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in script_policy and "'sha256-" in script_policy
    assert not handlers(page)
