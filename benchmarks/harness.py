"""Shared pieces of the benchmarks: result rows, the table, measuring a step in a child process.

Each measured step runs in its own Python process (`python benchmarks/harness.py STEP ARGS_JSON`) so its peak
RSS is its own; the emulators stay in the parent process on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peak import peak_rss_mb
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    case: str
    ours: str
    comparison: str
    ratio: str
    goal: str
    met: bool | None


def print_rows(title: str, rows: list[Row]) -> None:
    table = Table(title=title)
    for column in ("case", "ours", "comparison (same run)", "ratio", "goal", "met"):
        table.add_column(column)
    for row in rows:
        met = "-" if row.met is None else ("yes" if row.met else "NO")
        table.add_row(row.case, row.ours, row.comparison, row.ratio, row.goal, met)
    Console(width=160).print(table)


def markdown(rows: list[Row]) -> str:
    lines = ["| case | ours | comparison (same run) | ratio | goal | met |", "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        met = "-" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.case} | {row.ours} | {row.comparison} | {row.ratio} | {row.goal} | {met} |")
    return "\n".join(lines)


def run_step(step: str, env: dict[str, str], **args: Any) -> dict[str, Any]:
    """Run `step` (a function in benchmarks/steps.py) in a fresh process; returns its JSON answer."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("steps.py")), step, json.dumps(args)],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"step {step} failed: {proc.stderr[-2000:]}")
    answer: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return answer


def timed(action: Callable[[], Any]) -> dict[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    value = action()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,  # steadier than wall time on a shared machine
        "peak_rss_mb": peak_rss_mb(),
        "value": value,
    }


def command_seconds(args: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, env={**os.environ, **env}, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


@dataclass(frozen=True)
class CommandRun:
    seconds: float
    peak_rss_mb: float
    stdout: str
    started: float  # time.time() just before the command started
    cpu_seconds: float  # user + system: what the command cost on a shared machine, waits for a core aside


def run_command(args: list[str], env: dict[str, str]) -> CommandRun:
    """`gh-analysis args[1:]` (args[0] names the console script) in its own process, through peak.py: wall time,
    CPU time and the process's own peak RSS."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        peak_file, out_file, err_file = (Path(folder) / name for name in ("peak", "out", "err"))
        command = [sys.executable, str(Path(__file__).with_name("peak.py")), *args[1:]]
        with out_file.open("w") as out, err_file.open("w") as err:
            started_wall, started = time.time(), time.perf_counter()
            proc = subprocess.Popen(
                command,
                env={**os.environ, **env, "GH_BENCH_PEAK_FILE": str(peak_file)},
                cwd=ROOT,
                stdout=out,
                stderr=err,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(args[1:])} failed: {err_file.read_text()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return CommandRun(seconds, float(peak_file.read_text()), out_file.read_text(), started_wall, cpu)


FLOOR_CODE = "import openai; openai.AsyncOpenAI(api_key='sk-floor', base_url='http://127.0.0.1:9/v1')"
_floor: list[float] = []


def sdk_floor(runs: int = 5) -> float:
    """What no command that calls the provider can beat, measured once per run: a fresh Python process that
    imports the official OpenAI SDK and builds a client (median of `runs`, bytecode cache on)."""
    if not _floor:
        env = {"PYTHONDONTWRITEBYTECODE": ""}
        times = sorted(command_seconds([sys.executable, "-c", FLOOR_CODE], env, runs))
        _floor.append(times[len(times) // 2])
        cpu = sorted(_cpu_seconds([sys.executable, "-c", FLOOR_CODE], env) for _ in range(runs))
        _floor.append(cpu[len(cpu) // 2])
    return _floor[0]


def sdk_floor_cpu() -> float:
    """The CPU seconds of the SDK floor (user + system): steadier than wall time on a shared machine."""
    sdk_floor()
    return _floor[1]


def _cpu_seconds(args: list[str], env: dict[str, str]) -> float:
    proc = subprocess.Popen(args, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return float(usage.ru_utime + usage.ru_stime)
