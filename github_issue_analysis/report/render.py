"""Jinja2 (autoescape on) over the packaged templates; the report is one file with its CSS, script and SVG inline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from jinja2 import Environment

    from .model import ReportData

# Characters that could end a <script> element or confuse an HTML parser, written as JSON escapes instead.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(value: Any) -> Any:
    """JSON that is safe inside <script type="application/json">."""
    from markupsafe import Markup

    return Markup(orjson.dumps(value).decode().translate(_SCRIPT_SAFE))


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
    env.globals.update(money=money, duration=duration, pct=pct)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render_report(data: ReportData) -> str:
    return render("report.html.j2", title=data.title, data=data, group_links=False)


def write_report(data: ReportData, path: Path) -> int:
    """Write the report file; returns its size in bytes."""
    html = render_report(data).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html)
    return len(html)
