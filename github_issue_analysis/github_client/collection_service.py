"""The collection service as commands and pipelines call it: synchronous entry points over the async collector
(collector.py), each opening the event loop once and closing it, with the transport, before it returns."""

from __future__ import annotations

import asyncio

from github_issue_analysis.storage.issue_store import IssueStore

from .connection import GitHubConnection
from .issue_collection import collect_issues
from .models import CollectRequest
from .observer import CollectObserver
from .reports import CollectReport


class CollectionService:
    def __init__(self, issues: IssueStore, connection: GitHubConnection) -> None:
        self.issues, self.connection = issues, connection

    def collect(self, request: CollectRequest, observer: CollectObserver | None = None) -> CollectReport:
        """Collect what `request` names; InvalidOption for a request that cannot be collected, GitHubError
        subclasses on GitHub failures."""
        return asyncio.run(collect_issues(self.issues, request, self.connection, observer))

    def collect_org(self, org: str, repo: str | None = None) -> CollectReport:
        """The organization (or one of its repositories), incremental once the store has the organization."""
        return self.collect(CollectRequest(org=org, repo=repo, incremental=self.knows(org)))

    def knows(self, org: str) -> bool:
        """The store holds issues of the organization already."""
        return any(repo.org == org for repo in self.issues.summary())
