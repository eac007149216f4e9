"""`gh-analysis triage`: one unattended step for cron and CI (collect, refresh, gate, apply, submit, exit), and
`triage init-workflow`, which writes a GitHub Actions workflow that runs it every hour."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from . import context

if TYPE_CHECKING:
    from github_issue_analysis.pipeline.triage_state import StepState

STATE_BRANCH_HELP = "Keep the SQLite store sealed on this branch of origin (key: GH_ANALYSIS_STATE_KEY)."
GENERATION_BRANCH_HELP = "sqlite-cache: record each step's generation on this branch of origin."

app = typer.Typer(
    help="One unattended labelling step for cron or CI; `init-workflow` writes a workflow that runs it hourly.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def triage(
    ctx: typer.Context,
    org: str | None = typer.Option(None, "--org", help="GitHub organization to triage."),
    repo: list[str] = typer.Option([], "--repo", help="Only this repository (repeat for more)."),
    config: Path | None = typer.Option(None, "--config", help="Triage config file (TOML; keys in the README)."),
    model: str | None = typer.Option(None, "--model", help="PROVIDER:NAME (default: the config's, GH_ANALYSIS_MODEL)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what each phase would do; send and store nothing."),
    wait: bool = typer.Option(False, "--wait", help="Wait for this step's batches, then gate and apply again."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before submitting or applying."),
    check: bool = typer.Option(
        False, "--check", help="Check the token's reach, key, model and store; pay and write nothing (exit 1: a gap)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document and nothing else."),
    state_branch: str | None = typer.Option(None, "--state-branch", help=STATE_BRANCH_HELP),
    generation_branch: str | None = typer.Option(None, "--generation-branch", help=GENERATION_BRANCH_HELP),
) -> None:
    """Collect what is new, collect finished batches, apply the labels whose measured precision passes the
    gate, submit what is new or changed, and exit: 0 all went well, 1 a phase failed (the rest still ran), 2
    bad input or no --yes without a terminal. Never waits for a batch unless --wait."""
    if ctx.invoked_subcommand is not None:
        return
    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.pipeline.triage import TriageStep
    from github_issue_analysis.pipeline.triage_config import load_config
    from github_issue_analysis.pipeline.triage_options import TriageOptions

    from . import triage_render as render

    if org is None:
        raise UsageError("--org is required (or a subcommand: init-workflow)")
    from github_issue_analysis.pipeline.triage_state import accept_command, run_step

    settings = context.settings()
    options = TriageOptions(org, tuple(dict.fromkeys(repo)), load_config(config), model, dry_run, wait)
    if check:
        from functools import partial

        from .triage_check import check_step

        restore = partial(_restored_state, state_branch, generation_branch)
        check_step(settings, options, json_output, restore, accept_command(org, state_branch, generation_branch))
    confirm = render.confirmations(yes or dry_run, json_output)
    state = _restored_state(state_branch, generation_branch)
    step = TriageStep(context.open_store(), settings, options, confirm)
    report = run_step(step, state, accept_command(org, state_branch, generation_branch))
    render.finished(report, json_output)
    raise typer.Exit(report.exit_code)


def _restored_state(state_branch: str | None, generation_branch: str | None) -> StepState:
    import os

    from github_issue_analysis.pipeline.triage_state import StepState

    key = os.environ.get("GH_ANALYSIS_STATE_KEY") or None  # empty means unset
    database_url = context.settings().resolved_database_url()
    return StepState.restore(Path.cwd(), database_url, state_branch, generation_branch, key)


@app.command("accept-store")
def accept_store(
    org: str = typer.Option(..., "--org", help="The organization whose triage state to accept."),
    state_branch: str | None = typer.Option(None, "--state-branch", help=STATE_BRANCH_HELP),
    generation_branch: str | None = typer.Option(None, "--generation-branch", help=GENERATION_BRANCH_HELP),
) -> None:
    """Accept the present store after looking at it, when a step refused it as older than the last step (or
    empty): its generation becomes the recorded one, and the next step goes on from it."""
    state = _restored_state(state_branch, generation_branch)
    state.attach(context.open_store())
    before, after = state.accept()
    context.console().print(f"Accepted the store for {org}: generation {before} -> {after}")


@app.command("init-workflow")
def init_workflow(
    store: Literal["git-branch", "postgres", "sqlite-cache"] = typer.Option(
        "git-branch",
        "--store",
        help="git-branch: SQLite sealed on a branch of the workflow's repository; postgres: a secret database URL; "
        "sqlite-cache: SQLite kept by actions/cache (best effort).",
    ),
    token: Literal["app", "fine-grained"] = typer.Option(
        "app", "--token", help="app: a GitHub App installation token; fine-grained: a token in a secret."
    ),
    org: str | None = typer.Option(
        None, "--org", help="Organization or user account to triage (default: the repository's owner)."
    ),
    output: Path = typer.Option(
        Path(".github/workflows/gh-analysis-triage.yml"), "--output", help="Where to write the workflow."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
    source: str | None = typer.Option(
        None, "--source", help="Install from this git+https:// repository at this version's tag (default: the package)."
    ),
) -> None:
    """Write a GitHub Actions workflow that runs `gh-analysis triage` every hour (and on demand)."""
    from github_issue_analysis.output_file import output_file
    from github_issue_analysis.pipeline.triage_workflow import REPOSITORY_OWNER, workflow_yaml

    text = workflow_yaml(store, org or REPOSITORY_OWNER, source, token)
    output.expanduser().parent.mkdir(parents=True, exist_ok=True)
    with output_file(output, force=force, protected=set()) as handle:
        handle.write(text)
    context.console().print(f"Wrote {output}")
