"""Domain errors phrased for the command line: the services say what was wrong in the tool's words, this
module adds the flags and commands that fix it. Errors not listed here are shown as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from github_issue_analysis import errors
from github_issue_analysis.github_client import github_errors as github

_FLAGS = {
    "batch_size": "--batch-size",
    "concurrency": "--concurrency",
    "limit": "--limit",
    "reasoning_effort": "--reasoning-effort",
    "sample": "--sample",
    "seed": "--seed",
    "min_confidence": "--min-confidence",
    "target_precision": "--target-precision",
    "temperature": "--temperature",
    "max_enqueued_tokens": "--max-enqueued-tokens",
    "state": "--state",
    "issue_number": "--issue-number",
    "created_after": "--created-after",
    "updated_after": "--updated-after",
}
# action -> (command for one job, command for a group)
_COMMANDS = {
    "collect": ("collect", "group-collect"),
    "cancel": ("cancel", "group-cancel"),
    "retry": (None, "group-retry"),
    "watch": (None, "watch"),
    "resume": (None, "submit --resume"),
}


def _invalid_option(e: errors.InvalidOption) -> str:
    return f"{_FLAGS.get(e.option, e.option)} {e.value} {e.requirement}"


def _wrong_id_kind(e: errors.WrongIdKind) -> str:
    for_job, for_group = _COMMANDS.get(e.action, (None, e.action))
    if e.group_id is None:
        return f"{e.found} is a batch group; use `gh-analysis batch {for_group} {e.found}`"
    job_hint = f"`gh-analysis batch {for_job} {e.found}` for the job, or " if for_job else ""
    group_hint = f"`gh-analysis batch {for_group} {e.group_id}` for the group"
    return f"{e.found} is a job of group {e.group_id}; use {job_hint}{group_hint}"


def _nothing_to_submit(e: errors.NothingToSubmit) -> str:
    if not e.already_done and not e.in_flight and e.org:  # the store holds no issue of the selection at all
        return f"no collected issues match this selection; run `gh-analysis collect --org {e.org}` first"
    return "no issues to submit for this selection" + errors.left_out(e.already_done, e.in_flight, "pass --reprocess")


_PHRASES: dict[type[Any], Callable[[Any], str]] = {
    errors.InvalidOption: _invalid_option,
    errors.BatchSizeTooLarge: _invalid_option,
    errors.AmbiguousIssueNumber: lambda e: (
        f"issue #{e.number} exists in several repositories of {e.org} ({', '.join(e.repos)}); add --repo"
    ),
    errors.NothingToSubmit: lambda e: _nothing_to_submit(e),
    errors.NoLabelSet: lambda e: (
        f"no labels starting with '{e.prefix}' in {e.org}/{e.repo}: collect the repository's labels, choose "
        "another --label-prefix, or pass --labels-file"
    ),
    errors.UnknownId: lambda e: f"no batch {e.wanted} matches '{e.prefix}'; see `gh-analysis batch list --groups`",
    errors.WrongIdKind: _wrong_id_kind,
    errors.StillRunning: lambda e: (
        f"{e.found} still has {e.running} batch(es) running at the provider; cancel first "
        "(`batch cancel` / `batch group-cancel`) or pass --force"
    ),
    errors.UncollectedResults: lambda e: (
        f"{e.found} has {e.batches} finished batch(es) whose results were never collected and would be lost; "
        f"run `gh-analysis batch {'group-collect' if e.is_group else 'collect'} {e.found}` first "
        "(or pass --force to remove them anyway)"
    ),
    errors.ConcurrentChange: lambda e: f"another process is {e.what} {e.group_id} right now; see `batch status`",
    github.GitHubAuthError: lambda e: f"GitHub rejected the credentials ({e.detail}); check GITHUB_TOKEN or --token",
    github.GitHubNotFound: lambda e: f"{e.detail} Check --org/--repo/--issue-number and that the token can see it.",
}


def phrase(error: errors.GhAnalysisError) -> str:
    phrasing = _PHRASES.get(type(error))
    return phrasing(error) if phrasing else str(error)
