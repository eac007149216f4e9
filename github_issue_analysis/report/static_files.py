"""The review app's script files, served from the package (pages load them with <script src>, never inline)."""

from __future__ import annotations

from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response

from .render import report_script


async def report_js(request: Request) -> Response:
    return Response(report_script(), media_type="text/javascript", headers={"Cache-Control": "no-cache"})


async def review_js(request: Request) -> Response:
    """The review queue's keyboard keys (accept, reject, edit, next, previous)."""
    script = files("github_issue_analysis.report").joinpath("static", "review.js").read_text(encoding="utf-8")
    return Response(script, media_type="text/javascript", headers={"Cache-Control": "no-cache"})
