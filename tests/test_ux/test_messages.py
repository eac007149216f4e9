"""Messages and tables a new user meets: what to run first, every missing key at once, ids never cut, empty
tables as a sentence, a review that needs a terminal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from github_issue_analysis_sandbox.openai_emulator import OpenAIEmulator

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import live_config, seed, seeded, submit, use_openai  # noqa: F401
from tests.test_cli.test_demo_and_sandbox import free_port  # type: ignore[attr-defined]
from tests.test_labels.conftest import ORG, Rig, collect, rig, seed_result  # noqa: F401

NARROW = {"COLUMNS": "50"}


def test_submit_on_an_empty_store_says_to_collect_first(
    served_openai: tuple[OpenAIEmulator, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_openai(served_openai, live_config(processing_seconds=0.3), monkeypatch)
    result = invoke("batch", "submit", "product-labeling", "--org", "foo", "--yes")
    assert result.exit_code == 1
    assert "run `gh-analysis collect --org foo` first" in result.stderr


def test_label_without_keys_names_every_missing_key_and_token_at_once() -> None:
    result = invoke("label", "--org", "foo", "--yes")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY is not set" in result.stderr and "no GitHub token" in result.stderr
    assert result.stderr.count("\n") == 1


def test_labels_runs_never_cuts_a_run_id_and_says_when_there_is_none(seeded: Store) -> None:  # noqa: F811
    assert invoke("labels", "runs").stdout.strip() == "No label runs yet: `gh-analysis labels apply` starts one."
    run_id = "run_0123456789abcdef01234567"
    seeded.label_audit.start_run(run_id, "apply", "acme-corporation", "someone-with-a-long-login", {}, [])
    shown = invoke("labels", "runs", env=NARROW).stdout
    assert run_id in shown and "…" not in shown.split(run_id)[0].splitlines()[-1]


def test_batch_status_never_cuts_provider_batch_ids(
    served_openai: tuple[OpenAIEmulator, str],
    monkeypatch: pytest.MonkeyPatch,
    seeded: Store,  # noqa: F811
) -> None:
    use_openai(served_openai, live_config(processing_seconds=0.3), monkeypatch)
    seed(seeded, 60)
    group = submit()
    status = json.loads(invoke("batch", "status", group["group_id"], "--json").stdout)
    shown = invoke("batch", "status", group["group_id"], env={"COLUMNS": "80"}).stdout  # a pipe's width
    for batch in status["batches"]:
        assert batch["provider_batch_id"] in shown and batch["job_id"] in shown


def test_labels_review_without_a_terminal_points_elsewhere(rig: Rig, store: Store) -> None:  # noqa: F811
    collect(store, rig)
    seed_result(store, 1, {"product::ui": 0.9})
    result = invoke("labels", "review", "--org", ORG, input="")  # as `labels review </dev/null`
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr
    assert "labels accept" in result.stderr and "gh-analysis serve" in result.stderr


def test_report_title_eval_hint_and_open(
    served_openai: tuple[OpenAIEmulator, str],
    monkeypatch: pytest.MonkeyPatch,
    seeded: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    use_openai(served_openai, live_config(processing_seconds=0.1), monkeypatch)
    seed(seeded, 5)
    group = submit()["group_id"]
    assert invoke("batch", "watch", group, "--poll-seconds", "0.05", "--json").exit_code == 0
    output = tmp_path / "report.html"
    assert invoke("report", group, "--output", str(output)).exit_code == 0
    page = output.read_text()
    assert f"<title>gh-analysis report: {group}</title>" in page
    hint = page.split('id="evaluation-hint">')[1].split("</p>")[0]
    assert "not blind" in hint and "--blind" in hint and "gh-analysis eval" in hint

    opened = tmp_path / "opened.txt"  # `--open`: the browser (BROWSER, as webbrowser reads it) gets the file
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n')
    browser.chmod(0o755)
    output = tmp_path / "out" / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "github_issue_analysis", "report", group, "--output", str(output), "--open"],
        capture_output=True,
        text=True,
        env={**os.environ, "BROWSER": str(browser)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert opened.read_text() == output.resolve().as_uri()


def test_sandbox_serve_exports_a_store_of_its_own(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "github_issue_analysis", "sandbox", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while not lines or "Press Ctrl+C" not in lines[-1]:
            lines.append(proc.stdout.readline())
            assert lines[-1], proc.stderr.read() if proc.stderr else ""
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    exported = [line.split("GH_ANALYSIS_DATA_DIR=")[1].split()[0] for line in lines if "GH_ANALYSIS_DATA_DIR=" in line]
    assert len(exported) == 1 and Path(exported[0]).is_dir()
    assert Path(exported[0]) != Path(os.environ["GH_ANALYSIS_DATA_DIR"])  # never the user's own store


def test_demo_hint_is_a_command_that_works_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from github_issue_analysis.cli.demo import rerun_command

    monkeypatch.setenv("UV", "/usr/bin/uv")
    # `uv run`'s virtual environment is not on PATH; --no-dev: the tool, not the development tools
    assert rerun_command(tmp_path, "status").endswith("uv run --no-dev gh-analysis status")
    monkeypatch.delenv("UV")
    monkeypatch.setenv("PATH", "/nonexistent")
    command = rerun_command(tmp_path / "demo store", "status", "--json")
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["data_dir"] == str(tmp_path / "demo store")


def test_every_command_help_ends_with_examples() -> None:
    import typer.main

    from github_issue_analysis.cli.main import app

    def commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []
        for name, sub in getattr(group, "commands", {}).items():
            found += commands(sub, (*path, name)) if hasattr(sub, "commands") else [(*path, name)]
        return found

    paths = commands(typer.main.get_command(app))
    assert len(paths) > 25
    for path in paths:
        shown = invoke(*path, "--help").stdout
        examples = shown.split("Examples:")[-1].strip().splitlines() if "Examples:" in shown else []
        assert 1 <= len(examples) <= 2 and all(line.strip().startswith("gh-analysis ") for line in examples), path
