"""`python benchmarks/peak.py ARGS...`: run `gh-analysis ARGS...` in this process and, at exit, write its peak
RSS in MB to the file named by GH_BENCH_PEAK_FILE. VmHWM belongs to the process image, so it starts afresh at
exec; ru_maxrss does not (a child forked from a large parent reports the parent's size)."""

from __future__ import annotations

import atexit
import os
import sys


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _write() -> None:
    target = os.environ.get("GH_BENCH_PEAK_FILE")
    if target:
        with open(target, "w") as out:
            out.write(f"{peak_rss_mb():.1f}")


if __name__ == "__main__":
    atexit.register(_write)
    from github_issue_analysis.cli.main import run

    sys.argv = ["gh-analysis", *sys.argv[1:]]
    sys.exit(run())
