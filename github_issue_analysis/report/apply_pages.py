"""The apply button and its progress page: the same service as `labels apply`, run in the background."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from github_issue_analysis.labels.plan import build_plan

from .apply_confirm import confirm_apply, plan_digest
from .apply_jobs import ApplyJobs
from .page import page
from .pages import store_of
from .review_pages import checked_form, page_selection


def _jobs(request: Request) -> ApplyJobs:
    jobs: ApplyJobs = request.app.state.apply_jobs
    return jobs


async def start_apply(request: Request) -> Response:
    org = request.path_params["org"]
    form = await checked_form(request)
    selection = page_selection(org, form, has_accepted_only=True)
    shown = await run_in_threadpool(build_plan, store_of(request), selection)
    if form.get("digest") != plan_digest(shown):  # never confirmed, or the plan changed since: show it (again)
        return await confirm_apply(request, changed=bool(form.get("digest")))
    job = await run_in_threadpool(_jobs(request).start, selection)
    return RedirectResponse(f"/orgs/{org}/apply/{job.id}", status_code=303)


async def apply_progress(request: Request) -> Response:
    org, job_id = request.path_params["org"], request.path_params["job_id"]
    job = _jobs(request).get(job_id)
    if job is None or job.org != org:
        raise HTTPException(404, f"No apply run '{job_id}' for {org} since this server started.")
    return page(request, "apply.html.j2", title=f"Applying labels: {org}", org=org, job=job)
