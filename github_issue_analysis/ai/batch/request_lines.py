"""Request lines for issues: built from the store on demand, so no more than one batch's lines are held."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from github_issue_analysis.ai.processors.base import PreparedProcessor
from github_issue_analysis.ai.providers.base import BatchProvider
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.storage.issue_store import IssueStore

from .token_estimate import PromptTokens


def custom_id_for(issue_id: int) -> str:
    """Short, stable and safe: the store maps it back to the issue; no issue text goes to the provider."""
    return f"issue-{issue_id}"


@dataclass(frozen=True)
class RequestSizes:
    issue_ids: list[int]
    line_bytes: list[int]
    tokens: list[int]


class RequestBuilder:
    def __init__(self, issues: IssueStore, processor: PreparedProcessor, provider: BatchProvider) -> None:
        self.issues = issues
        self.processor = processor
        self.provider = provider

    def measure(self, issue_ids: Sequence[int]) -> RequestSizes:
        """Byte size and estimated prompt tokens of each issue's request line, in selection order."""
        sizes, tokens = RequestSizes([], [], []), PromptTokens()
        for issue_id, request, line in self._lines(issue_ids):
            sizes.issue_ids.append(issue_id)
            sizes.line_bytes.append(len(line))
            sizes.tokens.append(tokens.estimate(request))
        return sizes

    def input_file(self, items: Sequence[tuple[int, str]]) -> bytes:
        """The JSONL input file for (issue_id, custom_id) items (no token count: the plan has them)."""
        by_issue = dict(items)
        return b"".join(line for _, _, line in self._lines(list(by_issue), by_issue))

    def _lines(
        self, issue_ids: Sequence[int], custom_ids: dict[int, str] | None = None
    ) -> Iterator[tuple[int, ModelRequest, bytes]]:
        for issue in self.issues.iter_issues_by_id(issue_ids):
            request = self.processor.request(issue)
            custom_id = custom_ids[issue.id] if custom_ids else custom_id_for(issue.id)
            yield issue.id, request, self.provider.request_line(custom_id, request)
