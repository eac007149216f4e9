"""`label` and the review page's apply find the GitHub token as `collect` does: with GH_TOKEN and GITHUB_TOKEN
unset, a stand-in `gh` on PATH answers `gh auth token`."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from github_issue_analysis_sandbox.server import BackgroundServer

from github_issue_analysis.config import get_settings
from github_issue_analysis.report.app import create_app
from tests.fake_gh import only_gh_has_the_token

from .conftest import GITHUB_TOKEN, ORG, Emulators, Labelled, label


def test_label_collects_with_gh_auth_token(
    emulators: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_gh_has_the_token(tmp_path / "bin", GITHUB_TOKEN, monkeypatch)
    run = label()
    assert run["collected"] > 0 and emulators.batches_created() > 0


def test_review_page_apply_uses_gh_auth_token(
    labelled: Labelled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_gh_has_the_token(tmp_path / "bin", GITHUB_TOKEN, monkeypatch)
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.github_token is None
    with BackgroundServer(create_app(labelled.store, settings)) as server, httpx.Client(base_url=server.url) as client:
        confirm = client.get(f"/orgs/{ORG}/apply/confirm", params={"min": "0.8", "accepted_only": "0"}).text
        found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', confirm)
        digest = re.search(r'name="digest" value="([0-9a-f]+)"', confirm)
        assert found is not None and digest is not None
        form = {"csrf_token": found.group(1), "min": "0.8", "accepted_only": "0", "digest": digest.group(1)}
        page = client.post(f"/orgs/{ORG}/apply", data=form, follow_redirects=True)
        assert page.status_code == 200 and "/apply/apply_" in str(page.url), page.text
        deadline = time.monotonic() + 60
        while 'data-status="running"' in page.text and time.monotonic() < deadline:
            time.sleep(0.2)
            page = client.get(page.url)
    assert 'data-status="done"' in page.text, page.text
    assert re.search(r"[1-9]\d* issue\(s\) labelled, 0 failed", page.text)
    assert len(labelled.store.label_audit.runs()) == 1
