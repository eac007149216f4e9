"""Gemini batch mode against its emulator on 127.0.0.1 (100 ms latency per request), through google-genai:

1. submit 400 issues (14 batches) inline vs as uploaded input files: seconds, and HTTP requests beside the
   API minimum (inline: one create per batch; a file: the upload's start and its data, then the create);
2. status of a 100-batch group from the list pages vs one retrieve per batch in sequence (goal <= 1 s).

    uv run python benchmarks/gemini.py
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from github_issue_analysis_sandbox.gemini_emulator import GeminiEmulator, GeminiEmulatorConfig, create_gemini_app
from github_issue_analysis_sandbox.server import BackgroundServer
from groups import LATENCY_MS, populate
from harness import Row, print_rows, run_step

from github_issue_analysis.defaults import CONCURRENCY as DEFAULT_CONCURRENCY

KEY = "gemini-bench"
UPLOAD_REQUESTS = 2  # a resumable upload: its start, then its data with the finalize command


@contextmanager
def sandbox(folder: Path) -> Iterator[tuple[GeminiEmulator, dict[str, str]]]:
    emulator = GeminiEmulator(GeminiEmulatorConfig(api_key=KEY, pending_seconds=0.05, processing_seconds=0.2))
    with BackgroundServer(create_gemini_app(emulator=emulator)) as server:
        yield (
            emulator,
            {
                "GH_ANALYSIS_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
                "GEMINI_API_KEY": KEY,
                "GEMINI_BASE_URL": server.url,
                "GH_ANALYSIS_MODEL": "gemini:gemini-2.5-flash",
            },
        )


def _requests(emulator: GeminiEmulator) -> int:
    return sum(count for name, count in emulator.stats.requests.items() if not name.startswith("GET"))


def submit_rows(folder: Path) -> list[Row]:
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", 400)
        emulator.config.latency_ms = LATENCY_MS
        inline = run_step("submit", env, org="acme", concurrency=DEFAULT_CONCURRENCY)
        inline_requests = _requests(emulator)
        emulator.stats.requests.clear()
        from_files = run_step(
            "submit", {**env, "GH_ANALYSIS_GEMINI_MAX_INLINE_BYTES": "0"}, org="acme", concurrency=DEFAULT_CONCURRENCY
        )
        file_requests = _requests(emulator)
    batches = inline["batches"]
    return [
        Row(
            f"Gemini submit 400 issues / {batches} batches, {LATENCY_MS:.0f} ms latency",
            f"{inline['seconds']:.2f} s inline, {inline_requests} requests (minimum {batches})",
            f"{from_files['seconds']:.2f} s as files, {file_requests} requests "
            f"(minimum {batches * (UPLOAD_REQUESTS + 1)})",
            f"{from_files['seconds'] / inline['seconds']:.1f}x",
            "requests = the API minimum",
            inline_requests == batches and file_requests == batches * (UPLOAD_REQUESTS + 1),
        )
    ]


def status_rows(folder: Path) -> list[Row]:
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", 3000)
        emulator.config.processing_seconds = 600  # every batch stays running while we look
        group_id = run_step("submit", env, org="acme", concurrency=DEFAULT_CONCURRENCY)["value"]
        emulator.config.latency_ms = LATENCY_MS
        emulator.stats.requests.clear()
        ours = run_step("status", env, group_id=group_id)
        listed = sum(emulator.stats.requests.values())
        one_by_one = run_step("sequential_retrieves", env, group_id=group_id)
    return [
        Row(
            f"Gemini status of a {ours['value']}-batch group, {LATENCY_MS:.0f} ms latency",
            f"{ours['seconds']:.2f} s, {listed} request(s)",
            f"{one_by_one['seconds']:.2f} s ({ours['value']} retrieves in sequence)",
            f"{one_by_one['seconds'] / ours['seconds']:.1f}x faster",
            "<= 1 s",
            ours["seconds"] <= 1.0,
        )
    ]


def measure() -> list[Row]:
    rows: list[Row] = []
    for build in (submit_rows, status_rows):
        with tempfile.TemporaryDirectory() as folder:
            rows.extend(build(Path(folder)))
    return rows


if __name__ == "__main__":
    print_rows("Gemini batch mode", measure())
