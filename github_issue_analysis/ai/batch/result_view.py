"""`results show`: why an issue got its labels. The prompt is rebuilt from the stored issue and the group's
recorded options (prompts are not stored), beside the answer's raw text, the parsed labels with confidence
and reasoning, the tokens and the cost. Nothing secret is in it: no key, no header, only the issue's text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from github_issue_analysis.ai.processors.base import ProcessorOptions
from github_issue_analysis.ai.providers.pricing import price_for
from github_issue_analysis.ai.registry import processor as registered_processor
from github_issue_analysis.errors import UsageError
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store

from .planner import prepared
from .submit_request import SubmitRequest

REBUILT_NOTE = (
    "rebuilt from the stored issue and the group's recorded options (prompts are not stored); it is what was "
    "sent unless the issue changed since"
)
LIVE_NOTE = (
    "rebuilt from the stored issue with default options: a live result records no group (it is what was sent "
    "unless the issue or the options differed)"
)


@dataclass(frozen=True)
class ShowRequest:
    org: str
    repo: str
    number: int
    group: str | None = None  # a group id or unique prefix


def show(store: Store, asked: ShowRequest) -> dict[str, Any]:
    """The `results show --json` document."""
    found = store.issues.select_issues(IssueSelection(asked.org, asked.repo, asked.number))
    where = f"{asked.org}/{asked.repo}#{asked.number}"
    if not found:
        raise UsageError(f"{where} is not in the store")
    issue = found[0]
    group_id = store.ids.group(asked.group) if asked.group else None
    answer = store.results.answer(issue.id, group_id)
    if answer is None:
        raise UsageError(f"{where} has no result" + (f" from group {group_id}" if group_id else ""))
    group = store.jobs.group(answer.group_id) if answer.group_id else None
    if group is not None:
        request = SubmitRequest.from_stored(group)
        built, examples = prepared(store, request).request(issue), len(request.example_refs)
    else:
        options = ProcessorOptions(model=answer.model)
        built, examples = registered_processor(answer.processor).prepare(store.issues, options).request(issue), 0
    price = price_for(answer.model, live=group is None)
    return {
        "org": issue.org,
        "repo": issue.repo,
        "number": issue.number,
        "group_id": answer.group_id,
        "model": answer.model,
        "processor": answer.processor,
        "current": answer.is_current,
        "prompt": {
            "note": REBUILT_NOTE if group is not None else LIVE_NOTE,
            "system": built.instructions,
            "shared_context": built.context,
            "issue": built.prompt,
            "examples": examples,
        },
        "answer": answer.raw_answer,
        "analysis": answer.analysis,
        "labels": [
            {"label": r.get("label"), "confidence": r.get("confidence"), "reasoning": r.get("reasoning")}
            for r in answer.analysis.get("recommended_labels") or []
        ],
        "usage": answer.usage.document() if answer.usage is not None else None,
        "cost_usd": price.cost_of(answer.usage) if price is not None and answer.usage is not None else None,
    }
