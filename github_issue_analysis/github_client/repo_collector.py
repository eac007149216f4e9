"""Collecting one repository: pages of issues in ascending update order, each page stored as it arrives
(an issue only once all its comments are in hand), the page cursor saved so an interrupted run resumes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from github_issue_analysis.storage.issue_store import CollectionRun, IssueStore
from github_issue_analysis.storage.records import CommentRecord, IssueRecord
from github_issue_analysis.storage.timeutil import utcnow

from .graphql import FOLLOW_UP_ISSUES, GitHubGraphQL
from .models import CollectRequest, CommentsPage, IssueScope, PartialIssue, RepoInfo, issue_record, label_record
from .observer import CollectObserver
from .reports import RepoReport
from .threads import join_thread, reaches

SAVE_EVERY_PAGES = 4
"""Issues waiting for more comments are completed at least this often, so the resume cursor moves on."""


class Quota:
    """The --limit shared by every repository of one run (None: no limit)."""

    def __init__(self, limit: int | None) -> None:
        self.left = limit

    @property
    def spent(self) -> bool:
        return self.left is not None and self.left <= 0

    def page(self, size: int) -> int:
        return size if self.left is None else max(1, min(size, self.left))

    def take(self) -> bool:
        if self.left is None:
            return True
        if self.left <= 0:
            return False
        self.left -= 1
        return True


class IssueWriter:
    """Completes partial issues (follow-up requests for their comments) and stores records."""

    def __init__(self, store: IssueStore, api: GitHubGraphQL, org: str, repo: str, observer: CollectObserver) -> None:
        self.store, self.api, self.org, self.repo, self.observer = store, api, org, repo, observer
        self.api_url = api.transport.rest_url
        self.report = RepoReport(repo)

    async def store_labels(self, first: CommentsPage | None) -> None:
        if first is None:
            return
        nodes, page = list(first.nodes), first
        while page.has_next and page.end_cursor:
            page = await self.api.more_labels(self.org, self.repo, page.end_cursor)
            nodes += page.nodes
        labels = [label_record(n) for n in nodes]
        self.store.replace_repo_labels(self.org, self.repo, labels)
        self.report.labels = len(labels)

    async def complete(self, pending: list[PartialIssue]) -> None:
        waiting = [p for p in pending if p.has_next]
        while waiting:
            batch = waiting[:FOLLOW_UP_ISSUES]
            pages = await self.api.more_comments(batch)
            for partial in batch:
                if partial.stored is not None:
                    self._earlier(partial, pages[partial.id])
                else:
                    page = pages[partial.id]
                    partial.comments += page.nodes
                    partial.cursor = page.end_cursor
                    partial.has_next = page.has_next and bool(page.nodes)
            waiting = [p for p in pending if p.has_next]
        self.write([self._record(p) for p in pending])
        pending.clear()

    def _earlier(self, partial: PartialIssue, page: CommentsPage) -> None:
        """Comments read backwards: join them once they reach the stored thread; go on while they do not;
        when the two disagree, read the thread whole from the start."""
        assert partial.stored is not None
        partial.comments = [*page.nodes, *partial.comments]
        partial.cursor = page.start_cursor
        newest = issue_record(self.org, self.repo, partial.node, partial.comments, self.api_url).comments
        joined = join_thread(partial.stored, newest, partial.total)
        if joined is not None:
            partial.joined, partial.has_next = joined, False
        elif not page.has_previous:
            partial.has_next = False  # read back to the first comment: the whole thread is in hand
        elif page.nodes and not reaches(partial.stored, len(newest), partial.total):
            partial.has_next = True  # the stored comments are further back
        else:  # reached them, but they do not line up
            partial.comments, partial.cursor, partial.stored, partial.has_next = [], None, None, True

    def _record(self, partial: PartialIssue) -> IssueRecord:
        record = issue_record(self.org, self.repo, partial.node, partial.comments, self.api_url)
        return record if partial.joined is None else record.model_copy(update={"comments": partial.joined})

    def write(self, records: list[IssueRecord]) -> None:
        if not records:
            return
        counts = self.store.upsert_issues(records)
        self.report.issues += len(records)
        self.report.inserted += counts.inserted
        self.report.updated += counts.updated
        self.report.comments += sum(len(r.comments) for r in records)
        self.observer.issues_stored(self.repo, len(records))


class RepoCollector:
    def __init__(
        self,
        store: IssueStore,
        api: GitHubGraphQL,
        request: CollectRequest,
        info: RepoInfo,
        quota: Quota,
        observer: CollectObserver,
        probed_at: datetime | None = None,
    ) -> None:
        repo = info.name
        self.store, self.api, self.request, self.repo, self.quota = store, api, request, repo, quota
        self.observer, self.info, self.probed_at = observer, info, probed_at
        self.writer = IssueWriter(store, api, request.org, repo, observer)
        self.previous = store.collection_run(request.org, repo)
        last = self.previous.last_success_at if self.previous and request.incremental else None
        self.scope = IssueScope.build(request, last)
        self.fingerprint = self.scope.fingerprint()
        self.writer.report.mode, self.writer.report.since = ("incremental", last) if last else ("full", None)
        self.writer.report.no_start = request.incremental and last is None
        self.saved_cursor = False
        self.listing_ended = False

    @property
    def tracks_progress(self) -> bool:
        return self.request.limit is None

    async def run(self) -> RepoReport:
        if self.probed_at is not None and self._unchanged():
            await self.writer.store_labels(self.info.labels)
            self.observer.repository_started(self.repo, 0)
            self._finish(self.probed_at)
            self.observer.repository_finished(self.writer.report)
            return self.writer.report
        cursor, started = None, utcnow()
        previous = self.previous
        if self.tracks_progress and previous and previous.resume_cursor:
            fingerprint, _, saved = previous.resume_cursor.partition(":")
            if fingerprint == self.fingerprint and saved:
                cursor, started = saved, previous.resume_started_at or started
                self.writer.report.mode = "resumed"
        await self._pages(cursor, started)
        self._finish(started)
        self.observer.repository_finished(self.writer.report)
        return self.writer.report

    async def _pages(self, cursor: str | None, started: datetime) -> None:
        pending: list[PartialIssue] = []
        first, unsaved_pages = True, 0
        while not self.quota.spent:
            page = await self.api.issues_page(
                self.request.org,
                self.repo,
                self.scope,
                cursor,
                self.quota.page(self.request.page_size),
                first,
                newest_comments=self.joins_threads,
            )
            if first:
                await self.writer.store_labels(page.labels)
                self.observer.repository_started(self.repo, page.total)
                first = False
            stop = self._take(page.nodes, pending)
            cursor = page.end_cursor or cursor
            done = stop or not page.has_next
            self.listing_ended = not stop and not page.has_next
            unsaved_pages += 1
            if pending and (done or len(pending) >= FOLLOW_UP_ISSUES or unsaved_pages >= SAVE_EVERY_PAGES):
                await self.writer.complete(pending)
            if done:
                return
            if not pending:
                self._save_cursor(cursor, started)
                unsaved_pages = 0
        await self.writer.complete(pending)

    def _unchanged(self) -> bool:
        """The listing's probe found no issue changed since this repository's last finished collection."""
        previous, labels = self.previous, self.info.labels
        return (
            self.writer.report.mode == "incremental"
            and self.info.changed == 0
            and previous is not None
            and not previous.resume_cursor
            and labels is not None
            and not labels.has_next
        )

    @property
    def joins_threads(self) -> bool:
        """Incremental runs read each changed issue's newest comments and join them to the stored thread."""
        return self.writer.report.mode == "incremental"

    def _take(self, nodes: list[dict[str, Any]], pending: list[PartialIssue]) -> bool:
        """Keep the page's matching issues; True when the listing can stop here."""
        complete: list[IssueRecord] = []
        stop = False
        threads = self._stored_threads(nodes)
        for node in nodes:
            comments = CommentsPage.parse(node.get("comments"))
            record = issue_record(self.request.org, self.repo, node, comments.nodes, self.writer.api_url)
            if self.scope.past_end(record):
                stop = True
                break
            if not self.scope.keeps(record):
                continue
            if not self.quota.take():
                stop = True
                break
            if comments.has_previous:  # read from the end: join to the stored thread, or read further back
                stored, total = threads.get(record.number, []), comments.total or 0
                joined = join_thread(stored, record.comments, total)
                if joined is not None:
                    complete.append(record.model_copy(update={"comments": joined}))
                elif stored and not reaches(stored, len(record.comments), total):
                    pending.append(
                        PartialIssue(node, comments.nodes, comments.start_cursor, stored=stored, total=total)
                    )
                else:  # nothing stored to join, or a thread changed before its newest comments: read it whole
                    pending.append(PartialIssue(node, [], None))
            elif comments.has_next:
                pending.append(PartialIssue(node, comments.nodes, comments.end_cursor))
            else:
                complete.append(record)
        self.writer.write(complete)
        return stop

    def _stored_threads(self, nodes: list[dict[str, Any]]) -> dict[int, list[CommentRecord]]:
        numbers = [int(n["number"]) for n in nodes if CommentsPage.parse(n.get("comments")).has_previous]
        return self.store.comment_threads(self.request.org, self.repo, numbers) if numbers else {}

    def _save_cursor(self, cursor: str | None, started: datetime) -> None:
        if not self.tracks_progress or cursor is None:
            return
        last = self.previous.last_success_at if self.previous else None
        run = CollectionRun(self.request.org, self.repo, last, f"{self.fingerprint}:{cursor}", started)
        self.store.save_collection_run(run)
        self.saved_cursor = True

    @property
    def saw_every_issue(self) -> bool:
        """The run read every issue of the repository: no filter, and no --limit or one the listing never
        reached (so its start time anchors the next --incremental)."""
        unlimited = replace(self.request, limit=None).whole_repository
        return unlimited and (self.request.limit is None or self.listing_ended)

    def _finish(self, started: datetime) -> None:
        if not self.tracks_progress and not self.saw_every_issue:
            return
        previous = self.previous
        last = started if self.saw_every_issue else (previous.last_success_at if previous else None)
        keep = previous if previous and not self.saved_cursor and self.writer.report.mode != "resumed" else None
        run = CollectionRun(
            self.request.org,
            self.repo,
            last,
            keep.resume_cursor if keep else None,
            keep.resume_started_at if keep else None,
        )
        self.store.save_collection_run(run)
