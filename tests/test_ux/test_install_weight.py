"""The scientific stack (numpy, scipy, scikit-learn) is imported only where it is used: `--help` stays within
0.2 s of CPU and `batch status` never loads it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import live_config, seed, seeded, submit, use_openai  # noqa: F401

SCIENTIFIC = ("numpy", "scipy", "sklearn")


def warm_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the bytecode cache, as an installed tool has it
    return env


def imported_packages(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "github_issue_analysis", *args],
        capture_output=True,
        text=True,
        env=warm_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}


def test_help_takes_at_most_0_2_s_of_cpu() -> None:
    spent = []
    for _ in range(3):  # CPU time, not wall time: the machine may be shared; the best of three
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "github_issue_analysis", "--help"], capture_output=True, env=warm_env())
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    assert min(spent) <= 0.2, spent


@pytest.mark.slow
def test_batch_status_loads_no_scientific_stack(
    served_openai: tuple[OpenAIEmulator, str],
    monkeypatch: pytest.MonkeyPatch,
    seeded: Store,  # noqa: F811
) -> None:
    use_openai(served_openai, live_config(processing_seconds=0.3), monkeypatch)
    seed(seeded, 5)
    group = submit()["group_id"]
    packages = imported_packages("batch", "status", group)
    assert "github_issue_analysis" in packages and "sqlalchemy" in packages  # the command ran
    assert packages.isdisjoint(SCIENTIFIC), packages & set(SCIENTIFIC)
