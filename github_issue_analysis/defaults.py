"""Defaults users see in options and docs, in one light module (the CLI imports it at start-up)."""

from __future__ import annotations

from pathlib import Path

MODEL = "openai:gpt-4o-mini"
LABEL_PREFIX = "product::"
BATCH_SIZE = 30  # keeps small accounts under their enqueued-token limit
CONCURRENCY = 32  # provider requests in flight at once
LIVE_CONCURRENCY = 4  # live API requests in flight at once (`process`)

APP_NAME = "gh-analysis"  # the per-user data and cache folders are named after it


def default_data_dir() -> Path:
    """The per-user data folder (e.g. ~/.local/share/gh-analysis on Linux), as simonw/llm keeps its logs."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)
