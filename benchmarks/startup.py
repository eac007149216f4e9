"""Cold start of `gh-analysis --help`: median wall time over repeated runs (goal <= 0.25 s; the earlier tool
took 4.4 s), next to a bare `python -c pass` measured in the same run.

    uv run python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from harness import Row, command_seconds, print_rows

GOAL_SECONDS = 0.25
EARLIER_TOOL_SECONDS = 4.4


def console_script() -> str:
    script = Path(sys.executable).with_name("gh-analysis")
    return str(script) if script.exists() else (shutil.which("gh-analysis") or "gh-analysis")


def measure(runs: int = 15) -> list[Row]:
    ours = statistics.median(command_seconds([console_script(), "--help"], {}, runs))
    bare = statistics.median(command_seconds([sys.executable, "-c", "pass"], {}, runs))
    return [
        Row(
            f"`gh-analysis --help` cold start (median of {runs})",
            f"{ours:.3f} s",
            f"{bare:.3f} s bare Python start; earlier tool {EARLIER_TOOL_SECONDS} s",
            f"{EARLIER_TOOL_SECONDS / ours:.0f}x faster than the earlier tool",
            f"<= {GOAL_SECONDS} s",
            ours <= GOAL_SECONDS,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    print_rows("Start-up", measure(max(10, parser.parse_args().runs)))


if __name__ == "__main__":
    main()
