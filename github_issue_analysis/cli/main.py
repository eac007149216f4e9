"""The `gh-analysis` command. Command modules import heavy libraries inside their functions only,
so `--help` stays fast."""

from __future__ import annotations

import sys

import typer

from github_issue_analysis import __version__

app = typer.Typer(
    name="gh-analysis",
    help="Collect GitHub issues and label them with AI through provider batch APIs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: loading Rich's help renderer would double the start-up time
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=(
        "The store lives in the per-user data folder unless GH_ANALYSIS_DATA_DIR (or GH_ANALYSIS_DATABASE_URL) "
        "says otherwise; `gh-analysis status` shows where. GitHub token: GH_TOKEN, GITHUB_TOKEN, then "
        "`gh auth token`. Settings may sit in .env. Exit codes: 0 success, 1 operation failed, 2 usage or input "
        "error, 130 interrupted."
    ),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gh-analysis {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    """Collect GitHub issues and label them with AI through provider batch APIs."""
    from . import context

    context.DEBUG = debug


def _register() -> None:
    from . import (
        batch,
        collect,
        demo,
        importer,
        label,
        labels,
        models,
        process,
        report,
        results,
        sandbox,
        serve,
        status,
        triage,
    )
    from . import eval as eval_cli
    from .help_examples import add_examples
    from .metavars import set_metavars

    app.command("collect")(collect.collect)
    app.command("import")(importer.import_issues)
    app.command("status")(status.status)
    app.command("models")(models.models)
    app.command("process")(process.process)
    app.command("demo")(demo.demo)
    app.command("label")(label.label)
    app.command("report")(report.report)
    app.command("serve")(serve.serve)
    app.command("eval")(eval_cli.evaluate)
    app.add_typer(batch.app, name="batch")
    app.add_typer(labels.app, name="labels")
    app.add_typer(results.app, name="results")
    app.add_typer(sandbox.app, name="sandbox")
    app.add_typer(triage.app, name="triage")
    _complete_summaries(app)
    add_examples(app)
    set_metavars(app)


def _complete_summaries(typer_app: typer.Typer) -> None:
    """Command lists show each command's whole first paragraph (Click would cut it at ~45 characters)."""
    import inspect

    for info in typer_app.registered_commands:
        doc = inspect.getdoc(info.callback) or ""
        if info.short_help is None and doc:
            info.short_help = " ".join(doc.split("\n\n")[0].split())
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            group_help = group.typer_instance.info.help
            if isinstance(group_help, str) and not isinstance(group.short_help, str):
                group.short_help = " ".join(group_help.split())
            _complete_summaries(group.typer_instance)


_register()


def run() -> None:
    from .context import run_app
    from .gc_pause import freeze_before_exit, pause_during_startup

    pause_during_startup()  # also when run() is called without launch.py (tests, benchmarks)
    exit_code = run_app(app)
    freeze_before_exit()
    sys.exit(exit_code)
