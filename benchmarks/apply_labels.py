"""Apply 1,000 label changes (500 issues in 5 repositories, two labels each) on the GitHub emulator with
50 ms latency per request; print the GraphQL requests beside the minimum, and a second apply's requests.

    uv run python benchmarks/apply_labels.py [--issues 500] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, World
from github_issue_analysis_sandbox.github_emulator.world import Issue, Label, Org, Repo
from github_issue_analysis_sandbox.server import BackgroundServer
from harness import Row, print_rows
from sqlalchemy import insert, select

from github_issue_analysis.github_client import CollectRequest, GitHubConnection, collect_issues
from github_issue_analysis.github_client.label_reads import ISSUES_PER_REQUEST
from github_issue_analysis.github_client.label_writes import MUTATIONS_PER_REQUEST
from github_issue_analysis.labels.apply import ApplyOptions, apply_labels
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.storage.schema import issues, results
from github_issue_analysis.storage.store import Store, open_store

ORG = "bench-labels"
REPOS = 5
LABELS = ("product::installer", "product::ui", "product::api", "product::docs")
GOAL = 60


def world(total: int) -> World:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    org = Org(ORG)
    for r in range(REPOS):
        repo = Repo(f"repo{r}", [Label(n, "0e8a16", n) for n in (*LABELS, "bug")])
        for n in range(1, total // REPOS + 1):
            repo.issues[n] = Issue(n, f"Issue {n}", "body", "someone", when, when, labels=["bug"])
        org.repos[repo.name] = repo
    return World([org])


def seed(store: Store) -> int:
    """Two recommended labels per issue, as a collected batch would store them."""
    made = datetime.now(UTC) - timedelta(minutes=1)
    with store.engine.begin() as conn:
        rows = conn.execute(select(issues.c.id, issues.c.number).where(issues.c.org == ORG)).all()
        conn.execute(
            insert(results),
            [
                {
                    "issue_id": issue_id,
                    "processor": "product-labeling",
                    "model": "gpt-4o-mini",
                    "analysis": {
                        "recommended_labels": [
                            {"label": LABELS[(number + k) % 4], "confidence": 0.9, "reasoning": "matches"}
                            for k in (0, 1)
                        ],
                        "current_labels_assessment": [],
                        "confidence": 0.9,
                        "summary": "s",
                        "reasoning": "r",
                    },
                    "confidence": 0.9,
                    "is_current": True,
                    "created_at": made,
                }
                for issue_id, number in rows
            ],
        )
    return len(rows)


def measure(total: int = 500, latency_ms: float = 50.0) -> list[Row]:
    emulator = GitHubEmulator(world(total), GitHubEmulatorConfig())
    with tempfile.TemporaryDirectory() as folder, BackgroundServer(emulator.app) as server:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        connection = GitHubConnection(server.url, "bench-token")
        asyncio.run(collect_issues(store.issues, CollectRequest(org=ORG), connection))
        count = seed(store)
        emulator.stats.reset()
        emulator.configure(latency_ms=latency_ms)
        options = ApplyOptions(LabelSelection(ORG))
        started = time.perf_counter()
        report = asyncio.run(apply_labels(store, connection, options))
        elapsed = time.perf_counter() - started
        first = emulator.stats.snapshot()["graphql"]
        requests = emulator.stats.graphql
        emulator.stats.reset()
        asyncio.run(apply_labels(store, connection, options))
        second = emulator.stats.snapshot()["graphql"]
        store.close()
    changes = sum(len(a.add) + len(a.remove) for a in report.applied)
    minimum = math.ceil(count / ISSUES_PER_REQUEST) + REPOS + 1 + math.ceil(count / MUTATIONS_PER_REQUEST)
    complete = changes == 2 * count and not report.failed
    return [
        Row(
            f"apply {changes:,} label changes on {count} issues ({REPOS} repos), {latency_ms:.0f} ms latency",
            f"{requests} GraphQL requests ({first['mutation_requests']} with {first['mutations']} mutations), "
            f"{elapsed:.2f} s" + ("" if complete else " (INCOMPLETE)"),
            f"minimum {minimum} (reads of 100 issues, 1 label list per repo, login, "
            f"{MUTATIONS_PER_REQUEST} mutations a request); one REST call per change: {changes:,}",
            f"{changes / requests:.0f}x fewer than one per change",
            f"<= {GOAL} requests",
            requests <= GOAL and complete,
        ),
        Row(
            "second apply with nothing new",
            f"{second['mutations']} mutations, {second['queries']} reads",
            "0 mutations",
            "-",
            "0 mutations",
            second["mutations"] == 0,
        ),
    ]


def measure_limited(total: int = 100, limit: int = 15, window: float = 20.0) -> list[Row]:
    """Apply under a secondary limit that counts every mutation (`limit` writes per `window` s), on a fake
    clock: requests and simulated time beside the least the limit allows."""
    config = GitHubEmulatorConfig(
        content_creation_limit=limit, content_creation_window_seconds=window, content_creation_per_mutation=True
    )
    emulator = GitHubEmulator(world(total), config)
    now = [time.monotonic()]
    emulator.content_limiter.clock = lambda: now[0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    with tempfile.TemporaryDirectory() as folder, BackgroundServer(emulator.app) as server:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        connection = GitHubConnection(server.url, "bench-token", sleep=sleep, clock=lambda: now[0])
        asyncio.run(collect_issues(store.issues, CollectRequest(org=ORG), connection))
        count = seed(store)
        emulator.stats.reset()
        started = now[0]
        report = asyncio.run(apply_labels(store, connection, ApplyOptions(LabelSelection(ORG))))
        simulated = now[0] - started
        stats = emulator.stats.snapshot()
        store.close()
    mutations = stats["graphql"]["mutations"]
    refused = stats["faults"].get("secondary_limit", 0)
    least = math.ceil(count / limit - 1) * window
    complete = not report.failed and len(report.applied) == count
    return [
        Row(
            f"apply {count} issues' labels under {limit} writes / {window:.0f} s counting each mutation (fake clock)",
            f"{mutations} mutations, {stats['graphql']['mutation_requests']} write requests ({refused} refused), "
            f"{simulated:.0f} s simulated" + ("" if complete else " (INCOMPLETE)"),
            f"least the limit allows: {least:.0f} s; before: never finished (50 mutations a request, refused)",
            f"{simulated / least:.2f}x the least time" if least else "-",
            "finishes, nothing sent twice",
            complete and mutations == count,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    print_rows("Applying labels", measure(args.issues, args.latency_ms) + measure_limited())


if __name__ == "__main__":
    main()
