"""Choosing a group's examples (`--examples K`) from the store: the pool of people-labelled issues of the
organization minus the issues the group sends, ranked by the rule in `ai/processors/examples.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from github_issue_analysis.ai.processors.examples import ExampleCandidate, ExampleRef, choose_examples
from github_issue_analysis.ai.processors.taxonomy import Taxonomy
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.store import Store

from .submit_request import SubmitRequest


def with_examples(store: Store, request: SubmitRequest, sending: Sequence[int]) -> SubmitRequest:
    """The request with its examples chosen (unchanged without --examples or once chosen: a resumed or
    retried group keeps the examples it recorded)."""
    if not request.examples or request.example_refs:
        return request
    options, _ = request.to_stored()
    taxonomy = Taxonomy.of_group_options(options)
    excluded = set(sending)
    labelled = {
        issue_id: sorted(taxonomy.of(labels))
        for issue_id, _key, labels in store.issues.select_issue_labels(IssueSelection(request.selection.org))
        if issue_id not in excluded and taxonomy.of(labels)
    }
    candidates = [
        ExampleCandidate(ExampleRef(i.org, i.repo, i.number, tuple(labelled[i.id])), i.title, i.body)
        for i in sorted(store.issues.issues_by_id(list(labelled)), key=lambda issue: issue.id)
    ]
    return replace(request, example_refs=tuple(choose_examples(candidates, request.examples, request.sample_seed)))
