"""Collect 1,000 issues with comments from the GitHub emulator (100 ms latency per request) and print the
number of requests and the wall time.

    uv run python benchmarks/collect.py [--issues 1000] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, benchmark_world
from github_issue_analysis_sandbox.server import BackgroundServer
from harness import Row, print_rows

from github_issue_analysis.github_client import CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.storage.store import open_store

EARLIER_TOOL_REQUESTS = 3000
GOAL = 25


def measure(issues: int = 1000, latency_ms: float = 100.0) -> list[Row]:
    world = benchmark_world(issues)
    emulator = GitHubEmulator(world, GitHubEmulatorConfig(latency_ms=latency_ms))
    expected_comments = sum(len(i.comments) for r in world.orgs["bench"].repos.values() for i in r.only_issues())
    with tempfile.TemporaryDirectory() as folder, BackgroundServer(emulator.app) as server:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        report = asyncio.run(
            collect_issues(store.issues, CollectRequest(org="bench"), GitHubConnection(server.url, "bench-token"))
        )
        elapsed = time.perf_counter() - started
        store.close()
    requests = emulator.stats.total
    complete = report.issues == issues and report.as_dict()["comments"] == expected_comments
    return [
        Row(
            f"collect {issues:,} issues with comments ({expected_comments:,} comments), {latency_ms:.0f} ms latency",
            f"{requests} requests, {elapsed:.2f} s" + ("" if complete else " (INCOMPLETE)"),
            f"about {EARLIER_TOOL_REQUESTS:,} requests (earlier tool)",
            f"{EARLIER_TOOL_REQUESTS / requests:.0f}x fewer",
            f"<= {GOAL} requests",
            requests <= GOAL and complete,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args()
    print_rows("Collection", measure(args.issues, args.latency_ms))


if __name__ == "__main__":
    main()
