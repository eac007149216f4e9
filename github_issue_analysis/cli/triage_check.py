"""`gh-analysis triage --check`: the checks of pipeline/triage_check.py, one line each (or `--json`), exit 0
when every check passed and 1 otherwise."""

from __future__ import annotations

from collections.abc import Callable

import typer

from github_issue_analysis.config import Settings
from github_issue_analysis.pipeline.triage_check import run_check
from github_issue_analysis.pipeline.triage_options import TriageOptions
from github_issue_analysis.pipeline.triage_state import StepState

from . import context
from .safe_text import safe


def check_step(
    settings: Settings,
    options: TriageOptions,
    json_output: bool,
    restore_state: Callable[[], StepState] | None = None,
    accept_command: str = "",
) -> None:
    report = run_check(settings, options, restore_state, accept_command)
    if json_output:
        context.print_json(report.as_json())
    else:
        out = context.console()
        for entry in report.checks:
            mark = "[green]ok[/green]  " if entry["ok"] else "[red]MISSING[/red]"
            out.print(f"{mark} {safe(entry['check'])}: {safe(entry['detail'])}", markup=True, highlight=False)
        out.print("All checks passed." if report.ok else "Some checks failed: see the lines marked MISSING.")
    raise typer.Exit(report.exit_code)
