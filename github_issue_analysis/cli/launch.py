"""The console script's entry: a Tab asking for an id, a model or a processor is answered from a small file
before Typer and the command modules load; everything else runs the Typer app."""

from __future__ import annotations

import sys


def run() -> None:
    from .completion import answer_fast
    from .gc_pause import pause_during_startup

    pause_during_startup()

    if answer_fast():
        sys.exit(0)
    from .main import run as run_main

    run_main()
