"""`gh-analysis serve`: a local web app over the store (Starlette). Pages read through the services; every
state-changing request is a CSRF-checked POST; unknown ids give a 404 page, errors never show a traceback."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from github_issue_analysis.config import Settings
from github_issue_analysis.errors import GhAnalysisError
from github_issue_analysis.storage.store import Store

from . import apply_confirm, apply_pages, pages, review_pages, static_files
from .apply_jobs import ApplyJobs
from .csrf import CsrfGuard
from .page import page
from .security_headers import SecurityHeaders
from .serve_hosts import LOOPBACK_NAMES

LOCAL_HOSTS = list(LOOPBACK_NAMES)


def create_app(store: Store, settings: Settings, allowed_hosts: list[str] | None = None) -> Starlette:
    routes = [
        Route("/", pages.home),
        Route("/groups/{group_id}", pages.group_report),
        Route("/orgs/{org}", pages.org_report),
        Route("/orgs/{org}/review", review_pages.review_queue),
        Route("/orgs/{org}/review", review_pages.decide, methods=["POST"], name="decide"),
        Route("/orgs/{org}/review/accept-above", review_pages.accept_above, methods=["POST"]),
        Route("/orgs/{org}/plan", review_pages.plan),
        Route("/orgs/{org}/apply/confirm", apply_confirm.confirm_apply),
        Route("/orgs/{org}/apply", apply_pages.start_apply, methods=["POST"]),
        Route("/orgs/{org}/apply/{job_id}", apply_pages.apply_progress),
        Route("/static/report.js", static_files.report_js),
        Route("/static/review.js", static_files.review_js),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOCAL_HOSTS),
        ],
        exception_handlers={HTTPException: _http_error, GhAnalysisError: _usage_error, Exception: _server_error},
    )
    app.state.store = store
    app.state.csrf = CsrfGuard()
    app.state.apply_jobs = ApplyJobs(store, settings)
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = {404: "Not found", 403: "Refused", 405: "Method not allowed"}.get(exc.status_code, "Error")
    return page(request, "error.html.j2", exc.status_code, title=title, message=str(exc.detail))


async def _usage_error(request: Request, exc: Exception) -> Response:
    return page(request, "error.html.j2", 400, title="Cannot do that", message=str(exc))


async def _server_error(request: Request, exc: Exception) -> Response:
    message = f"Unexpected error ({type(exc).__name__}); the server log has details."
    return page(request, "error.html.j2", 500, title="Server error", message=message)
