"""The organization's claim: one process at a time writes its labels. Store level (SQLite, and PostgreSQL when
configured), the refusal at the CLI, and the fence that stops a process whose claim was taken over."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from github_issue_analysis.domain.label_audit import ChangeState, RunStatus
from github_issue_analysis.github_client import GitHubConnection
from github_issue_analysis.github_client.pacing import WriteLimits
from github_issue_analysis.labels.apply import ApplyOptions, apply_labels
from github_issue_analysis.labels.claim import ClaimLost, LabelsBusy, OrgClaim
from github_issue_analysis.labels.options import LabelSelection
from github_issue_analysis.storage.schema import label_claims
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke

from .conftest import ORG, TOKEN, Rig, collect, seed_result

MINUTE = timedelta(minutes=1)
HOST = socket.gethostname()


def dead_owner() -> str:
    """The owner name of a process on this host that has ended."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return f"{HOST}:{ended.pid}"


def test_one_owner_at_a_time_until_released(any_store: Store) -> None:
    claims = any_store.label_claims
    taken, holder = claims.claim(ORG, "elsewhere:1", "apply", MINUTE, "run_a")
    assert taken and (holder.owner, holder.run_id, holder.kind) == ("elsewhere:1", "run_a", "apply")
    taken, holder = claims.claim(ORG, "elsewhere:2", "apply", MINUTE, "run_b")
    assert not taken and (holder.owner, holder.run_id) == ("elsewhere:1", "run_a")
    assert claims.claim("other-org", "elsewhere:2", "apply", MINUTE)[0]  # one claim per organization
    assert claims.renew(ORG, "elsewhere:1", MINUTE, "run_c")
    assert not claims.renew(ORG, "elsewhere:2", MINUTE)
    assert claims.holder(ORG).run_id == "run_c"
    claims.release(ORG, "elsewhere:2")  # not its claim: nothing happens
    assert claims.holder(ORG).owner == "elsewhere:1"
    claims.release(ORG, "elsewhere:1")
    assert claims.holder(ORG).owner is None
    assert claims.claim(ORG, "elsewhere:2", "revert", MINUTE)[0]


def test_a_claim_that_ran_out_or_whose_process_ended_is_free(any_store: Store) -> None:
    claims = any_store.label_claims
    assert claims.claim(ORG, "elsewhere:1", "apply", -MINUTE)[0]  # already ran out
    assert claims.claim(ORG, "elsewhere:2", "apply", MINUTE)[0]
    assert not claims.renew(ORG, "elsewhere:1", MINUTE)  # the first owner lost it for good
    assert not claims.claim(ORG, f"{HOST}:1", "apply", MINUTE)[0]  # another host's live claim holds
    claims.release(ORG, "elsewhere:2")
    gone = dead_owner()
    assert claims.claim(ORG, gone, "apply", MINUTE)[0]
    assert claims.claim(ORG, f"{HOST}:999999999", "apply", MINUTE)[0]  # its process ended: taken at once


def test_a_second_apply_is_refused_with_the_run_it_waits_for(rig: Rig, store: Store) -> None:
    collect(store, rig)
    seed_result(store, 1, {"product::installer": 0.95})
    other = "elsewhere:4242"
    assert store.label_claims.claim(ORG, other, "apply", MINUTE, "run_0123456789ab")[0]
    before = rig.stats()["total"]
    result = invoke("labels", "apply", "--org", ORG, "--yes", "--json")
    assert result.exit_code == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "run run_0123456789ab (apply, process elsewhere:4242) is writing labs's labels now" in line
    assert rig.stats()["total"] == before  # not even a read
    assert store.label_audit.runs() == []
    assert store.label_claims.holder(ORG).owner == other  # left as it was
    store.label_claims.release(ORG, other)
    assert invoke("labels", "apply", "--org", ORG, "--yes", "--json").exit_code == 0
    assert rig.issue(1).labels == ["bug", "product::installer"]
    assert store.label_claims.holder(ORG).owner is None  # released at the end


def test_a_process_whose_claim_was_taken_over_sends_nothing_more(rig: Rig, store: Store) -> None:
    """Its claim ran out while it waited (a stalled process); another one took the organization. After the
    wait it checks the claim and stops: the comments it had planned are left to the new owner."""
    collect(store, rig)
    for number in (1, 2, 3):
        seed_result(store, number, {"product::installer": 0.95})
    claims = store.label_claims

    async def stalled(_seconds: float) -> None:
        with store.engine.begin() as conn:  # the claim runs out while this process is held up ...
            conn.execute(update(label_claims).values(claimed_until=datetime.now(UTC) - MINUTE))
        assert claims.claim(ORG, "elsewhere:7", "apply", MINUTE, "run_other")[0]  # ... and is taken over

    connection = GitHubConnection(api_url=rig.url, token=TOKEN, sleep=stalled)
    options = ApplyOptions(LabelSelection(ORG), comment=True, limits=WriteLimits(min_interval=5.0))
    with pytest.raises(ClaimLost, match="another process took over labs's labels"):
        asyncio.run(apply_labels(store, connection, options))
    by_mutation = rig.stats()["graphql"]["by_mutation"]
    assert by_mutation == {"addLabelsToLabelable": 3}  # the label writes went out; then the wait; no comment
    (run,) = store.label_audit.runs()
    assert run.status == RunStatus.RUNNING
    assert [c.action for c in store.label_audit.changes(run.id, ChangeState.PENDING)] == ["comment"] * 3
    assert claims.holder(ORG).owner == "elsewhere:7"  # its claim, not released by the process that lost it


def test_org_claim_refuses_while_held_and_checks_before_each_write(store: Store) -> None:
    async def scenario() -> None:
        async with OrgClaim(store.label_claims, ORG, "apply", run_id="run_first") as first:
            with pytest.raises(LabelsBusy, match="run run_first"):
                async with OrgClaim(store.label_claims, ORG, "apply", owner="elsewhere:9"):
                    pass
            first.check()
            first.working_on("run_second")
            assert store.label_claims.holder(ORG).run_id == "run_second"
            store.label_claims.release(ORG, first.owner)
            assert store.label_claims.claim(ORG, "elsewhere:9", "apply", MINUTE)[0]
            with pytest.raises(ClaimLost):
                first.check()

    asyncio.run(scenario())
    assert store.label_claims.holder(ORG).owner == "elsewhere:9"


def test_the_claim_is_renewed_while_the_run_works(store: Store) -> None:
    async def scenario() -> None:
        claim = OrgClaim(store.label_claims, ORG, "apply", ttl=timedelta(seconds=1), renew_seconds=0.05)
        async with claim:
            first = store.label_claims.holder(ORG).until
            await asyncio.sleep(0.3)
            later = store.label_claims.holder(ORG).until
            assert first is not None and later is not None and later > first
        assert store.label_claims.holder(ORG).owner is None

    asyncio.run(scenario())
