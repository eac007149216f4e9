"""One HTML page of the review app: a template rendered with the request's CSRF token, never cached. The page
modules and the app's error handlers all answer through it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from .render import render


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = render(template, request=request, csrf_token=request.app.state.csrf.token, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
