"""Split selected issues into fixed-size batches that also respect the provider's per-batch limits.

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
    def __init__(
        self,
        batch_size: int = defaults.BATCH_SIZE,
        max_requests: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch size must be at least 1")
        self.batch_size = min(batch_size, max_requests) if max_requests else batch_size
        self.max_bytes = max_bytes

    def split(self, request_bytes: Sequence[int]) -> list[range]:
        """Consecutive index ranges, selection order kept: at most `batch_size` requests each and, when a
        byte limit is set, at most that many bytes of request lines."""
        batches: list[range] = []
        start, size = 0, 0
        for index, line_bytes in enumerate(request_bytes):
            if self.max_bytes is not None and line_bytes > self.max_bytes:
                raise RequestTooLarge(index, line_bytes, self.max_bytes)
            full = index - start >= self.batch_size
            too_big = self.max_bytes is not None and size + line_bytes > self.max_bytes
            if index > start and (full or too_big):
                batches.append(range(start, index))
                start, size = index, 0
            size += line_bytes
        if start < len(request_bytes):
            batches.append(range(start, len(request_bytes)))
        return batches

    def split_issues(self, issues: Sequence[T]) -> list[list[T]]:
        """The simple form: fixed-size chunks (no byte sizes known)."""
        return [list(issues[r.start : r.stop]) for r in self.split([0] * len(issues))]

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
