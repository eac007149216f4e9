"""`gh-analysis triage --check`: what a step needs, checked before the first scheduled run, paying and writing
nothing (no provider request, no GitHub write, no store write). Each check is `{check, ok, detail}`: the
model is known and priced, the provider's key is there, the store opens, and for each repository the step
would read or write, what the token may do there (triage_reach.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from github_issue_analysis.ai.providers.pricing import price_for
from github_issue_analysis.ai.registry import parse_model, provider_plugin
from github_issue_analysis.config import Settings
from github_issue_analysis.errors import GhAnalysisError
from github_issue_analysis.github_client import WRITE_PERMISSIONS, connect, read_permissions
from github_issue_analysis.storage.opening import open_checked_store, sqlite_file_of

from .triage_options import TriageOptions
from .triage_reach import NOT_VISIBLE
from .triage_state import StepState


@dataclass
class CheckReport:
    org: str
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check["ok"] for check in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def add(self, check: str, ok: bool, detail: str) -> None:
        self.checks.append({"check": check, "ok": ok, "detail": detail})

    def as_json(self) -> dict[str, Any]:
        return {"org": self.org, "ok": self.ok, "checks": self.checks}


def run_check(
    settings: Settings,
    options: TriageOptions,
    restore_state: Callable[[], StepState] | None = None,
    accept_command: str = "",
) -> CheckReport:
    """`restore_state`: read the step's state branch (and unseal its store into the local file, as a step
    does) so that the store checked is the one the step would use, and whether it is current."""
    report = CheckReport(options.org)
    spec = options.model or options.config.model or settings.model
    _model_and_key(report, settings, spec)
    state = _state(report, restore_state)
    _store(report, settings, state, accept_command)
    _reach(report, settings, options)
    return report


def _state(report: CheckReport, restore_state: Callable[[], StepState] | None) -> StepState | None:
    if restore_state is None:
        return None
    try:
        state = restore_state()
    except GhAnalysisError as error:
        report.add("state", False, str(error))
        return None
    if state.branch is not None:
        report.add("state", True, f"branch '{state.branch.branch}' read: generation {state.recorded} recorded")
    return state


def _model_and_key(report: CheckReport, settings: Settings, spec: str) -> None:
    try:
        provider_name, model = parse_model(spec)
        provider = provider_plugin(provider_name).create(settings)
    except GhAnalysisError as error:
        report.add("model", False, str(error))
        report.add("key", False, f"no provider for the model '{spec}'")
        return
    keyless = provider.api_key_env == "none"
    priced = keyless or price_for(model) is not None
    detail = f"{spec} is known" + (" and priced" if priced else "")
    report.add("model", priced, detail if priced else f"{spec}: no price known (set GH_ANALYSIS_PRICES_FILE)")
    if keyless or provider.has_key:
        report.add("key", True, f"{provider_name}: " + ("needs no key" if keyless else f"{provider.api_key_env} set"))
    else:
        report.add("key", False, f"{provider_name}: {provider.api_key_env} is not set")


def _store(report: CheckReport, settings: Settings, state: StepState | None, accept_command: str) -> None:
    url = settings.resolved_database_url()
    sqlite_file = sqlite_file_of(url)
    if sqlite_file is not None and not sqlite_file.exists():
        report.add("store", True, f"no store yet at {sqlite_file}: the first step creates it")
        if state is not None and state.branch is not None and state.recorded:
            why = f"no store, but the branch records {state.recorded} step(s) that paid: run `{accept_command}`"
            report.add("store current", False, why)
        return
    try:
        store = open_checked_store(url)
    except GhAnalysisError as error:
        report.add("store", False, str(error))
        return
    try:
        issues = sum(repo.issues for repo in store.issues.summary())
        report.add("store", True, f"opens; holds {issues} issue(s)")
        if state is not None and state.branch is not None:
            state.attach(store)
            refusal = state.refusal(accept_command)
            current = f"generation {store.generation.current()}, as recorded on the branch"
            report.add("store current", refusal is None, refusal or current)
    finally:
        store.close()


def _reach(report: CheckReport, settings: Settings, options: TriageOptions) -> None:
    try:
        permissions = read_permissions(connect(settings), options.org, options.repos)
    except GhAnalysisError as error:
        report.add("github", False, str(error))
        return
    report.add("github", True, f"{options.org}: {len(permissions)} repository(ies) visible to the token")
    known = {name.lower() for name in permissions}
    for name in options.repos:
        if name.lower() not in known:
            report.add(f"repository {options.org}/{name}", False, NOT_VISIBLE)
    writes = options.config.apply == "auto"
    for name, permission in sorted(permissions.items()):
        check = f"repository {options.org}/{name}"
        if permission is None:
            report.add(check, True, "viewerPermission null (a GitHub App token): writes are learned when sent")
        elif permission in WRITE_PERMISSIONS:
            report.add(check, True, f"{permission}: labels can be applied")
        else:
            detail = f"{permission}: the token can read but not write it; its labels stay suggestions"
            report.add(check, not writes, detail)
