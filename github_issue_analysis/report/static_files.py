"""The review app's script files, served from the package (pages load them with <script src>, never inline)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .render import report_script


async def report_js(request: Request) -> Response:
    return Response(report_script(), media_type="text/javascript", headers={"Cache-Control": "no-cache"})
