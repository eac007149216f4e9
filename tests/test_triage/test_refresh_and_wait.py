"""A step refreshes every group left in flight with one walk of the provider's list pages (not one walk per
group), and `--wait` stays until what it sent is done, then collects, scores and applies in the same step."""

from __future__ import annotations

from .conftest import UI_TEXT, Team, backlog

LIST = "GET /v1/batches"
RETRIEVE = "GET /v1/batches/{batch_id}"


def test_groups_in_flight_are_refreshed_from_one_list_page(team: Team) -> None:
    backlog(team.world)
    for _ in range(4):
        team.world.add(UI_TEXT)
    first = team.step()
    assert first.failed == []
    assert len(team.store.jobs.groups()) == 2  # the calibration sample and the backlog, three batches
    requests = team.sandbox.emulator.stats.requests

    requests.clear()
    still_running = team.step()
    assert still_running.failed == []
    assert len(still_running.refreshed) == 2
    assert (requests[LIST], requests[RETRIEVE]) == (1, 0)

    team.sandbox.finish_all()
    requests.clear()
    finished = team.step()
    assert finished.failed == [] and finished.results_collected == 44
    assert (requests[LIST], requests[RETRIEVE]) == (1, 0)


def test_wait_collects_scores_and_applies_in_one_step(team: Team) -> None:
    config = team.sandbox.config
    config.validating_seconds = config.processing_seconds = config.finalizing_seconds = 0
    backlog(team.world)
    new_ui = [team.world.add(UI_TEXT) for _ in range(6)]
    report = team.step(wait=True, poll_seconds=0.05)
    assert report.failed == []
    assert report.submitted is not None and report.submitted["issues"] == len(new_ui)
    assert report.calibration is not None and report.calibration["status"] == "scored"
    assert {g["label"]: g["state"] for g in report.gate}["product::ui"] == "auto"
    assert report.applied is not None
    assert (report.applied["labels_added"], report.applied["issues"]) == (len(new_ui), len(new_ui))
    assert all("product::ui" in team.world.issue(number).labels for number in new_ui)
    assert team.github_writes() >= len(new_ui)
