"""The error rule at the edge, and the shared objects commands reach for (settings, store, console)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import typer

from github_issue_analysis.errors import GhAnalysisError

if TYPE_CHECKING:
    from rich.console import Console

    from github_issue_analysis.config import Settings
    from github_issue_analysis.storage.store import Store

DEBUG = False


def run_app(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the Typer app: expected errors become one stderr line with their exit code."""
    try:
        exit_code = app(args=args, standalone_mode=False, prog_name="gh-analysis")
    except GhAnalysisError as error:
        from .messages import phrase

        _report(phrase(error))
        if DEBUG:
            raise
        return error.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _report("Aborted.")
        return 130
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except Exception as error:
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):  # Click's usage errors
            if message := error.format_message():  # empty when help was shown instead
                _report(f"{message} (see --help)")
            return int(error.exit_code)
        if DEBUG or os.environ.get("GH_ANALYSIS_DEBUG"):
            raise
        _report(f"Unexpected error: {type(error).__name__}: {error} (run with --debug for a traceback)")
        return 1
    return exit_code if isinstance(exit_code, int) else 0


def _report(message: str) -> None:
    first_line = message.strip().splitlines()[0] if message.strip() else "Error"
    print(f"Error: {first_line}", file=sys.stderr)


def show_slow_calls() -> None:
    """A status line on stderr while a provider or GitHub call goes unanswered (then again every 15 s)."""
    from github_issue_analysis.waiting import SlowCall, listen

    def line(call: SlowCall) -> None:
        limit = f"; gives up after {call.gives_up_after:g} s (GH_ANALYSIS_READ_TIMEOUT)" if call.gives_up_after else ""
        print(f"Waiting for an answer to {call.what}: {call.waited:.0f} s so far{limit}", file=sys.stderr, flush=True)

    try:
        read_timeout = settings().read_timeout
    except Exception:  # bad settings are reported by the command that needs them
        read_timeout = 60.0
    listen(line, notice_after=min(3.0, read_timeout / 2))


def settings() -> Settings:
    from github_issue_analysis.config import get_settings

    return get_settings()


def open_store() -> Store:
    from github_issue_analysis.storage.store import open_store as _open

    try:
        return _open(settings().resolved_database_url())
    except Exception as error:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(error, SQLAlchemyError):
            raise GhAnalysisError(
                f"cannot open the database ({type(error).__name__}); check GH_ANALYSIS_DATABASE_URL"
            ) from error
        raise


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False)  # no :emoji: codes: saves loading their table


def print_json(document: Any) -> None:
    import json

    sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")
