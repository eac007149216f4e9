"""A group's setup fingerprint: what makes two runs' answers comparable (processor and its prompt version,
provider and model, the label set with descriptions, and the examples shown when there are any). The gate
trusts an evaluation only for runs of the same setup. Issue 21 adds examples: pass them as `examples`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from github_issue_analysis.ai.batch.submit_request import SubmitRequest
from github_issue_analysis.ai.registry import processor as registered_processor

if TYPE_CHECKING:
    from github_issue_analysis.domain.groups import BatchGroup
    from github_issue_analysis.storage.store import Store


def setup_of(store: Store, request: SubmitRequest, examples: Sequence[Any] | None = None) -> dict[str, Any]:
    """The setup parts of a resolved request (labels read from the store as they are now)."""
    return {
        "processor": request.processor,
        "prompt_version": str(getattr(registered_processor(request.processor), "prompt_version", "")),
        "model": request.model_spec,
        "labels": _label_set(store, request),
        "examples": list(examples) if examples else None,
    }


def fingerprint(setup: dict[str, Any]) -> str:
    encoded = json.dumps(setup, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


def group_fingerprint(store: Store, group: BatchGroup) -> str:
    """The fingerprint stored with the group, else computed from its stored request (groups sent before)."""
    stored = store.triage.setups_by_group([group.group_id]).get(group.group_id)
    if stored is not None:
        return stored.fingerprint
    return fingerprint(setup_of(store, SubmitRequest.from_stored(group)))


def _label_set(store: Store, request: SubmitRequest) -> list[list[str]]:
    if request.fixed_labels:
        chosen = [(lb.name, lb.description or "") for lb in request.fixed_labels]
    else:
        prefix, org, repo = request.label_prefix, request.selection.org, request.selection.repo
        repos = sorted({r.repo for r in store.issues.summary() if r.org == org and (repo is None or r.repo == repo)})
        chosen = [
            (lb.name, lb.description or "")
            for name in repos
            for lb in store.issues.repo_labels(org, name)
            if lb.name.startswith(prefix)
        ]
    return [list(pair) for pair in sorted(set(chosen))]
