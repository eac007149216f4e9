"""Batch groups at size, against the OpenAI Batch API emulator on 127.0.0.1 (100 ms latency per request):

1. submit 400 issues (14 batches) with the default concurrency vs --concurrency 1 (goal >= 5x, <= 1.5 s);
2. status of a 100-batch group vs one retrieve per batch in sequence (goal <= 1 s);
3. group-collect of 10,000 results: results/s after download (goal >= 10,000/s), peak RSS (goal <= 250 MB);
4. dry-run plan for 100,000 issues (goal <= 3 s), peak RSS, next to the plan for 10,000.

    uv run python benchmarks/groups.py [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator, create_openai_app
from github_issue_analysis_sandbox.server import BackgroundServer
from harness import Row, print_rows, run_command, run_step, sdk_floor, sdk_floor_cpu
from startup import console_script

from github_issue_analysis.defaults import CONCURRENCY as DEFAULT_CONCURRENCY
from github_issue_analysis.storage.records import CommentRecord, IssueRecord, LabelRecord
from github_issue_analysis.storage.store import open_store

KEY = "sk-bench"
LATENCY_MS = 100.0
LABELS = [
    LabelRecord(name="product::kots", description="Admin console and installer for KOTS applications"),
    LabelRecord(name="product::vendor", description="Vendor portal, release channels and customer licenses"),
    LabelRecord(name="product::troubleshoot", description="Support bundles, preflight checks and analyzers"),
    LabelRecord(name="product::embedded-cluster", description="Embedded Kubernetes cluster installs and upgrades"),
]
TOPICS = [
    "The admin console installer fails during the upgrade of the application on an airgapped host",
    "The vendor portal release channel does not show the latest customer license after promotion",
    "Support bundle collection hangs and the preflight checks time out while the analyzer runs",
    "Embedded cluster join command fails on the second node with a certificate error",
]


def populate(database_url: str, org: str, count: int) -> None:
    when = datetime(2026, 5, 1, tzinfo=UTC)
    store = open_store(database_url)
    chunk: list[IssueRecord] = []
    for number in range(1, count + 1):
        topic = TOPICS[number % len(TOPICS)]
        chunk.append(
            IssueRecord(
                org=org,
                repo=f"repo{number % 5}",
                number=number,
                title=f"{topic[:60]} #{number}",
                body=f"{topic}.\n\nSteps to reproduce: run the install, watch the logs, see the error.\n" * 3,
                state="open",
                author="user",
                labels=[LabelRecord(name="bug")],
                created_at=when,
                updated_at=when,
                comments=[CommentRecord(author="dev", body=f"Seen this too: {topic.lower()}", created_at=when)] * 2,
            )
        )
        if len(chunk) == 2000:
            store.issues.upsert_issues(chunk)
            chunk = []
    store.issues.upsert_issues(chunk)
    for repo in range(5):
        store.issues.replace_repo_labels(org, f"repo{repo}", LABELS)
    store.close()


@contextmanager
def sandbox(folder: Path) -> Iterator[tuple[OpenAIEmulator, dict[str, str]]]:
    emulator = OpenAIEmulator(
        EmulatorConfig(api_key=KEY, validating_seconds=0.05, processing_seconds=0.2, finalizing_seconds=0.05)
    )
    with BackgroundServer(create_openai_app(emulator=emulator)) as server:
        env = {
            "GH_ANALYSIS_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "OPENAI_API_KEY": KEY,
            "OPENAI_BASE_URL": f"{server.url}/v1",
        }
        yield emulator, env


def _wait_done(emulator: OpenAIEmulator, env: dict[str, str], group_id: str) -> None:
    for _ in range(600):
        run_step("status", env, group_id=group_id)
        if all(b.to_api(emulator.now())["status"] == "completed" for b in emulator.batches.values()):
            run_step("status", env, group_id=group_id)
            return
        time.sleep(0.2)
    raise RuntimeError("batches did not finish")


def submit_rows(folder: Path) -> list[Row]:
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", 400)
        emulator.config.latency_ms = LATENCY_MS
        concurrent = run_step("submit", env, org="acme", concurrency=DEFAULT_CONCURRENCY)
        sequential = run_step("submit", env, org="acme", concurrency=1)
    ratio = sequential["seconds"] / concurrent["seconds"]
    return [
        Row(
            f"submit 400 issues / {concurrent['batches']} batches, {LATENCY_MS:.0f} ms latency",
            f"{concurrent['seconds']:.2f} s (concurrency {DEFAULT_CONCURRENCY})",
            f"{sequential['seconds']:.2f} s (--concurrency 1)",
            f"{ratio:.1f}x faster",
            ">= 5x, <= 1.5 s",
            ratio >= 5 and concurrent["seconds"] <= 1.5,
        )
    ]


DRY_RUN_GOAL_S = 0.8
SUBMIT_MARGIN_S = 0.8  # the whole submit command: at most this above the SDK floor


def whole_submit_rows(folder: Path) -> list[Row]:
    """`batch submit` of 400 issues as a user runs it (a fresh process), the dry run first, next to the SDK floor."""
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", 400)
        emulator.config.latency_ms = LATENCY_MS
        args = [console_script(), "batch", "submit", "product-labeling", "--org", "acme"]
        dry = run_command([*args, "--dry-run"], env)
        sent = run_command([*args, "--yes", "--json"], env)
        batches = len(emulator.batches)
    floor, floor_cpu = sdk_floor(), sdk_floor_cpu()
    return [
        Row(
            "`batch submit --dry-run` of 400 issues, whole command",
            f"{dry.seconds:.2f} s (CPU {dry.cpu_seconds:.2f} s)",
            f"SDK floor {floor:.2f} s (CPU {floor_cpu:.2f} s): no SDK is imported for a dry run",
            f"{dry.seconds / DRY_RUN_GOAL_S:.2f}x the goal",
            f"<= {DRY_RUN_GOAL_S} s",
            dry.seconds <= DRY_RUN_GOAL_S,
        ),
        Row(
            f"`batch submit` of 400 issues / {batches} batches, whole command, {LATENCY_MS:.0f} ms latency",
            f"{sent.seconds:.2f} s (CPU {sent.cpu_seconds:.2f} s)",
            f"SDK floor {floor:.2f} s (CPU {floor_cpu:.2f} s)",
            f"{sent.seconds - floor:+.2f} s over the floor (CPU {sent.cpu_seconds - floor_cpu:+.2f} s)",
            f"<= floor + {SUBMIT_MARGIN_S} s, CPU likewise",
            sent.seconds <= floor + SUBMIT_MARGIN_S and sent.cpu_seconds <= floor_cpu + SUBMIT_MARGIN_S,
        ),
    ]


def status_rows(folder: Path) -> list[Row]:
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", 3000)
        emulator.config.processing_seconds = 600  # every batch stays in progress while we look
        group_id = run_step("submit", env, org="acme", concurrency=DEFAULT_CONCURRENCY)["value"]
        emulator.config.latency_ms = LATENCY_MS
        ours = run_step("status", env, group_id=group_id)
        one_by_one = run_step("sequential_retrieves", env, group_id=group_id)
    return [
        Row(
            f"status of a {ours['value']}-batch group, {LATENCY_MS:.0f} ms latency",
            f"{ours['seconds']:.2f} s",
            f"{one_by_one['seconds']:.2f} s (one retrieve per batch in sequence)",
            f"{one_by_one['seconds'] / ours['seconds']:.1f}x faster",
            "<= 1 s",
            ours["seconds"] <= 1.0,
        )
    ]


def collect_rows(folder: Path, results: int) -> list[Row]:
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", results)
        group_id = run_step("submit", env, org="acme", concurrency=DEFAULT_CONCURRENCY)["value"]
        _wait_done(emulator, env, group_id)
        download = run_step("download_only", env, group_id=group_id)
        ours = run_step("collect", env, group_id=group_id)
    after = max(ours["seconds"] - download["seconds"], 1e-6)
    rate = ours["value"] / after
    return [
        Row(
            f"group-collect of {ours['value']:,} results (no latency)",
            f"{rate:,.0f} results/s after download ({ours['seconds']:.2f} s in all)",
            f"{download['seconds']:.2f} s to download and parse the same files alone",
            f"{ours['seconds'] / download['seconds']:.1f}x the download",
            ">= 10,000/s",
            rate >= 10_000,
        ),
        Row(
            f"group-collect of {ours['value']:,} results: peak RSS",
            f"{ours['peak_rss_mb']:.0f} MB",
            f"{download['peak_rss_mb']:.0f} MB (download alone)",
            f"{ours['peak_rss_mb'] / download['peak_rss_mb']:.2f}",
            "<= 250 MB",
            ours["peak_rss_mb"] <= 250,
        ),
    ]


def plan_rows(folder: Path, issues: int) -> list[Row]:
    with sandbox(folder) as (_, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "big", issues)
        populate(env["GH_ANALYSIS_DATABASE_URL"], "small", issues // 10)
        big = run_step("plan", env, org="big")
        small = run_step("plan", env, org="small")
    return [
        Row(
            f"dry-run plan for {issues:,} issues ({big['value']:,} batches)",
            f"{big['seconds']:.2f} s (CPU {big['cpu_seconds']:.2f} s), peak RSS {big['peak_rss_mb']:.0f} MB",
            f"{small['seconds']:.2f} s (CPU {small['cpu_seconds']:.2f} s), {small['peak_rss_mb']:.0f} MB for "
            f"{issues // 10:,} issues",
            f"{big['seconds'] / small['seconds']:.1f}x time for 10x issues",
            "<= 3 s",
            big["seconds"] <= 3.0,
        )
    ]


def measure(quick: bool = False) -> list[Row]:
    rows: list[Row] = []
    for build in (
        submit_rows,
        whole_submit_rows,
        status_rows,
        lambda f: collect_rows(f, 2_000 if quick else 10_000),
        lambda f: plan_rows(f, 10_000 if quick else 100_000),
    ):
        with tempfile.TemporaryDirectory() as folder:
            rows.extend(build(Path(folder)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller collect and plan cases")
    print_rows("Batch groups", measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
