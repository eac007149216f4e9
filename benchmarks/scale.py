"""At the providers' limits (issue 15), against the OpenAI Batch API emulator on 127.0.0.1 at 100 ms latency
unless said; each case prints its request count beside the fewest requests the API allows, and the ratio:

1. status of a 100-batch group, whole command (goal <= the SDK floor + 0.4 s, <= 3 requests);
2. status of a 2,000-batch group, whole command (goal <= 3 s, <= 25 requests);
   both under each order the emulator may list batches created in the same second in (newest, oldest, random);
3. watch of that group from submit to the last collect, batches finishing over time (goal <= 1.3x the
   minimum: upload + create + one output download per batch, plus the list pages each poll needs;
   peak RSS <= 300 MB);
4. group-collect of 60,000 results, no latency (goal <= 8 s after download, peak RSS <= 300 MB);
5. submit of 60,000 issues (2,000 batches) under the 2,000-per-hour creation limit, whole command (goal:
   first batches out in <= 2 s, every batch the hour allows created, memory flat next to 6,000 issues);
6. `batch list --groups` with 10,000 groups (list_groups.py, goal <= 0.5 s).

    uv run python benchmarks/scale.py [--quick]     # --quick: 300 batches (9,000 issues) instead of 2,000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from math import ceil
from pathlib import Path
from typing import Any

import list_groups
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator
from github_issue_analysis_sandbox.openai_emulator.state import BatchStatus
from groups import populate, sandbox
from harness import CommandRun, Row, print_rows, run_command, run_step, sdk_floor, sdk_floor_cpu
from startup import console_script

LATENCY_MS = 100.0
PAGE = 100  # OpenAI's largest list page
ISSUES_PER_BATCH = 30
FINAL = {BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.EXPIRED, BatchStatus.CANCELLED}
UPLOAD, CREATE, LIST = "POST /v1/files", "POST /v1/batches", "GET /v1/batches"
RETRIEVE, DOWNLOAD = "GET /v1/batches/{batch_id}", "GET /v1/files/{file_id}/content"


def requests(emulator: OpenAIEmulator) -> Counter[str]:
    return Counter(emulator.stats.requests)


def counted(emulator: OpenAIEmulator, action: Callable[[], Any]) -> tuple[Any, Counter[str]]:
    before = requests(emulator)
    value = action()
    return value, requests(emulator) - before


def describe(counts: Counter[str]) -> str:
    names = {UPLOAD: "uploads", CREATE: "creates", LIST: "list pages", RETRIEVE: "retrieves", DOWNLOAD: "downloads"}
    return ", ".join(f"{counts[key]:,} {name}" for key, name in names.items() if counts[key])


class PollRecorder:
    """Records, for every poll (a list request without a cursor), the fewest list requests that could have told
    the tool what it did not know yet: the batches unfinished at the previous poll, covered by the fewest
    pages of PAGE (a page may start after any batch id)."""

    def __init__(self, emulator: OpenAIEmulator) -> None:
        self.emulator = emulator
        self.minimums: list[int] = []
        self._unknown: set[str] | None = None
        original = emulator.list_batches

        async def recording(after: str | None, limit: int) -> dict[str, Any]:
            if after is None:
                self._poll()
            return await original(after, limit)

        emulator.list_batches = recording  # type: ignore[method-assign]

    def _poll(self) -> None:
        newest_first = list(reversed(self.emulator.batches.values()))
        unknown = self._unknown if self._unknown is not None else {b.id for b in newest_first}
        positions = [i for i, b in enumerate(newest_first) if b.id in unknown]
        pages, covered_to = 0, -1
        for position in positions:
            if position > covered_to:
                pages, covered_to = pages + 1, position + PAGE - 1
        self.minimums.append(pages)
        now = self.emulator.now()
        self._unknown = {b.id for b in newest_first if b.status_at(now) not in FINAL}


def finish_over(emulator: OpenAIEmulator, seconds: float) -> None:
    """Reschedule every running batch to finish, oldest first, over the next `seconds`."""
    now = emulator.now()
    batches = list(emulator.batches.values())
    for index, batch in enumerate(batches):
        ends = now + 2 + seconds * index / max(1, len(batches))
        processing = ends - batch.created - batch.schedule.validating
        batch.schedule = dataclasses.replace(batch.schedule, processing=processing)


ORDERS = ("newest", "oldest", "random")  # the emulator's order for batches created in the same second
STATUS_MARGIN_S = 0.4  # a 100-batch status: at most this above the SDK floor


def status_row(folder: Path) -> list[Row]:
    rows = []
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", 100 * ISSUES_PER_BATCH)
        emulator.config.processing_seconds = 3600  # every batch stays in progress while we look
        group_id = run_step("submit", env, org="acme", concurrency=32)["value"]
        emulator.config.latency_ms = LATENCY_MS
        for order in ORDERS:
            emulator.config.list_order_within_second = order
            run, counts = counted(emulator, lambda: run_command([console_script(), "batch", "status", group_id], env))
            row = _status_row(100, order, run, counts, sdk_floor() + STATUS_MARGIN_S, 3)
            cpu_met = run.cpu_seconds <= sdk_floor_cpu() + STATUS_MARGIN_S  # wall time alone is noisy when shared
            rows.append(dataclasses.replace(row, goal=f"{row.goal}; CPU likewise", met=bool(row.met) and cpu_met))
    return rows


def status_orders(emulator: OpenAIEmulator, env: dict[str, str], group_id: str, batches: int) -> list[Row]:
    """The status of a group under each order within a second (the group stays in progress throughout)."""
    rows = []
    args = [console_script(), "batch", "status", group_id]
    for order in ORDERS:
        emulator.config.list_order_within_second = order
        run, counts = counted(emulator, lambda: run_command(args, env))
        rows.append(_status_row(batches, order, run, counts, 3.0, 25))
    emulator.config.list_order_within_second = "newest"
    return rows


def _status_row(batches: int, order: str, run: CommandRun, counts: Counter[str], goal_s: float, most: int) -> Row:
    used, minimum = sum(counts.values()), ceil(batches / PAGE)
    return Row(
        f"status of a {batches:,}-batch group (all running), whole command, {LATENCY_MS:.0f} ms latency, "
        f"listed {order} first within a second",
        f"{run.seconds:.2f} s (CPU {run.cpu_seconds:.2f} s), {used} requests ({describe(counts)})",
        f"minimum {minimum} (list pages of {PAGE}); one retrieve per batch: {batches:,}; "
        f"SDK floor {sdk_floor():.2f} s (CPU {sdk_floor_cpu():.2f} s)",
        f"{used / minimum:.2f}x the minimum; {run.seconds - sdk_floor():+.2f} s over the floor",
        f"<= {goal_s:.2f} s, <= {most} requests",
        run.seconds <= goal_s and used <= most,
    )


def big_group_rows(folder: Path, batches: int) -> list[Row]:
    issues = batches * ISSUES_PER_BATCH
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "big", issues)
        emulator.config.processing_seconds = 24 * 3600  # running until finish_over reschedules them
        emulator.config.latency_ms = LATENCY_MS
        recorder = PollRecorder(emulator)
        submit_args = [console_script(), "batch", "submit", "product-labeling", "--org", "big", "--yes", "--json"]
        submitted, submit_counts = counted(emulator, lambda: run_command(submit_args, env))
        created = sorted(b.created for b in emulator.batches.values())
        group_id = json.loads(submitted.stdout)["group_id"]
        status_rows = status_orders(emulator, env, group_id, batches)
        polls_before_watch = len(recorder.minimums)
        finish_over(emulator, seconds=30)
        watched, watch_counts = counted(emulator, lambda: run_step("watch", env, group_id=group_id, poll_seconds=1.0))
        refused = emulator.stats.faults.get("http_429", 0)
    total = submit_counts + watch_counts
    watch_pages = recorder.minimums[polls_before_watch:]
    minimum = 3 * batches + sum(watch_pages)
    used = sum(total.values())
    peak = max(watched["peak_rss_mb"], submitted.peak_rss_mb)
    return [
        *status_rows,
        Row(
            f"watch of a {batches:,}-batch group, submit to last collect, finishing over 30 s, "
            f"{LATENCY_MS:.0f} ms latency",
            f"{used:,} requests ({describe(total)}); watch {watched['seconds']:.0f} s; peak RSS "
            f"{watched['peak_rss_mb']:.0f} MB (submit {submitted.peak_rss_mb:.0f} MB)",
            f"minimum {minimum:,} (3 per batch + {sum(watch_pages)} list pages over {len(watch_pages)} polls)",
            f"{used / minimum:.2f}x the minimum",
            "<= 1.3x, <= 300 MB",
            used <= 1.3 * minimum and peak <= 300,
        ),
        _submit_row(
            batches,
            issues,
            submitted,
            created[0] - submitted.started,
            created[-1] - created[0],
            len(created),
            refused,
            folder,
        ),
    ]


def _submit_row(
    batches: int, issues: int, run: CommandRun, first_out: float, span: float, made: int, refused: int, folder: Path
) -> Row:
    small = _small_submit(folder / "small", issues // 10)
    return Row(
        f"submit of {issues:,} issues ({batches:,} batches), whole command, {LATENCY_MS:.0f} ms latency, "
        "2,000 batches/hour limit",
        f"first batch out after {first_out:.2f} s; {made:,} created in {span:.1f} s ({refused} refused); "
        f"{run.seconds:.1f} s in all (CPU {run.cpu_seconds:.1f} s); peak RSS {run.peak_rss_mb:.0f} MB",
        f"peak RSS {small.peak_rss_mb:.0f} MB for {issues // 10:,} issues ({small.seconds:.1f} s)",
        f"{run.peak_rss_mb / small.peak_rss_mb:.2f}x the memory for 10x the issues",
        f"<= 2 s to the first; all {min(batches, 2000):,} of the hour; memory flat (<= 1.5x)",
        first_out <= 2.0 and made == batches and refused == 0 and run.peak_rss_mb <= 1.5 * small.peak_rss_mb,
    )


def _small_submit(folder: Path, issues: int) -> CommandRun:
    folder.mkdir()
    with sandbox(folder) as (emulator, env):
        populate(env["GH_ANALYSIS_DATABASE_URL"], "small", issues)
        emulator.config.latency_ms = LATENCY_MS
        args = [console_script(), "batch", "submit", "product-labeling", "--org", "small", "--yes", "--json"]
        return run_command(args, env)


def collect_rows(folder: Path, results: int) -> list[Row]:
    with sandbox(folder) as (emulator, env):
        emulator.config.max_batches_per_hour = 100_000  # the creation limit is case 5's subject, not this one's
        populate(env["GH_ANALYSIS_DATABASE_URL"], "acme", results)
        group_id = run_step("submit", env, org="acme", concurrency=32)["value"]
        emulator.config.clock = lambda: time.time() + 3600  # every batch has finished
        run_step("status", env, group_id=group_id)
        download = run_step("download_only", env, group_id=group_id)
        ours = run_step("collect", env, group_id=group_id)
    after = max(ours["seconds"] - download["seconds"], 1e-6)
    return [
        Row(
            f"group-collect of {ours['value']:,} results, no latency",
            f"{after:.2f} s after download ({ours['seconds']:.2f} s in all, {ours['value'] / after:,.0f} "
            f"results/s); peak RSS {ours['peak_rss_mb']:.0f} MB",
            f"{download['seconds']:.2f} s, {download['peak_rss_mb']:.0f} MB to download and parse the files alone",
            f"{ours['seconds'] / download['seconds']:.1f}x the download",
            "<= 8 s after download, <= 300 MB",
            after <= 8.0 and ours["peak_rss_mb"] <= 300,
        )
    ]


def measure(quick: bool = False) -> list[Row]:
    batches = 300 if quick else 2000
    rows: list[Row] = []
    for build in (
        status_row,
        lambda f: big_group_rows(f, batches),
        lambda f: collect_rows(f, batches * ISSUES_PER_BATCH),
    ):
        with tempfile.TemporaryDirectory() as folder:
            rows.extend(build(Path(folder)))
    rows += list_groups.measure(1_000 if quick else 10_000)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="300 batches instead of 2,000")
    print_rows("At the providers' limits", measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
