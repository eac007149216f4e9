"""The apply button and its progress page: the same service as `labels apply`, run in the background."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from github_issue_analysis.labels.options import LabelSelection

from .apply_jobs import ApplyJobs
from .review_pages import checked_form, number_between


def _jobs(request: Request) -> ApplyJobs:
    jobs: ApplyJobs = request.app.state.apply_jobs
    return jobs


async def start_apply(request: Request) -> Response:
    org = request.path_params["org"]
    form = await checked_form(request)
    selection = LabelSelection(
        org=org,
        repo=str(form.get("repo") or "") or None,
        min_confidence=number_between(str(form.get("min") or ""), 0.8),
        accepted_only=form.get("accepted_only") == "1",
    )
    job = await run_in_threadpool(_jobs(request).start, selection)
    return RedirectResponse(f"/orgs/{org}/apply/{job.id}", status_code=303)


async def apply_progress(request: Request) -> Response:
    from .app import page

    org, job_id = request.path_params["org"], request.path_params["job_id"]
    job = _jobs(request).get(job_id)
    if job is None or job.org != org:
        raise HTTPException(404, f"No apply run '{job_id}' for {org} since this server started.")
    return page(request, "apply.html.j2", title=f"Applying labels: {org}", org=org, job=job)
