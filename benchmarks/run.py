"""Every benchmark against the sandbox emulators on 127.0.0.1, one table: case, our figure, the comparison
measured in the same run, ratio, goal. Also writes benchmarks/RESULTS.md (machine, date, commit).

    uv run python benchmarks/run.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import apply_labels
import collect
import gemini
import groups
import import_files
import imports
import prompt_cache
import report
import scale
import startup
import triage_step
from harness import ROOT, Row, markdown, print_rows


def environment() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit.stdout.strip() or 'unknown'}, "
        f"{platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}; "
        f"load average {os.getloadavg()[0]:.1f} at the start (a machine shared with other work: wall times are noisy)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller collect-results, plan and scale cases")
    quick = parser.parse_args().quick
    header = environment()
    rows: list[Row] = []
    rows += startup.measure()
    rows += groups.measure(quick)
    rows += gemini.measure()
    rows += collect.measure()
    rows += import_files.measure()
    rows += report.measure(1_000 if quick else 10_000)
    rows += apply_labels.measure()
    rows += apply_labels.measure_limited()
    rows += imports.measure()
    rows += scale.measure(quick)
    cache_rows, profiles = prompt_cache.measure(100 if quick else 1_000)
    rows += cache_rows
    rows += triage_step.measure(2_000 if quick else 10_000)
    print_rows("gh-analysis benchmarks", rows)
    missed = [row.case for row in rows if row.met is False]
    summary = "Every goal met." if not missed else f"Goals missed: {'; '.join(missed)}."
    Path(__file__).with_name("RESULTS.md").write_text(
        f"# Benchmark results\n\n{header}. Produced by `uv run python benchmarks/run.py`"
        f"{' --quick' if quick else ''}; every comparison figure was measured in the same run.\n\n"
        f"{markdown(rows)}\n\n{summary}\n\n{prompt_cache.catalog_markdown(profiles)}\n"
    )
    print(summary)


if __name__ == "__main__":
    main()
