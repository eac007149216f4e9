from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from anthropic import Anthropic
from github_issue_analysis_sandbox.server import free_port
from openai import OpenAI

from github_issue_analysis.evaluation.evaluation_errors import ThresholdUnreachable
from github_issue_analysis.evaluation.thresholds import threshold_for
from github_issue_analysis.storage.store import open_store
from tests.conftest import invoke


@pytest.mark.parametrize(
    "model",
    [
        pytest.param("openai:gpt-4o-mini", marks=pytest.mark.slow),
        "anthropic:claude-haiku-4-5",
        pytest.param("gemini:gemini-2.5-flash", marks=pytest.mark.slow),
    ],
)
def test_demo_runs_the_whole_flow_offline(model: str, tmp_path: Path) -> None:
    result = invoke("demo", "--data-dir", str(tmp_path / "demo"), "--processing-seconds", "0.3", "--model", model)
    assert result.exit_code == 0, result.stderr
    assert "Batch Splitting Plan" in result.stdout
    assert "Recommended labels" in result.stdout
    assert "group completed, 95/95 issues labelled" in result.stdout
    assert "7. Measured on 40 issues: micro-F1" in result.stdout
    store = open_store(f"sqlite:///{tmp_path / 'demo' / 'gh-analysis.db'}")
    try:
        rows = list(store.results.current(org="sandbox-org"))
        assert len(rows) == 95
        assert all(r["label"].startswith("product::") for row in rows for r in row.analysis["recommended_labels"])
        full_run = next(group for group, _ in store.jobs.groups() if group.total_issues == 95)
        assert f"{full_run.provider}:{full_run.model}" == model
        plan = full_run.split_plan or {}
        assert [b["issue_count"] for b in plan["batches"]] == [30, 30, 30, 5]
        blind = next(g for g, _ in store.jobs.groups() if g.options.get("blind") and g.provider != "local")
        baseline = next(g for g, _ in store.jobs.groups() if g.provider == "local")
        assert baseline.selection["sample"] == 40 and baseline.options.get("blind")
        assert "Side by side on the same 40 blind issues" in result.stdout and "tfidf-logreg" in result.stdout
        out = result.stdout
        assert out.index("Side by side") < out.index("8. Label plan") < out.index("9. Label doctor")
        assert "Recommendation" in out[out.index("9. Label doctor") :]
        assert store.evaluations.latest(blind.group_id) is not None
        shown = re.search(r"8\. Label plan at minimum confidence ([0-9.]+): ([^\n]+)", result.stdout)
        assert shown is not None, result.stdout
        try:  # the threshold the blind evaluation found for precision 0.9, else the default 0.8
            expected, why = threshold_for(store, blind.group_id, 0.9), "measured precision >= 0.9"
        except ThresholdUnreachable:
            expected, why = 0.8, "no threshold reached precision 0.9"
        assert float(shown.group(1)) == pytest.approx(expected, abs=1e-6)
        assert why in shown.group(2)
    finally:
        store.close()


def test_sandbox_serve_answers_both_apis(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "github_issue_analysis", "sandbox", "serve", "--port", str(port), "--api-key", "sk-x"],
        cwd=tmp_path,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port + 2}/_sandbox/stats", timeout=1)  # started last
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.1)
        client = OpenAI(api_key="sk-x", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
        assert client.batches.list().data == []
        graphql = httpx.post(
            f"http://127.0.0.1:{port + 1}/graphql",
            headers={"Authorization": "bearer t"},
            json={"query": '{ organization(login: "sandbox-org") { repositories(first: 10) { nodes { name } } } }'},
        )
        names = {n["name"] for n in graphql.json()["data"]["organization"]["repositories"]["nodes"]}
        assert names == {"app-installer", "support-kit", "vendor-tools"}
        with Anthropic(api_key="sk-x", base_url=f"http://127.0.0.1:{port + 2}", max_retries=0) as anthropic:
            assert anthropic.messages.batches.list().data == []
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
    assert f"ANTHROPIC_BASE_URL=http://127.0.0.1:{port + 2} ANTHROPIC_API_KEY=sk-x" in out.decode()


@pytest.mark.parametrize("command", [("demo",), ("sandbox", "serve")])
def test_without_the_sandbox_installed_the_commands_say_what_to_install(
    command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "github_issue_analysis_sandbox", None)  # imports as if not installed
    result = invoke(*command)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "the sandbox emulators are not installed" in result.stderr
    assert "github-issue-analysis[sandbox]" in result.stderr
