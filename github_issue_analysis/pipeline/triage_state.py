"""Where a triage step's state survives, and the generation that says whether the store is current.

Three kinds (docs/state.md): a state branch (`--state-branch`: the SQLite store sealed on a branch of the
checkout's origin, one orphan commit, its plain `state.json` holding the generation: the remote is the truth);
a generation branch (`--generation-branch`, for `sqlite-cache`: the store lives in actions/cache, the branch
holds only `state.json`); or no branch (PostgreSQL, or a local file: the database itself is the truth).

The seam is `Store.checkpoint`: every paid or GitHub-writing send calls it after its write-ahead record and
before sending. The first call of a step raises the generation (max of the store's and the recorded one, +1);
each call pushes (the branch kinds), so a runner that dies mid-step leaves a branch that knows what it was
about to send. A store older than the recorded generation, or empty after steps that paid, refuses the
step's phases with one line (exit 1) until `triage accept-store`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from github_issue_analysis.errors import GhAnalysisError, OperationFailed, UsageError
from github_issue_analysis.storage.sealed_store import CIPHER, restore, seal, snapshot, unseal
from github_issue_analysis.storage.store import Store

from .state_branch import StateBranch, StateLeaseLost
from .triage import TriageStep
from .triage_report import TriageReport

MAX_FILE_BYTES = 100 * 1024 * 1024  # GitHub refuses a pushed file larger than this
REFUSED = ("refresh", "apply", "submit")


class StateTooLarge(OperationFailed):
    def __init__(self, size: int) -> None:
        super().__init__(
            f"the sealed store is {size / 2**20:.0f} MB, over GitHub's 100 MB file limit: nothing was sent; keep "
            "the state in PostgreSQL instead (`triage init-workflow --store postgres`, GH_ANALYSIS_DATABASE_URL)"
        )


class StepState:
    """One step's view of its durable state. `branch` None: the database is the truth."""

    def __init__(self, branch: StateBranch | None, database: Path | None, key: str | None) -> None:
        self.branch, self.database, self.key = branch, database, key
        self.recorded = 0  # the last generation recorded where the store cannot go stale
        self.store: Store | None = None
        self.raised = False
        self.lost: StateLeaseLost | None = None

    # -- before the store opens ------------------------------------------------------------------------
    @classmethod
    def restore(
        cls, checkout: Path, database_url: str, state_branch: str | None, generation_branch: str | None, key: str | None
    ) -> StepState:
        """Read the branch (nothing written yet) and, for a state branch, unseal its store into the SQLite file.
        A wrong key: WrongStateKey (exit 2) before the file is touched."""
        if state_branch and generation_branch:
            raise UsageError("--state-branch and --generation-branch are two kinds of state: give one")
        name = state_branch or generation_branch
        if name is None:
            return cls(None, None, None)
        database = _sqlite_file(database_url, "--state-branch" if state_branch else "--generation-branch")
        if state_branch and not key:
            raise UsageError("--state-branch needs GH_ANALYSIS_STATE_KEY (a repository secret) to seal the store")
        state = cls(StateBranch(checkout, name), database, key if state_branch else None)
        assert state.branch is not None
        content = state.branch.read()
        if content is not None:
            state.recorded = int(content.meta.get("generation", 0))
            if state.key is not None and content.store is not None:
                restore(database, unseal(content.store, state.key))
        return state

    # -- the step --------------------------------------------------------------------------------------
    def attach(self, store: Store) -> None:
        self.store = store
        store.checkpoint = self.checkpoint
        if self.branch is None:
            self.recorded = store.generation.current()

    def refusal(self, accept_command: str) -> str | None:
        """One line when the store is older than the recorded generation (or empty after steps that paid)."""
        store = self._store()
        have = store.generation.current()
        if have >= self.recorded:
            return None
        where = f"the state branch '{self.branch.branch}'" if self.branch else "the database"
        if have == 0 and store.generation.empty():
            found = f"the store is empty, but {where} records {self.recorded} step(s) that paid or wrote to GitHub"
        else:
            found = f"the store is at generation {have}, older than generation {self.recorded} recorded on {where}"
        return (
            f"{found}: refusing to submit, apply or comment (nothing was sent); look at the store, then run "
            f"`{accept_command}` to go on from it"
        )

    def checkpoint(self) -> None:
        """Called before every paid or GitHub-writing send: raise the generation once, push."""
        if self.lost is not None:
            raise self.lost
        store = self._store()
        if not self.raised:
            store.generation.set(max(store.generation.current(), self.recorded) + 1)
            self.raised = True
        self._push()

    def finish(self) -> None:
        """At the end of a step that ran: the sealed store's final state (results, confirmed writes)."""
        if self.lost is None and self.branch is not None and self.key is not None:
            self._push()

    def accept(self) -> tuple[int, int]:
        """Accept the present store: its generation becomes the recorded one, pushed. (before, after)."""
        store = self._store()
        before = store.generation.current()
        store.generation.accept(max(before, self.recorded))
        self._push()
        return before, store.generation.current()

    def _push(self) -> None:
        store = self._store()
        generation = store.generation.current()
        if self.branch is None:
            self.recorded = generation
            return
        sealed = None
        if self.key is not None:
            assert self.database is not None
            sealed = seal(snapshot(self.database), self.key)
            if len(sealed) > MAX_FILE_BYTES:
                raise StateTooLarge(len(sealed))
        try:
            self.branch.write(generation, sealed, CIPHER if sealed is not None else None)
        except StateLeaseLost as lost:
            self.lost = lost
            raise
        self.recorded = generation

    def _store(self) -> Store:
        assert self.store is not None, "attach the store first"
        return self.store


def run_step(step: TriageStep, state: StepState, accept_command: str) -> TriageReport:
    """The step with its state: refused when the store is stale, else run, then the state's final push."""
    state.attach(step.store)
    report = step.report
    if refusal := state.refusal(accept_command):
        report.fail("state", refusal)
        for phase in REFUSED:
            report.skip(phase, "refused: the store is older than the last step")
        return report
    report = step.run()
    if not step.options.dry_run and report.held_by is None:
        if not any(f["phase"] == "submit" for f in report.failed):
            step.store.generation.settle()  # the accepted store's first submit is done
        _finish(state, report.fail)
    return report


def _finish(state: StepState, fail: Callable[[str, BaseException], None]) -> None:
    try:
        state.finish()
    except GhAnalysisError as error:
        fail("state", error)


def accept_command(org: str, state_branch: str | None, generation_branch: str | None) -> str:
    command = f"gh-analysis triage accept-store --org {org}"
    if state_branch:
        command += f" --state-branch {state_branch}"
    if generation_branch:
        command += f" --generation-branch {generation_branch}"
    return command


def _sqlite_file(database_url: str, option: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise UsageError(f"{option} keeps a SQLite store's state; a PostgreSQL store is its own truth: leave it out")
    return Path(url.database)
