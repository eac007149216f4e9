"""The confirmation before "Apply on GitHub": the exact plan (issues, labels added and removed) and a digest of it,
so the run that starts is the plan that was shown; a changed plan is shown again instead of applied."""

from __future__ import annotations

import hashlib
import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from github_issue_analysis.labels.plan import LabelPlan, build_plan

from .page import page
from .pages import known_org, store_of
from .review_pages import page_selection


def plan_digest(plan: LabelPlan) -> str:
    """A short fingerprint of what the plan writes: every issue with its labels added and removed."""
    changes = sorted((c.org, c.repo, c.number, sorted(c.add), sorted(c.remove)) for c in plan.changes)
    return hashlib.sha256(json.dumps(changes).encode()).hexdigest()[:24]


async def confirm_apply(request: Request, changed: bool = False) -> Response:
    org = request.path_params["org"]
    await run_in_threadpool(known_org, request, org)
    values = request.query_params if request.method == "GET" else await request.form()
    selection = page_selection(org, values, has_accepted_only=True)
    label_plan = await run_in_threadpool(build_plan, store_of(request), selection)
    return page(
        request,
        "confirm.html.j2",
        title=f"Confirm: apply labels on GitHub for {org}",
        org=org,
        selection=selection,
        plan=label_plan,
        added=sum(len(c.add) for c in label_plan.changes),
        removed=sum(len(c.remove) for c in label_plan.changes),
        digest=plan_digest(label_plan),
        changed=changed,
    )
