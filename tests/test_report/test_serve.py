"""`serve` over HTTP through httpx: pages, the review queue writing the same decisions as `labels accept`,
CSRF, 404 pages, nothing secret in a page."""

from __future__ import annotations

import re
import time

import httpx

from github_issue_analysis.storage.decision_store import ReviewRow, RowFilter

from .conftest import API_KEY, GITHUB_TOKEN, ORG, Labelled


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found is not None
    return found.group(1)


def decisions(labelled: Labelled) -> dict[str, ReviewRow]:
    return {f"{row.repo}#{row.number}": row for row in labelled.store.decisions.rows(RowFilter(org=ORG))}


def test_pages_render_and_hold_no_secret(labelled: Labelled, served_app: str) -> None:
    with httpx.Client(base_url=served_app) as client:
        pages = ["/", f"/orgs/{ORG}", f"/groups/{labelled.run['group_id']}", f"/orgs/{ORG}/review", f"/orgs/{ORG}/plan"]
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            assert API_KEY not in response.text and GITHUB_TOKEN not in response.text
        assert response.text.count("<tr") > 1
        review = client.get(f"/orgs/{ORG}/review?all=1").text
        assert "95 issue(s) with a recommendation" in review


def test_accept_reject_edit_are_stored_as_labels_decisions(labelled: Labelled, served_app: str) -> None:
    with httpx.Client(base_url=served_app, follow_redirects=True) as client:
        token = csrf_token(client.get(f"/orgs/{ORG}/review").text)
        for ref, action, labels in (
            ("app-installer#1", "accept", ""),
            ("app-installer#2", "reject", ""),
            ("app-installer#3", "edit", "product::kots, product::vendor"),
        ):
            form = {"csrf_token": token, "ref": ref, "action": action, "labels": labels}
            response = client.post(f"/orgs/{ORG}/review", data=form)
            assert response.status_code == 200
        for decided in ("app-installer-1", "app-installer-2", "app-installer-3"):  # gone from the pending queue
            assert f'id="issue-{decided}"' not in response.text
    stored = decisions(labelled)
    assert stored["app-installer#1"].status == "accepted"
    assert stored["app-installer#2"].status == "rejected"
    edited = stored["app-installer#3"].decision
    assert edited is not None and edited.decision == "edited"
    assert edited.labels == ["product::kots", "product::vendor"]


def test_an_edit_outside_the_taxonomy_is_refused(labelled: Labelled, served_app: str) -> None:
    with httpx.Client(base_url=served_app) as client:
        token = csrf_token(client.get(f"/orgs/{ORG}/review").text)
        form = {"csrf_token": token, "ref": "app-installer#1", "action": "edit", "labels": "wontfix"}
        response = client.post(f"/orgs/{ORG}/review", data=form)
    assert response.status_code == 400 and "wontfix" in response.text
    assert decisions(labelled)["app-installer#1"].status == "pending"


def test_bulk_accept_above_a_confidence(labelled: Labelled, served_app: str) -> None:
    with httpx.Client(base_url=served_app, follow_redirects=True) as client:
        token = csrf_token(client.get(f"/orgs/{ORG}/review").text)
        response = client.post(f"/orgs/{ORG}/review/accept-above", data={"csrf_token": token, "min_confidence": "0.8"})
    assert response.status_code == 200
    accepted = re.search(r"Accepted (\d+) issue", response.text)
    assert accepted is not None and int(accepted.group(1)) > 0
    statuses = [row.status for row in decisions(labelled).values()]
    assert statuses.count("accepted") == int(accepted.group(1))


def test_posts_without_the_token_or_from_another_site_are_refused(labelled: Labelled, served_app: str) -> None:
    with httpx.Client(base_url=served_app) as client:
        token = csrf_token(client.get(f"/orgs/{ORG}/review").text)
        form = {"ref": "app-installer#1", "action": "accept"}
        no_token = client.post(f"/orgs/{ORG}/review", data=form)
        wrong = client.post(f"/orgs/{ORG}/review", data={**form, "csrf_token": "0" * 64})
        cross_site = client.post(
            f"/orgs/{ORG}/review", data={**form, "csrf_token": token}, headers={"Origin": "http://evil.example"}
        )
        by_get = client.get(f"/orgs/{ORG}/review/accept-above")
    assert no_token.status_code == wrong.status_code == cross_site.status_code == 403
    assert by_get.status_code == 405
    assert "Traceback" not in no_token.text
    assert all(row.status == "pending" for row in decisions(labelled).values())


def test_bad_ids_give_a_404_page(served_app: str) -> None:
    with httpx.Client(base_url=served_app) as client:
        for path in ("/groups/group_doesnotexist", "/orgs/nobody", "/orgs/nobody/review", "/nowhere"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "<h1>Not found</h1>" in response.text and "Traceback" not in response.text
        bad_number = client.get(f"/orgs/{ORG}/review?min=lots")
        assert bad_number.status_code == 400 and "Traceback" not in bad_number.text


def test_a_foreign_host_header_is_refused(served_app: str) -> None:
    with httpx.Client(base_url=served_app) as client:
        assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_apply_button_runs_labels_apply_and_shows_the_outcome(labelled: Labelled, served_app: str) -> None:
    from github_issue_analysis.labels.options import LabelSelection
    from github_issue_analysis.labels.plan import build_plan

    planned = build_plan(labelled.store, LabelSelection(ORG, min_confidence=0.8)).changes
    assert planned
    with httpx.Client(base_url=served_app, follow_redirects=True) as client:
        plan_page = client.get(f"/orgs/{ORG}/plan", params={"accepted_only": "0"}).text
        assert f"{len(planned)} issue(s) to change" in plan_page
        refused = client.post(f"/orgs/{ORG}/apply", data={"min": "0.8"}, follow_redirects=False)
        assert refused.status_code == 403
        confirm = client.get(f"/orgs/{ORG}/apply/confirm", params={"min": "0.8", "accepted_only": "0"}).text
        form = {"csrf_token": csrf_token(confirm), "min": "0.8", "accepted_only": "0"}
        unconfirmed = client.post(f"/orgs/{ORG}/apply", data=form)  # no digest: the plan is shown, not applied
        assert unconfirmed.status_code == 200 and 'id="confirm-form"' in unconfirmed.text
        assert labelled.store.label_audit.runs() == []
        digest = re.search(r'name="digest" value="([0-9a-f]+)"', confirm)
        assert digest is not None
        started = client.post(f"/orgs/{ORG}/apply", data={**form, "digest": digest.group(1)})
        assert started.status_code == 200 and "/apply/apply_" in str(started.url)
        deadline = time.monotonic() + 60
        page = started.text
        while 'data-status="running"' in page and time.monotonic() < deadline:
            time.sleep(0.2)
            page = client.get(started.url).text
        assert 'data-status="done"' in page, page
        assert f"{len(planned)} issue(s) labelled, 0 failed" in page
        assert client.get(f"/orgs/{ORG}/apply/apply_nope").status_code == 404
    assert build_plan(labelled.store, LabelSelection(ORG, min_confidence=0.8)).changes == []
    runs = labelled.store.label_audit.runs()
    assert len(runs) == 1
