"""The error rule at the edge, and the shared objects commands reach for (settings, store, console)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from github_issue_analysis.errors import GhAnalysisError

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from github_issue_analysis.config import Settings
    from github_issue_analysis.storage.store import Store

DEBUG = False
MAX_MESSAGE = 400
INTERRUPTED = 130
_stop_explained = False
_opened: list[Store] = []


def stopped(message: str) -> typer.Exit:
    """Ctrl+C in a command that explains itself: `message` on stderr is the one line, exit code 130."""
    global _stop_explained
    _stop_explained = True
    print(message, file=sys.stderr)
    return typer.Exit(INTERRUPTED)


def run_app(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the Typer app: expected errors become one stderr line with their exit code."""
    try:
        return _run_app(app, args)
    finally:
        close_stores()


def _run_app(app: typer.Typer, args: list[str] | None) -> int:
    try:
        _check_text(sys.argv[1:] if args is None else args)
        exit_code = app(args=args, standalone_mode=False, prog_name="gh-analysis")
    except GhAnalysisError as error:
        from .messages import phrase

        _report(phrase(error))
        if DEBUG:
            raise
        return error.exit_code
    except KeyboardInterrupt:
        _report("interrupted (Ctrl+C)")
        return INTERRUPTED
    except typer.Abort:  # a prompt answered "no" or closed
        _report("aborted")
        return INTERRUPTED
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except Exception as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # a bare `gh-analysis` or `gh-analysis batch`
            print(error.ctx.get_help())  # type: ignore[attr-defined]
            return 0
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):  # Click's usage errors
            if message := error.format_message():  # empty when help was shown instead
                _report(f"{message} (see --help)")
            return int(error.exit_code)
        if _debugging():
            raise
        from .failures import known_failure

        if (known := known_failure(error)) is not None:
            _report(str(known))
            return known.exit_code
        _report(f"Unexpected error: {type(error).__name__}: {error} (run with --debug for a traceback)")
        return 1
    if exit_code == INTERRUPTED and not _stop_explained:  # Typer turns Ctrl+C into exit code 130 without a word
        _report("interrupted (Ctrl+C)")
    return exit_code if isinstance(exit_code, int) else 0


def _check_text(args: list[str]) -> None:
    """Arguments that are not text (bytes that are not UTF-8 arrive as lone surrogates; NUL) are refused whole."""
    from github_issue_analysis.errors import UsageError

    for position, arg in enumerate(args, start=1):
        if "\x00" in arg or any("\ud800" <= char <= "\udfff" for char in arg):
            raise UsageError(f"argument {position} is not valid UTF-8 text; retype it")


def _debugging() -> bool:
    if DEBUG:
        return True
    try:
        return settings().debug
    except GhAnalysisError:
        from github_issue_analysis.config import debug_from_environment

        return debug_from_environment()


def _report(message: str) -> None:
    first_line = message.strip().splitlines()[0] if message.strip() else "Error"
    if len(first_line) > MAX_MESSAGE:  # an echoed value of 100,000 characters helps no one
        first_line = first_line[: MAX_MESSAGE - 1] + "…"
    from .safe_text import visible

    print(f"Error: {visible(first_line)}", file=sys.stderr)


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
    from github_issue_analysis.storage.opening import open_checked_store

    store = open_checked_store(settings().resolved_database_url())
    _opened.append(store)
    return store


def close_stores() -> None:
    """Close the stores the command opened (again, if it closed them): SQLite folds its write-ahead log into the
    database file at the last close, so the file is whole on its own. The interpreter's exit does not do it for
    us: the collector skips what the command built (gc_pause.py)."""
    while _opened:
        _opened.pop().close()


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False)  # no :emoji: codes: saves loading their table


def print_json(document: Any) -> None:
    import json

    sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")


def remember_ids(**kinds: Any) -> None:
    """Keep new ids (groups=, jobs=, runs=) for shell completion (cli/completion.py); never fails a command."""
    from .completion import remember

    try:
        data_dir = settings().data_dir
    except GhAnalysisError:
        return
    remember(data_dir, **kinds)


def open_in_browser(path: Path) -> None:
    """Open a written file in the browser (the BROWSER variable first, as Python's webbrowser does); a machine
    without one gets a line saying where the file is."""
    import webbrowser

    if not webbrowser.open(path.resolve().as_uri()):
        print(f"No browser could be started; open {path} yourself.", file=sys.stderr)
