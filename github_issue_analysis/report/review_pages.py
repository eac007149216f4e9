"""The review queue (accept / reject / edit, bulk accept above a confidence) and the label plan, through the
labels services: the same decisions `labels review` and `labels accept` write."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from github_issue_analysis.ai.processors.taxonomy import Taxonomy
from github_issue_analysis.labels import decisions as review
from github_issue_analysis.labels.options import DEFAULT_MIN_CONFIDENCE, LabelSelection
from github_issue_analysis.labels.plan import REASONS, build_plan

from .page import page
from .pages import known_org, store_of

PAGE_SIZE = 50
ACTIONS = {"accept": "accepted", "reject": "rejected", "edit": "edited"}


def number_between(value: str | None, default: float) -> float:
    try:
        number = float(value) if value not in (None, "") else default
    except ValueError:
        raise HTTPException(400, f"'{value}' is not a number between 0 and 1") from None
    if not 0 <= number <= 1:
        raise HTTPException(400, f"{number} is not between 0 and 1")
    return number


def page_selection(
    org: str,
    values: Any,
    *,
    min_field: str = "min",
    default_min: float = DEFAULT_MIN_CONFIDENCE,
    has_accepted_only: bool = False,
) -> LabelSelection:
    """The selection a page's query or form asks for: `repo`, the minimum confidence in `min_field`, and
    `accepted_only` on the pages that offer it."""
    return LabelSelection(
        org=org,
        repo=str(values.get("repo") or "") or None,
        min_confidence=number_between(str(values.get(min_field) or ""), default_min),
        accepted_only=has_accepted_only and values.get("accepted_only", "1") == "1",  # accepted only by default
    )


async def review_queue(request: Request) -> Response:
    org = request.path_params["org"]
    await run_in_threadpool(known_org, request, org)
    selection = page_selection(org, request.query_params, default_min=0.0)
    show_all = request.query_params.get("all") == "1"
    rows = await run_in_threadpool(review.review_queue, store_of(request), selection, not show_all)
    unchanged = 0
    if not show_all:  # only what would change the issue; the switch shows decided and no-op rows too
        changing = [row for row in rows if review.would_change(row, selection)]
        unchanged, rows = len(rows) - len(changing), changing
    start = _start(request.query_params.get("start"))
    shown = [_review_item(row) for row in rows[start : start + PAGE_SIZE]]
    return page(
        request,
        "review.html.j2",
        title=f"Review: {org}",
        org=org,
        selection=selection,
        show_all=show_all,
        rows=shown,
        total=len(rows),
        unchanged=unchanged,
        start=start,
        at=_start(request.query_params.get("at")),
        page_size=PAGE_SIZE,
        done=request.query_params.get("done"),
    )


def _start(value: str | None) -> int:
    return max(0, int(value)) if value and value.isdigit() else 0


def _review_item(row: Any) -> dict[str, Any]:
    recs = review.recommendations(row)
    return {
        "row": row,
        "ref": f"{row.repo}#{row.number}",
        "recs": recs,
        "proposed": ", ".join(row.decision.labels or [])
        if row.decision and row.decision.labels
        else ", ".join(rec.label for rec in recs),
    }


async def checked_form(request: Request) -> FormData:
    form = await request.form()
    sent = form.get("csrf_token") or request.headers.get("x-csrf-token")
    if not request.app.state.csrf.accepts(
        sent if isinstance(sent, str) else None, request.headers.get("origin"), request.headers.get("host")
    ):
        raise HTTPException(403, "This form is out of date or came from another site; reload the page and retry.")
    return form


def _back(org: str, form: FormData, done: str) -> RedirectResponse:
    query = {key: str(form.get(key) or "") for key in ("repo", "min", "all", "start", "at") if form.get(key)}
    query["done"] = done
    return RedirectResponse(f"/orgs/{org}/review?{urlencode(query)}", status_code=303)


async def decide(request: Request) -> Response:
    org = request.path_params["org"]
    form = await checked_form(request)
    action, ref = str(form.get("action") or ""), str(form.get("ref") or "")
    if action not in ACTIONS or not ref:
        raise HTTPException(400, "Choose accept, reject or edit for an issue.")
    labels = _labels(form) if action == "edit" else None
    store = store_of(request)

    def write() -> None:
        rows = review.rows_for_refs(store, [ref], org)
        if labels is not None:
            _check_taxonomy(rows, labels)
        review.record(store, rows, ACTIONS[action], labels=labels, note=_note(form))

    await run_in_threadpool(write)
    return _back(org, form, f"{ACTIONS[action].capitalize()} {org}/{ref}")


def _labels(form: FormData) -> list[str]:
    return [part.strip() for part in str(form.get("labels") or "").split(",") if part.strip()]


def _note(form: FormData) -> str | None:
    note = str(form.get("note") or "").strip()
    return note or None


def _check_taxonomy(rows: list[Any], labels: list[str]) -> None:
    outside = [label for row in rows for label in labels if label not in Taxonomy.of_group_options(row.group_options)]
    if outside:
        raise HTTPException(400, f"Not in this analysis' label set: {', '.join(sorted(set(outside)))}")


async def accept_above(request: Request) -> Response:
    org = request.path_params["org"]
    form = await checked_form(request)
    selection = page_selection(org, form, min_field="min_confidence")
    count = await run_in_threadpool(review.accept_above, store_of(request), selection)
    return _back(org, form, f"Accepted {count} issue(s) at or above {selection.min_confidence:.2f}")


async def plan(request: Request) -> Response:
    org = request.path_params["org"]
    await run_in_threadpool(known_org, request, org)
    selection = page_selection(org, request.query_params, has_accepted_only=True)
    label_plan = await run_in_threadpool(build_plan, store_of(request), selection)
    reasons: dict[str, int] = {}
    for skipped in label_plan.skipped:
        reasons[skipped.reason] = reasons.get(skipped.reason, 0) + 1
    return page(
        request,
        "plan.html.j2",
        title=f"Label plan: {org}",
        org=org,
        selection=selection,
        plan=label_plan,
        reasons=sorted(reasons.items(), key=lambda item: -item[1]),
        reason_text=REASONS,
    )
