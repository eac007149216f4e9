"""Jinja2 (autoescape on) over the packaged templates; the report is one file with its CSS, script and SVG inline.

Issue links are built from org/repo/number on the configured GitHub web host (`issue_link`), never taken from a
stored URL. The report's one inline script runs under a Content-Security-Policy naming its sha256 hash; the
review app serves the same script as a file (`static/report.js`) and allows only scripts of its own origin."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from github_issue_analysis import links

if TYPE_CHECKING:
    from jinja2 import Environment

    from .model import ReportData

# Characters that could end a <script> element or confuse an HTML parser, written as JSON escapes instead.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(value: Any) -> Any:
    """JSON that is safe inside <script type="application/json">."""
    from markupsafe import Markup

    return Markup(orjson.dumps(value).decode().translate(_SCRIPT_SAFE))


def report_script() -> str:
    """The issue table's script, shared by the report file (inline) and the review app (/static/report.js)."""
    return files("github_issue_analysis.report").joinpath("static", "report.js").read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source allowing exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def issue_host() -> str:
    """The configured GitHub's web host (github.com unless GITHUB_API_URL names another)."""
    from github_issue_analysis.config import get_settings

    return links.web_host(get_settings().github_api_url)


def issue_link(org: str, repo: str, number: int) -> str:
    return links.issue_url(issue_host(), org, repo, number)


def money(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("github_issue_analysis.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["script_json"] = script_json
    env.globals.update(money=money, duration=duration, pct=pct, issue_link=issue_link, issue_host=issue_host)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render_report(data: ReportData) -> str:
    from markupsafe import Markup

    script = report_script()
    if "</script" in script.lower():
        raise ValueError("report.js must not contain '</script'")
    return render(
        "report.html.j2",
        title=data.title,
        data=data,
        group_links=False,
        inline_script=Markup(script),
        script_src=script_hash(script),
    )


def write_report(data: ReportData, path: Path) -> int:
    """Write the report file; returns its size in bytes."""
    html = render_report(data).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html)
    return len(html)
