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
    add_completion=False,
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
    )
    from . import eval as eval_cli

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


_register()


def run() -> None:
    from .context import run_app

    sys.exit(run_app(app))
