"""The one splitter: cut requests into consecutive batches under every per-batch limit at once (a count,
the provider's bytes per batch file, an enqueued-token budget). Plan-time splitting, retries and the waves
under an enqueued-token limit all cut through it.

Pure logic: it sees only request sizes (bytes, estimated tokens), never issues or HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from github_issue_analysis import defaults
from github_issue_analysis.domain.groups import PlannedBatch, SplitPlan

T = TypeVar("T")


class RequestTooLarge(ValueError):
    def __init__(self, index: int, size: int, limit: int, what: str = "") -> None:
        what = what or f"request {index + 1}"
        super().__init__(f"{what} is {size:,} bytes, over the provider's {limit:,} bytes per batch file")
        self.index = index
        self.size = size
        self.limit = limit


class BatchSplitter:
    """Limits: `batch_size` requests (never above `max_requests`), `max_bytes` of request lines (a single
    request above it is refused: no batch can hold it) and `max_tokens` estimated prompt tokens (a single
    request above it goes alone: the sender fails it with why)."""

    def __init__(
        self,
        batch_size: int = defaults.BATCH_SIZE,
        max_requests: int | None = None,
        max_bytes: int | None = None,
        max_tokens: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch size must be at least 1")
        self.batch_size = min(batch_size, max_requests) if max_requests else batch_size
        self.max_bytes = max_bytes
        self.max_tokens = max_tokens

    def split(self, request_bytes: Sequence[int], tokens: Sequence[float] | None = None) -> list[range]:
        """Consecutive index ranges, selection order kept, each within every limit set."""
        batches: list[range] = []
        start, size, used = 0, 0, 0.0
        for index, line_bytes in enumerate(request_bytes):
            if self.max_bytes is not None and line_bytes > self.max_bytes:
                raise RequestTooLarge(index, line_bytes, self.max_bytes)
            needs = tokens[index] if tokens else 0.0
            if index > start and self._full(index - start, size + line_bytes, used + needs):
                batches.append(range(start, index))
                start, size, used = index, 0, 0.0
            size += line_bytes
            used += needs
        if start < len(request_bytes):
            batches.append(range(start, len(request_bytes)))
        return batches

    def _full(self, count: int, size_with_next: int, tokens_with_next: float) -> bool:
        """Would the batch so far break a limit if the next request joined it?"""
        return (
            count >= self.batch_size
            or (self.max_bytes is not None and size_with_next > self.max_bytes)
            or (self.max_tokens is not None and tokens_with_next > self.max_tokens)
        )

    def chunks(
        self, items: Sequence[T], request_bytes: Sequence[int] | None = None, tokens: Sequence[float] | None = None
    ) -> list[list[T]]:
        """`items` cut as `split` cuts their sizes (no sizes: by count, and tokens when given)."""
        sizes = request_bytes if request_bytes is not None else [0] * len(items)
        return [list(items[r.start : r.stop]) for r in self.split(sizes, tokens)]

    def split_issues(self, issues: Sequence[T]) -> list[list[T]]:
        """The simple form: fixed-size chunks (no sizes known)."""
        return self.chunks(issues)

    def create_split_plan(self, request_bytes: Sequence[int], tokens: Sequence[int] | None = None) -> SplitPlan:
        ranges = self.split(request_bytes)
        return SplitPlan(
            total_issues=len(request_bytes),
            batch_size=self.batch_size,
            batches=[
                PlannedBatch(
                    batch_number=number,
                    issue_count=len(r),
                    request_bytes=sum(request_bytes[r.start : r.stop]),
                    estimated_tokens=sum(tokens[r.start : r.stop]) if tokens else 0,
                )
                for number, r in enumerate(ranges, start=1)
            ],
        )
