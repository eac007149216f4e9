"""What a processor gives the batch and live machinery: a provider-neutral request per issue (`ModelRequest`)
and a validator for answers. Providers write the request in their own wire format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from github_issue_analysis import defaults
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.errors import UsageError
from github_issue_analysis.storage.issue_store import IssueStore, StoredIssue
from github_issue_analysis.storage.records import LabelRecord

from .examples import ExampleRef


class ProcessorInputError(UsageError):
    """The processor cannot build requests from the given input (e.g. an empty label set)."""


@dataclass(frozen=True)
class ProcessorOptions:
    model: str
    label_prefix: str = defaults.LABEL_PREFIX
    fixed_labels: tuple[LabelRecord, ...] | None = None  # a taxonomy file's labels instead of the repo's
    request_options: dict[str, Any] = field(default_factory=dict)
    blind: bool = False  # leave the issue's current taxonomy labels (the answer) out of the prompt
    examples: tuple[ExampleRef, ...] = ()  # people-labelled issues shown before every issue (examples.py)


@dataclass(frozen=True)
class ValidAnswer:
    analysis: dict[str, Any]
    confidence: float | None


class PreparedProcessor(Protocol):
    name: str

    def request(self, issue: StoredIssue) -> ModelRequest:
        """The request for one issue; depends only on the issue, its label set and the options."""
        ...

    def validate(self, org: str, repo: str, content: str) -> ValidAnswer:
        """Raises ValueError (message says what was wrong) for an answer that is not acceptable."""
        ...


class Processor(Protocol):
    name: str

    def prepare(self, issues: IssueStore, options: ProcessorOptions) -> PreparedProcessor: ...
