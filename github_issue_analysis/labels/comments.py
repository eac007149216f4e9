"""The optional comment explaining a label change: a default template (str.format fields) a file can replace,
ending with a hidden marker so a re-run can tell that the comment is already there."""

from __future__ import annotations

from pathlib import Path

from github_issue_analysis.errors import UsageError

from .plan import PlannedChange

DEFAULT_TEMPLATE = """\
Labels updated by gh-analysis from an analysis by `{model}` (confidence {confidence:.2f}).

{changes}

{reasoning}
"""
FIELDS = "model, confidence, added, removed, changes, reasoning, summary, org, repo, number, title"


MARKER_PREFIX = "<!-- gh-analysis:labels "


def marker(run_id: str, change: PlannedChange) -> str:
    return f"{MARKER_PREFIX}run={run_id} result={change.result_id} -->"


def is_tool_comment(body: str) -> bool:
    """A comment this tool wrote (it carries the marker)."""
    return MARKER_PREFIX in body


def load_template(path: Path | None) -> str:
    if path is None:
        return DEFAULT_TEMPLATE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the comment template {path}: {error}") from None
    try:
        text.format(**_fields(_SAMPLE))
    except (KeyError, IndexError, ValueError) as error:
        raise UsageError(f"comment template {path}: unknown or bad field {error}; fields: {FIELDS}") from None
    return text


def render(template: str, run_id: str, change: PlannedChange) -> str:
    return template.format(**_fields(change)).rstrip() + "\n\n" + marker(run_id, change)


def _fields(change: PlannedChange) -> dict[str, object]:
    lines = [f"- added `{label}`" for label in change.add] + [f"- removed `{label}`" for label in change.remove]
    reasoning = "\n".join(f"- `{r.label}` ({r.confidence:.2f}): {r.reasoning}" for r in change.reasons)
    return {
        "model": change.model,
        "confidence": change.confidence,
        "added": ", ".join(change.add),
        "removed": ", ".join(change.remove),
        "changes": "\n".join(lines),
        "reasoning": reasoning or change.summary,
        "summary": change.summary,
        "org": change.org,
        "repo": change.repo,
        "number": change.number,
        "title": change.title,
    }


_SAMPLE = PlannedChange("org", "repo", 1, ("a",), (), 0.9, 1, "model")
