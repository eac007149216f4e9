"""The collection step of `label`: the existing collection service, incremental once the store has the
organization, over the one GitHub connection (github_client.connect)."""

from __future__ import annotations

from github_issue_analysis.config import Settings
from github_issue_analysis.github_client import CollectReport, CollectRequest, collect_issues, connect
from github_issue_analysis.storage.store import Store


def known_org(store: Store, org: str) -> bool:
    return any(repo.org == org for repo in store.issues.summary())


async def collect_org(store: Store, settings: Settings, org: str, repo: str | None) -> CollectReport:
    request = CollectRequest(org=org, repo=repo, incremental=known_org(store, org))
    return await collect_issues(store.issues, request, connect(settings))
