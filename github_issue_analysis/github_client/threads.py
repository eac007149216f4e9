"""Joining the newest comments of a changed issue (read from the end with `comments(last: N)`) to the
thread already stored, so an incremental collection does not re-read long threads from the start; when more
comments arrived than one window holds, the thread is read backwards only as far as the stored comments."""

from __future__ import annotations

from collections.abc import Sequence

from github_issue_analysis.storage.records import CommentRecord
from github_issue_analysis.storage.timeutil import as_utc


def join_thread(
    stored: Sequence[CommentRecord], newest: Sequence[CommentRecord], total: int
) -> list[CommentRecord] | None:
    """The whole thread: the stored comments before the newest ones, then the newest. None when they do not
    line up (a comment deleted or inserted before the newest, or more new comments than were read): every
    stored comment after the join point must be the same comment (author and creation time) as the newest
    one at its place, and at least one must be, to prove the place."""
    earlier = total - len(newest)
    if earlier < 0 or len(stored) <= earlier:
        return None
    overlap = stored[earlier:]
    if len(overlap) > len(newest):
        return None
    if any(_identity(old) != _identity(new) for old, new in zip(overlap, newest, strict=False)):
        return None
    return [*stored[:earlier], *newest]


def reaches(stored: Sequence[CommentRecord], read: int, total: int) -> bool:
    """Whether the newest `read` comments of a thread of `total` go back as far as the last stored one."""
    return total - read < len(stored)


def _identity(comment: CommentRecord) -> tuple[str | None, object]:
    return comment.author, as_utc(comment.created_at)
