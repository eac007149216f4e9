"""One batch job end to end through the CLI, the real OpenAI SDK and the emulator on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from github_issue_analysis.storage.schema import job_items, results
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import API_KEY, Sandbox, seed, status_of, submit


def item_states(store: Store) -> dict[str, tuple[str, str | None]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(job_items.c.custom_id, job_items.c.state, job_items.c.error_kind))
        return {r.custom_id: (r.state, r.error_kind) for r in rows}


@pytest.mark.parametrize("count", [1, 5, 400])
def test_submit_status_collect(count: int, provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, count)
    submitted = submit("--batch-size", "400")
    assert submitted["is_split_job"] is False
    assert submitted["total_issues"] == count
    job_id = submitted["group_id"]
    assert submitted["job_ids"] == [job_id]
    assert status_of(job_id)["status"] in (provider_sandbox.word("validating"), "in_progress")
    provider_sandbox.finish_all()
    status = status_of(job_id)
    assert status["status"] == provider_sandbox.word("completed")
    assert status["total_items"] == count
    collected = invoke("batch", "collect", job_id, "--json")
    assert collected.exit_code == 0, collected.stderr
    assert json.loads(collected.stdout)["collected"] == count
    exported = invoke("results", "export", "--org", "acme")
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(line["issue_number"] for line in lines) == list(range(1, count + 1))
    assert all(line["analysis"]["recommended_labels"] for line in lines)
    assert {line["job_id"] for line in lines} == {job_id}


def test_collect_twice_changes_nothing(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    job_id = submit()["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "collect", job_id).exit_code == 0
    again = invoke("batch", "collect", job_id)
    assert again.exit_code == 0
    assert "already collected" in again.stdout
    with seeded.engine.connect() as conn:
        assert conn.execute(select(results.c.id)).all().__len__() == 3


def test_answers_that_are_not_json_or_break_the_schema_are_item_failures(
    provider_sandbox: Sandbox, seeded: Store
) -> None:
    seed(seeded, 60)
    provider_sandbox.config.non_json_rate = 0.15
    provider_sandbox.config.schema_violation_rate = 0.15
    provider_sandbox.config.refusal_rate = 0.15
    provider_sandbox.config.line_failure_rate = 0.15
    job_id = submit("--batch-size", "60")["group_id"]
    provider_sandbox.finish_all()
    report = json.loads(invoke("batch", "collect", job_id, "--json").stdout)
    kinds = report["failures"]
    assert set(kinds) == {"non_json", "schema_violation", "refusal", "request_error"}
    assert report["collected"] + report["failed"] == 60
    states = item_states(seeded)
    assert sum(state == "succeeded" for state, _ in states.values()) == report["collected"]
    with seeded.engine.connect() as conn:
        messages = conn.execute(select(job_items.c.error_message).where(job_items.c.state == "failed")).scalars().all()
    assert all(messages)
    assert any("not JSON" in m for m in messages)
    assert any("breaks the schema" in m for m in messages)


def test_expired_batch_yields_partial_results(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 20)
    provider_sandbox.config.expire_after_seconds = 6  # processing takes 10 s: about half the lines run
    job_id = submit()["group_id"]
    provider_sandbox.finish_all()
    assert status_of(job_id)["status"] == provider_sandbox.word("expired")
    report = json.loads(invoke("batch", "collect", job_id, "--json").stdout)
    if provider_sandbox.provider == "gemini":  # the reference: an expired batch has no results to retrieve
        assert (report["collected"], report["failures"]) == (0, {"expired": 20})
        provider_sandbox.config.expire_after_seconds = None
        retried = invoke("batch", "group-retry", job_id, "--failed-only", "--yes")
        assert retried.exit_code == 0, retried.stderr
        provider_sandbox.finish_all()
        assert invoke("batch", "group-collect", job_id).exit_code == 0
        assert len(invoke("results", "export").stdout.splitlines()) == 20
        return
    assert 0 < report["collected"] < 20
    assert report["failures"] == {"expired": 20 - report["collected"]}


def test_cancelled_batch_yields_partial_results(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 20)
    job_id = submit()["group_id"]
    provider_sandbox.clock.advance(6)
    cancelled = invoke("batch", "cancel", job_id[:10], "--json")
    assert cancelled.exit_code == 0, cancelled.stderr
    assert json.loads(cancelled.stdout)[0]["status"] == provider_sandbox.word("cancelling")
    provider_sandbox.finish_all()
    assert status_of(job_id)["status"] == provider_sandbox.word("cancelled")
    report = json.loads(invoke("batch", "collect", job_id, "--json").stdout)
    assert 0 < report["collected"] < 20
    assert report["failures"] == {"cancelled": 20 - report["collected"]}


def test_all_lines_failed_means_no_output_file(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 4)
    provider_sandbox.config.line_failure_rate = 1.0
    job_id = submit()["group_id"]
    provider_sandbox.finish_all()
    status = status_of(job_id)
    assert (status["status"], status["processed_items"], status["failed_items"]) == (
        provider_sandbox.word("completed"),
        0,
        4,
    )
    report = json.loads(invoke("batch", "collect", job_id, "--json").stdout)
    assert (report["collected"], report["failures"]) == (0, {"request_error": 4})


def test_list_and_remove(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 2)
    job_id = submit()["group_id"]
    listed = json.loads(invoke("batch", "list", "--json").stdout)
    assert [j["job_id"] for j in listed] == [job_id]
    refused = invoke("batch", "remove", job_id)
    assert refused.exit_code == 2
    assert "--force" in refused.stderr
    sandbox.finish_all()
    assert invoke("batch", "collect", job_id).exit_code == 0
    assert invoke("batch", "remove", job_id).exit_code == 0
    assert json.loads(invoke("batch", "list", "--json").stdout) == []
    assert len(invoke("results", "export").stdout.splitlines()) == 2  # results stay


def test_remove_force_cancels_running_batch(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 2)
    job_id = submit()["group_id"]
    assert invoke("batch", "remove", job_id, "--force").exit_code == 0
    assert provider_sandbox.batch_status() in ("cancelling", "cancelled", "ended")


def test_prefix_ids_unknown_and_ambiguous(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 2)
    first = submit()["group_id"]
    second = submit("--reprocess")["group_id"]
    assert status_of(first[:9])["job_id"] == first
    unknown = invoke("batch", "status", "job_nope")
    assert unknown.exit_code == 2
    assert "no batch job or group matches 'job_nope'" in unknown.stderr
    ambiguous = invoke("batch", "status", "job_")
    assert ambiguous.exit_code == 2
    assert "matches several" in ambiguous.stderr and first in ambiguous.stderr and second in ambiguous.stderr


def test_reprocess_and_skip_issues_with_results(provider_sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    job_id = submit()["group_id"]
    provider_sandbox.finish_all()
    invoke("batch", "collect", job_id)
    nothing = invoke("batch", "submit", "product-labeling", "--org", "acme")
    assert nothing.exit_code == 1
    assert "--reprocess" in nothing.stderr
    again = submit("--reprocess")
    provider_sandbox.finish_all()
    invoke("batch", "collect", again["group_id"])
    exported = [json.loads(x) for x in invoke("results", "export").stdout.splitlines()]
    assert len(exported) == 3 and {e["job_id"] for e in exported} == {again["group_id"]}
    assert seeded.results.history_count(1, "product-labeling") == 2


def test_export_csv_to_file(sandbox: Sandbox, seeded: Store, tmp_path: Path) -> None:
    seed(seeded, 3)
    job_id = submit()["group_id"]
    sandbox.finish_all()
    invoke("batch", "collect", job_id)
    target = tmp_path / "out.csv"
    assert invoke("results", "export", "--format", "csv", "--output", str(target)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [r["issue_number"] for r in rows] == ["1", "2", "3"]
    assert all(r["recommended_labels"].startswith("product::") for r in rows)
    assert invoke("results", "export", "--format", "xml").exit_code == 2


def test_request_body_is_identical_however_the_issue_is_selected(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    seed(seeded, 2, repo="web")
    bodies = []
    for selection in (
        ["--org", "acme"],
        ["--org", "acme", "--repo", "app"],
        ["--org", "acme", "--repo", "app", "--issue-number", "2"],
    ):
        result = invoke("batch", "submit", "product-labeling", *selection, "--yes", "--reprocess", "--json")
        assert result.exit_code == 0, result.stderr
        bodies.append(_uploaded_line(sandbox, custom_id=_custom_id(seeded, "app", 2)))
    assert bodies[0] == bodies[1] == bodies[2]


def _custom_id(store: Store, repo: str, number: int) -> str:
    with store.engine.connect() as conn:
        issue_id = conn.execute(
            text("SELECT id FROM issues WHERE repo = :r AND number = :n"), {"r": repo, "n": number}
        ).scalar()
    return f"issue-{issue_id}"


def _uploaded_line(sandbox: Sandbox, custom_id: str) -> bytes:
    """The raw bytes of the newest uploaded request body for `custom_id`."""
    newest = list(sandbox.emulator.files.values())[-1]
    for line in newest.content.splitlines():
        if json.loads(line)["custom_id"] == custom_id:
            return line.split(b'"body":', 1)[1]
    raise AssertionError("line not found")


def test_bad_inputs_are_one_line_errors(sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(seeded, 2)
    cases = [
        (["batch", "submit", "triage", "--org", "acme"], 2, "unknown processor 'triage'"),
        (["batch", "submit", "product-labeling", "--org", "acme", "--model", "gpt-4o"], 2, "openai:NAME"),
        (["batch", "submit", "product-labeling", "--org", "nobody"], 1, "run `gh-analysis collect --org nobody` first"),
        (
            ["batch", "submit", "product-labeling", "--org", "acme", "--label-prefix", "area::"],
            2,
            "no labels starting with 'area::'",
        ),
        (["batch", "collect", "job_missing"], 2, "no batch job or group"),
    ]
    for args, code, message in cases:
        result = invoke(*args)
        assert result.exit_code == code, (args, result.stderr)
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    monkeypatch.delenv("OPENAI_API_KEY")
    missing_key = invoke("batch", "submit", "product-labeling", "--org", "acme")
    assert missing_key.exit_code == 2 and "OPENAI_API_KEY" in missing_key.stderr
    assert seeded.jobs.jobs() == []


def test_wrong_api_key_is_reported_without_the_key(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(seeded, 2)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-secret-456")
    result = invoke("batch", "submit", "product-labeling", "--org", "acme")
    assert result.exit_code == 1
    assert "OPENAI_API_KEY" in result.stderr and "sk-wrong" not in result.stderr
    job = seeded.jobs.jobs()[0]
    assert job.status.value == "failed" and "401" in (job.error or "")


def test_create_refused_for_now_stays_resumable_then_resumes_once(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 2)
    sandbox.config.max_batches_per_hour = 0
    result = invoke("batch", "submit", "product-labeling", "--org", "acme")
    assert result.exit_code == 1
    assert "--resume" in result.stderr
    job = seeded.jobs.jobs()[0]  # refused (429): nothing was created, so it waits as queued
    assert (job.status.value, job.provider_batch_id) == ("queued", None)
    assert sandbox.batches() == 0
    sandbox.config.max_batches_per_hour = 2000
    resumed = invoke("batch", "submit", "product-labeling", "--org", "acme", "--resume", job.job_id)
    assert resumed.exit_code == 0, resumed.stderr
    assert sandbox.batches() == 1
    assert seeded.jobs.job(job.job_id).provider_batch_id is not None


def test_api_key_is_never_stored_or_uploaded(sandbox: Sandbox, seeded: Store, tmp_path: Path) -> None:
    seed(seeded, 3)
    job_id = submit()["group_id"]
    sandbox.finish_all()
    invoke("batch", "collect", job_id)
    for path in (tmp_path / "data").iterdir():
        assert API_KEY.encode() not in path.read_bytes()
    for uploaded in sandbox.emulator.files.values():
        assert API_KEY.encode() not in uploaded.content


def test_list_shows_the_newest_and_says_how_to_see_all(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 2)
    jobs = [submit("--reprocess")["group_id"] for _ in range(3)]
    table = invoke("batch", "list", "--limit", "2")
    assert jobs[2] in table.stdout and jobs[1] in table.stdout and jobs[0] not in table.stdout
    assert "--limit 0 lists all" in table.stdout
    assert len(json.loads(invoke("batch", "list", "--json").stdout)) == 3


def test_issue_number_without_repo_when_it_is_unique(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    seed(seeded, 5, repo="web")
    alone = submit("--issue-number", "5")
    assert alone["total_issues"] == 1
    ambiguous = invoke("batch", "submit", "product-labeling", "--org", "acme", "--issue-number", "2")
    assert ambiguous.exit_code == 2
    assert "exists in several repositories of acme (app, web); add --repo" in ambiguous.stderr
