"""A simulated fortnight of hourly triage steps against the GitHub and OpenAI emulators (real clients): the
backlog and the calibration sample go out first, only labels whose measured precision passes are applied,
later steps send only what is new or changed, a label a person removed is never applied again, and a label
people keep removing is demoted."""

from __future__ import annotations

from sqlalchemy import select

from github_issue_analysis.storage.schema import label_changes

from .conftest import API_TEXT, UI_TEXT, Team, backlog, later


def _added(team: Team) -> list[tuple[int, str]]:
    query = select(label_changes.c.number, label_changes.c.label).where(
        label_changes.c.action == "add", label_changes.c.state == "confirmed"
    )
    with team.store.engine.connect() as conn:
        return sorted((int(r.number), str(r.label)) for r in conn.execute(query))


def _gate(report: object) -> dict[str, str]:
    return {g["label"]: g["state"] for g in report.gate}  # type: ignore[attr-defined]


def test_a_fortnight_of_steps(team: Team) -> None:
    backlog(team.world)
    new_ui = [team.world.add(UI_TEXT) for _ in range(6)]
    new_api = [team.world.add(API_TEXT) for _ in range(3)]

    first = team.step()
    assert first.failed == []
    assert first.calibration is not None and first.calibration["status"] == "submitted"
    assert first.submitted is not None and first.submitted["issues"] == 9  # the open backlog, not the sample
    assert first.applied is None  # nothing is trusted before the sample is scored
    assert set(_gate(first).values()) == {"suggest"}
    sent_first = team.sandbox.batches()
    assert len(team.store.jobs.groups()) == 2
    assert sent_first == 3  # the sample of 40 in two batches of at most 30, the backlog in one

    team.sandbox.finish_all()
    second = team.step()
    assert second.failed == []
    assert second.results_collected == 49
    assert second.evaluation_group == first.calibration["group_id"]
    states = _gate(second)
    assert states["product::ui"] == "auto"
    assert states["product::api"] == "suggest"
    assert second.submitted is None  # nothing new or changed
    assert team.sandbox.batches() == sent_first
    assert _added(team) == [(n, "product::ui") for n in new_ui]  # the poor label is never applied
    assert second.suggested >= len(new_api)

    # a person removes two of the applied labels; new issues arrive; one old issue gets a comment
    team.world.remove_label(new_ui[0], "product::ui")
    team.world.remove_label(new_ui[1], "product::ui")
    newer = [team.world.add(UI_TEXT) for _ in range(2)]
    team.world.world.touch_issue("team", "app", new_api[0], comment="Still failing with the api tokens.")
    third = team.step()
    assert third.failed == []
    assert third.kept_decided["removed"] == 2
    assert third.submitted is not None and third.submitted["issues"] == 3  # two new, one changed by a comment

    team.sandbox.finish_all()
    fourth = team.step()
    assert fourth.failed == []
    added = _added(team)
    assert added.count((new_ui[0], "product::ui")) == 1  # never re-applied after the person removed it
    assert [(n, "product::ui") for n in newer] == [a for a in added if a[0] in newer]
    assert "product::ui" not in team.world.issue(new_ui[0]).labels

    # people remove the label from every issue it went on: its kept rate drops and it is demoted
    for number in new_ui[2:] + newer:
        team.world.remove_label(number, "product::ui")
    another = team.world.add(UI_TEXT)
    fifth = team.step(now=later(1))
    assert fifth.kept_decided["removed"] == 6
    assert _gate(fifth)["product::ui"] == "suggest"
    assert fifth.demoted == ["product::ui"]
    team.sandbox.finish_all()
    sixth = team.step(now=later(8))
    assert sixth.failed == []
    assert all(number != another for number, _ in _added(team))


def test_an_evaluated_blind_sample_sent_by_hand_calibrates_the_gate(team: Team) -> None:
    """A `batch submit --blind --sample` run scored with `eval` has the same setup: no second sample is sent."""
    import json

    from tests.conftest import invoke

    backlog(team.world)
    ui = team.world.add(UI_TEXT)
    assert invoke("collect", "--org", "team").exit_code == 0
    sent = invoke(
        "batch", "submit", "product-labeling", "--org", "team", "--blind", "--sample", "40", "--yes", "--json"
    )
    assert sent.exit_code == 0, sent.stderr
    group = json.loads(sent.stdout)["group_id"]
    team.sandbox.finish_all()
    assert invoke("batch", "group-collect", group).exit_code == 0
    scored = invoke("eval", group, "--target-precision", "0.8", "--json")
    assert scored.exit_code == 0, scored.stderr
    per_label = {e["label"]: e for e in json.loads(scored.stdout)["evaluations"][0]["per_label"]}
    assert per_label["product::ui"]["precision_interval"]["low"] > 0.8
    assert per_label["product::ui"]["threshold"] is not None
    assert per_label["product::api"]["threshold"] is None
    assert set(per_label["product::api"]["recall_interval"]) == {"low", "high"}

    step = team.step()
    assert step.failed == []
    assert step.calibration is None  # the hand-made sample serves
    assert step.evaluation_group == group
    assert _gate(step)["product::ui"] == "auto"
    assert step.submitted is not None and step.submitted["issues"] == 1
    team.sandbox.finish_all()
    team.step()
    assert _added(team) == [(ui, "product::ui")]
    kept = team.step(now=later(8))  # a week on, the label still stands: people kept it
    assert kept.kept_decided == {"kept": 1, "removed": 0}
    scored_again = invoke("eval", group, "--json")
    assert json.loads(scored_again.stdout)["evaluations"][0]["kept"] == [
        {"label": "product::ui", "applied": 1, "kept": 1, "removed": 0, "rate": 1.0}
    ]
    page = team.store.sqlite_file.parent / "report.html" if team.store.sqlite_file else None
    assert page is not None
    assert invoke("report", group, "--output", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "Own threshold" in html and "1 kept, 0 removed of 1 applied" in html
