"""Shell completion of ids, models and processors: answered from the recent-ids file the creating commands
write, in at most 0.3 s a Tab (a new process each time, as the shell starts one, with the bytecode cache warm)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import live_config, seed, seeded, submit, use_openai  # noqa: F401

LAUNCH = "from github_issue_analysis.cli.launch import run; run()"


def tab(line: str, shell: str = "bash") -> tuple[list[str], float]:
    """What the shell's completion script asks for `line` (the cursor at its end), and how long it took."""
    env = {**os.environ, "_GH_ANALYSIS_COMPLETE": f"complete_{shell}", "PYTHONDONTWRITEBYTECODE": ""}
    env.pop("PYTHONDONTWRITEBYTECODE")  # bytecode cached, as an installed tool has it
    words = line.split(" ")
    if shell == "bash":
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LAUNCH], capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines(), elapsed


@pytest.mark.slow
def test_ids_models_and_processors_complete_within_0_3_s(
    served_openai: tuple[OpenAIEmulator, str],
    monkeypatch: pytest.MonkeyPatch,
    seeded: Store,  # noqa: F811
) -> None:
    use_openai(served_openai, live_config(processing_seconds=0.3), monkeypatch)
    seed(seeded, 60)
    group = submit()
    job = group["job_ids"][0]
    tab("gh-analysis batch status ")  # warms the bytecode cache
    shown, _ = tab("gh-analysis batch status ")
    assert group["group_id"] in shown and job in shown
    assert tab("gh-analysis batch collect job_")[0] == sorted(group["job_ids"], key=group["job_ids"].index)
    assert tab("gh-analysis eval " + group["group_id"][:9])[0] == [group["group_id"]]
    assert "product-labeling" in tab("gh-analysis batch submit ")[0]
    assert "openai:gpt-4o-mini" in tab("gh-analysis label --org acme --model open")[0]  # the first Tab lists them
    zsh, _ = tab("gh-analysis batch watch ", shell="zsh")
    assert zsh[0].startswith("_arguments") and any(group["group_id"] in line for line in zsh)
    times = [tab(line)[1] for line in ("gh-analysis batch status ", "gh-analysis report gro", "gh-analysis --model o")]
    times += [tab("gh-analysis labels revert ")[1]]
    assert max(times) <= 0.3, times


def test_commands_and_options_are_still_completed_by_typer(tmp_path: Path) -> None:
    assert "status" in tab("gh-analysis batch st")[0]
