"""What each command imports (`python -X importtime`, normal bytecode cache): commands that make no provider
call must not import a provider SDK, commands other than `eval`/`report` must not import the scientific stack
(numpy, scipy, scikit-learn); `--help` stays <= 0.1 s. Beside them, the SDK and scientific imports alone.

    uv run python benchmarks/imports.py      # also writes the "Import time per command" section of RESULTS.md
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from groups import populate
from harness import ROOT, Row, command_seconds, print_rows
from startup import console_script

from github_issue_analysis.domain.groups import BatchGroup
from github_issue_analysis.domain.jobs import JobStatus
from github_issue_analysis.storage.batch_records import NewJob
from github_issue_analysis.storage.store import open_store

SDKS = ("openai", "anthropic")
SCIENTIFIC = ("numpy", "scipy", "sklearn")
MAY_USE_SCIENCE = ("eval", "report")
HELP_GOAL_SECONDS = 0.1
DRY_RUN = ("batch", "submit", "product-labeling", "--org", "acme", "--dry-run")


def finished_group(database_url: str) -> str:
    """A group whose only batch has finished and been collected: its status needs no provider call."""
    store = open_store(database_url)
    when = datetime(2026, 5, 1, tzinfo=UTC)
    group = BatchGroup(
        group_id="job-finished",
        processor="product-labeling",
        model="gpt-4o-mini",
        provider="openai",
        child_job_ids=["job-finished"],
        total_issues=3,
        is_split_job=False,
        batch_size=30,
        created_at=when,
    )
    store.jobs.create_group(group, [NewJob("job-finished", 1, 1, [(i, f"issue-{i}") for i in (1, 2, 3)])])
    store.jobs.update_job(
        "job-finished", status=JobStatus.COMPLETED, provider_batch_id="batch_x", completed_items=3, collected_at=when
    )
    store.close()
    return group.group_id


def imported(args: list[str], env: dict[str, str]) -> tuple[set[str], float]:
    """Top-level packages imported and the import time in all (seconds), from -X importtime."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args], env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True
    )
    packages, total = set(), 0.0
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if not cumulative.strip().isdigit():
            continue
        packages.add(name.strip().split(".")[0])
        if name.startswith(" ") and not name.startswith("  "):  # top level: one space after the bar
            total += int(cumulative) / 1e6
    return packages, total


def _seconds(args: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(command_seconds(args, env, runs))


def _seconds_any_exit(args: list[str], env: dict[str, str], runs: int) -> float:
    """Like `_seconds` for a command that may end in a usage error (eval of a group without human labels)."""
    import time

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, env={**os.environ, **env}, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(runs: int = 5) -> list[Row]:
    env_base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    os.environ.clear()
    os.environ.update(env_base)  # the normal bytecode cache, as users run the tool
    script = console_script()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'imports.db'}"
        populate(url, "acme", 300)
        group_id = finished_group(url)
        env = {"GH_ANALYSIS_DATABASE_URL": url, "OPENAI_API_KEY": "sk-unused"}
        commands = {
            "--help": ["--help"],
            "status": ["status"],
            "batch list --groups": ["batch", "list", "--groups"],
            "batch status (finished group)": ["batch", "status", group_id],
            "batch submit --dry-run (300 issues)": [*DRY_RUN],
            "results export": ["results", "export"],
            "models": ["models"],
            "labels runs": ["labels", "runs"],
            "labels plan --offline": ["labels", "plan", "--org", "acme", "--offline"],
            "eval (finished group)": ["eval", group_id],
            "report (finished group)": ["report", group_id, "--output", str(Path(folder) / "report.html")],
        }
        sdk_alone = {sdk: _seconds([sys.executable, "-c", f"import {sdk}"], {}, 3) for sdk in (*SDKS, "scipy.stats")}
        for name, args in commands.items():
            packages, import_seconds = imported([script, *args], env)
            timer = _seconds_any_exit if name.split()[0] in MAY_USE_SCIENCE else _seconds
            seconds = timer([script, *args], env, runs)
            sdks = sorted(packages.intersection(SDKS))
            science = sorted(packages.intersection(SCIENTIFIC))
            may_use = name.split()[0] in MAY_USE_SCIENCE
            goal = f"<= {HELP_GOAL_SECONDS} s, no SDK" if name == "--help" else "no SDK imported"
            goal += "" if may_use else ", no numpy/scipy/scikit-learn"
            met = not sdks and (may_use or not science) and (name != "--help" or seconds <= HELP_GOAL_SECONDS)
            rows.append(
                Row(
                    f"imports of `gh-analysis {name}`",
                    f"{seconds:.2f} s whole command; imports {import_seconds:.2f} s; SDK: {', '.join(sdks) or 'none'}; "
                    f"scientific: {', '.join(science) or 'none'}",
                    ", ".join(f"import {sdk} alone {t:.2f} s" for sdk, t in sdk_alone.items()),
                    f"{len(packages)} top-level packages",
                    goal,
                    met,
                )
            )
        rows.append(completion_row(script, env, runs))
    return rows


def completion_row(script: str, env: dict[str, str], runs: int) -> Row:
    """A Tab on an id (answered from recent-ids.json before Typer loads) beside a Tab on a command name (Typer)."""

    def tab(line: str) -> float:
        words = line.split(" ")
        request = {"_GH_ANALYSIS_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
        return _seconds([script], {**env, **request}, runs)

    ours, typer_tab = tab("gh-analysis batch status job"), tab("gh-analysis batch st")
    return Row(
        "Tab completion of an id (`batch status job<Tab>`), whole process",
        f"{ours:.3f} s",
        f"{typer_tab:.3f} s for a command name (Typer's own completion)",
        f"{ours / typer_tab:.2f}x",
        "<= 0.3 s",
        ours <= 0.3,
    )


def write_section(rows: list[Row]) -> None:
    """Replace (or add) the "Import time per command" section of RESULTS.md (run.py rewrites the file: run this
    after it, as install_weight.py)."""
    from harness import markdown
    from install_weight import RESULTS, stamp

    heading = "## Import time per command"
    section = (
        f"{heading}\n\n{stamp()}; load average {os.getloadavg()[0]:.1f}. Produced by "
        "`uv run python benchmarks/imports.py` (median wall time of the whole command, 5 runs, bytecode cache warm; "
        "import time summed from `-X importtime`).\n\n" + markdown(rows) + "\n"
    )
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    before, _, after = text.partition(heading)
    rest = after.split("\n## ", 1)[1] if "\n## " in after else ""
    RESULTS.write_text(before.rstrip("\n") + "\n\n" + section + (f"\n## {rest}" if rest else ""))


def main() -> None:
    rows = measure()
    print_rows("Imports per command", rows)
    write_section(rows)


if __name__ == "__main__":
    main()
