"""`gh-analysis demo`: the whole flow offline on the sandbox emulators."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from github_issue_analysis import defaults

if TYPE_CHECKING:
    from rich.console import Console

    from github_issue_analysis.ai.batch.batch_group_manager import GroupCollectReport
    from github_issue_analysis.domain.groups import BatchGroupStatus
    from github_issue_analysis.labels.plan import LabelPlan
    from github_issue_analysis.pipeline.demo import PlanThreshold
    from github_issue_analysis.storage.result_store import CurrentResult


def demo(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where the demo store goes (default: a new temporary folder for each demo)."
    ),
    processing_seconds: float = typer.Option(4.0, "--processing-seconds", help="How long each sandbox batch runs."),
    model: str = typer.Option(
        defaults.MODEL,
        "--model",
        help="PROVIDER:NAME; openai:..., anthropic:... or gemini:... (each answered by its emulator).",
    ),
) -> None:
    """Run the whole flow offline: collect from the GitHub emulator, split, submit to the Batch API emulator,
    watch, collect and show the recommended labels. Needs no keys and no network."""
    from .emulators import require_sandbox

    require_sandbox()
    from github_issue_analysis_sandbox import running_emulators
    from rich.live import Live

    from github_issue_analysis.pipeline.demo import DemoEmulators, DemoSteps, run_demo

    from . import context, submit_render
    from .batch_watch import progress_view
    from .demo_render import collected, doctor, finished, measuring, submitted

    target = data_dir or fresh_folder("gh-analysis-demo-")  # two demos at once never share a store
    out = context.console()
    out.print(
        "[bold]gh-analysis demo[/bold]: everything runs on local emulators; labels come from the sandbox's "
        "offline word-matching labeller, not from an AI model.\n"
    )
    with Live(console=out, auto_refresh=False, transient=True) as live:

        def finish(status: BatchGroupStatus, report: GroupCollectReport, results: list[CurrentResult]) -> None:
            live.stop()
            finished(out, status, report, results)

        steps = DemoSteps(
            collected=lambda report: collected(out, report),
            planned=submit_render.plan,
            submitted=lambda result: submitted(out, result),
            progress=lambda progress: live.update(progress_view(progress), refresh=True),
            finished=finish,
            measuring=lambda sample: measuring(out, sample),
            evaluated=lambda report: _evaluated(out, report),
            label_plan=lambda plan, chosen: _label_plan(out, plan, chosen),
            doctor=lambda document: doctor(out, document),
        )
        with running_emulators(processing_seconds=processing_seconds) as urls:
            emulators = DemoEmulators(
                urls.openai, urls.github, urls.anthropic, urls.gemini, urls.api_key, urls.github_token
            )
            store = run_demo(target, emulators, steps, model)
    out.print(f"\nThe demo store is in {target}: try `{rerun_command(target, 'status')}`.", soft_wrap=True)
    store.close()


def fresh_folder(prefix: str) -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix=prefix))


def rerun_command(data_dir: Path, *args: str) -> str:
    """A command that works as shown in the shell the user started us from: `uv run --no-dev gh-analysis` under
    `uv run` (whose virtual environment is not on the shell's PATH), `gh-analysis` when it is on PATH, else this
    Python."""
    import os
    import shlex
    import shutil
    import sys

    if os.environ.get("UV"):
        program = "uv run --no-dev gh-analysis"  # the tool only: not the development tools
    elif shutil.which("gh-analysis"):
        program = "gh-analysis"
    else:
        program = f"{shlex.quote(sys.executable)} -m github_issue_analysis"
    return f"GH_ANALYSIS_DATA_DIR={shlex.quote(str(data_dir))} {program} {' '.join(args)}"


def _label_plan(out: Console, plan: LabelPlan, chosen: PlanThreshold) -> None:
    from .labels_render import render_plan

    out.print(
        f"\n[bold]8. Label plan[/bold] at minimum confidence {chosen.min_confidence:g}: {chosen.reason}.\n"
        f"   What `gh-analysis labels apply --org sandbox-org {chosen.options}` would do (a dry run, nothing sent):"
    )
    render_plan(out, plan)


def _evaluated(out: Any, report: dict[str, Any]) -> None:
    from .demo_render import baseline, evaluated

    evaluated(out, report)
    baseline(out, report)
