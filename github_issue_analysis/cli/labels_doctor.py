"""`gh-analysis labels doctor`: per label, its support, description, blind quality and a recommendation."""

from __future__ import annotations

from typing import Any

import typer

from . import context


def doctor(
    org: str | None = typer.Option(None, "--org", help="Organization (default: the --eval group's)."),
    eval_group: str | None = typer.Option(
        None, "--eval", help="Evaluated group to read quality from (default: the organization's newest blind one)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Per label: people-labelled issues, description, blind precision/recall/F1 with intervals, the labels it is
    confused with, whether it is never predicted, and what to do about it."""
    from github_issue_analysis.labels.doctor import DoctorOptions, diagnose

    document = diagnose(context.open_store(), DoctorOptions(org, eval_group))
    if json_output:
        context.print_json(document)
    else:
        render(document)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _interval(intervals: dict[str, Any] | None, key: str) -> str:
    bounds = (intervals or {}).get(key)
    return "" if not bounds else f" [{bounds['low'] * 100:.0f}-{bounds['high'] * 100:.0f}]"


def render(document: dict[str, Any]) -> None:
    from rich.table import Table

    from .safe_text import safe

    out = context.console()
    source = document["eval_group"] or "no evaluated blind group yet (run a --blind --sample group and `eval`)"
    table = Table(
        "Label",
        "Support",
        "Description",
        "Precision",
        "Recall",
        "F1",
        "Confused with",
        "Recommendation",
        title=f"Label doctor for {safe(document['org'])} (quality from {safe(source)})",
    )
    for row in document["labels"]:
        confused = ", ".join(f"{safe(c['label'])} ({c['count']})" for c in row["confused_with"]) or "-"
        intervals = row["intervals"]
        table.add_row(
            safe(row["label"]),
            str(row["support"]),
            f"{row['description_chars']} chars" if row["has_description"] else "none",
            _pct(row["precision"]) + _interval(intervals, "precision"),
            _pct(row["recall"]) + _interval(intervals, "recall"),
            _pct(row["f1"]) + _interval(intervals, "f1"),
            confused + (" (never predicted)" if row["never_predicted"] else ""),
            safe(row["recommendation"]),
        )
    out.print(table)
