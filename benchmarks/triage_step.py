"""A triage step with nothing new on a 10,000-issue store, the GitHub and OpenAI emulators at 100 ms latency,
the calibration sample in flight: the whole command's wall time (`gh-analysis triage --org bench --yes --json`
in its own process) and the requests it makes of each service, beside the goal (at most 1 GitHub request per
repository to learn that nothing changed, 1 provider list page for what is in flight).

    uv run python benchmarks/triage_step.py [--issues 10000] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, benchmark_world
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator, create_openai_app
from github_issue_analysis_sandbox.server import BackgroundServer
from harness import ROOT, Row, print_rows

from github_issue_analysis.github_client import CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.pipeline.triage_content import content_fingerprint
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import open_store

GOAL_SECONDS = 3.0
KEY = "sk-bench-key"
CLI = "from github_issue_analysis.cli.main import run; run()"


def _steady_store(url: str, github_url: str) -> int:
    """Collect the world once and mark every issue as sent with its current content (a store in which every
    issue was labelled by earlier steps); returns the number of repositories."""
    store = open_store(url)
    asyncio.run(collect_issues(store.issues, CollectRequest(org="bench"), GitHubConnection(github_url, "bench-token")))
    issues = store.issues.select_issues(IssueSelection("bench"))
    store.triage.record_sent({i.id: content_fingerprint(i) for i in issues}, None)
    repos = len({i.repo for i in issues})
    store.close()
    return repos


def _incremental_collect_seconds(url: str, github_url: str) -> float:
    """The same incremental collection on its own, in this process (the emulator's share of the step)."""
    store = open_store(url)
    request = CollectRequest(org="bench", incremental=True)
    started = time.perf_counter()
    asyncio.run(collect_issues(store.issues, request, GitHubConnection(github_url, "bench-token")))
    seconds = time.perf_counter() - started
    store.close()
    return seconds


def measure(issues: int = 10_000, latency_ms: float = 100.0) -> list[Row]:
    github = GitHubEmulator(benchmark_world(issues), GitHubEmulatorConfig(latency_ms=0))
    # the calibration sample the first step sends stays in flight (a batch takes hours): every later step with
    # nothing new refreshes it from one list page, the hourly cron's steady state while a batch runs
    openai = OpenAIEmulator(EmulatorConfig(api_key=KEY, latency_ms=latency_ms, processing_seconds=86_400))
    with (
        tempfile.TemporaryDirectory() as folder,
        BackgroundServer(github.app) as github_server,
        BackgroundServer(create_openai_app(emulator=openai)) as openai_server,
    ):
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        repos = _steady_store(url, github_server.url)
        github.config.latency_ms = latency_ms
        github.stats.reset()
        env = {
            **os.environ,
            "GH_ANALYSIS_DATABASE_URL": url,
            "GH_ANALYSIS_DATA_DIR": folder,
            "GITHUB_API_URL": github_server.url,
            "GITHUB_TOKEN": "bench-token",
            "OPENAI_BASE_URL": f"{openai_server.url}/v1",
            "OPENAI_API_KEY": KEY,
            "PYTHONDONTWRITEBYTECODE": "",
        }
        command = [sys.executable, "-c", CLI, "triage", "--org", "bench", "--yes", "--json"]
        for _ in range(2):  # steady state: the calibration sample sent and in flight (and the bytecode cache warm)
            subprocess.run(command, env=env, cwd=ROOT, capture_output=True, check=False)
        if os.environ.get("TRIAGE_BENCH_PROFILE"):
            profiled = [sys.executable, "-m", "cProfile", "-o", os.environ["TRIAGE_BENCH_PROFILE"], "-m"]
            subprocess.run([*profiled, "github_issue_analysis", *command[3:]], env=env, cwd=ROOT, check=False)
        version = [sys.executable, "-c", CLI, "--version"]
        started = time.perf_counter()
        subprocess.run(version, env=env, cwd=ROOT, capture_output=True, check=False)
        startup = time.perf_counter() - started
        github.stats.reset()
        openai.stats.requests.clear()
        started = time.perf_counter()
        proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        github_requests = github.stats.total
        collect_alone = _incremental_collect_seconds(url, github_server.url)
    document = json.loads(proc.stdout) if proc.returncode == 0 else {}
    if os.environ.get("TRIAGE_BENCH_SHOW"):
        print(json.dumps({k: v for k, v in document.items() if k != "gate"}))
    provider_requests = sum(openai.stats.requests.values())
    quiet = document.get("submitted") is None and document.get("failed") == []
    allowed_github, allowed_provider = repos, 1  # the goal: 1 request per repository, 1 list page
    met = (
        proc.returncode == 0
        and quiet
        and elapsed <= GOAL_SECONDS
        and github_requests <= allowed_github
        and provider_requests <= allowed_provider
    )
    listed = openai.stats.requests.get("GET /v1/batches", 0)
    return [
        Row(
            f"triage step, nothing new, the calibration sample in flight, {issues:,}-issue store ({repos} repos), "
            f"{latency_ms:.0f} ms latency",
            f"{elapsed:.2f} s; {github_requests} GitHub + {provider_requests} provider requests ({listed} list pages)"
            + ("" if proc.returncode == 0 else f" (FAILED: {proc.stderr.strip()[-200:]})"),
            f"minimum 1 GitHub request (the repository listing with its change probe) + 1 provider list page; "
            f"`--version` alone {startup:.2f} s; the incremental collection alone {collect_alone:.2f} s",
            f"{github_requests / repos:.2f} GitHub requests per repository",
            f"<= {GOAL_SECONDS:.0f} s, <= {allowed_github} GitHub (1 per repository) + {allowed_provider} provider",
            met,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args()
    print_rows("Triage step", measure(args.issues, args.latency_ms))


if __name__ == "__main__":
    main()
