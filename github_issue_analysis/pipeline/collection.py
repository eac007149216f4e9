"""The GitHub steps of `label`: collection: the existing collection service, incremental once the store has the
organization; GitHub failures turned into domain errors (`github_client.connection`)."""

from __future__ import annotations

from github_issue_analysis.config import Settings
from github_issue_analysis.github_client import CollectReport, CollectRequest, collect_issues
from github_issue_analysis.github_client.connection import github_connection, github_errors
from github_issue_analysis.storage.store import Store


def known_org(store: Store, org: str) -> bool:
    return any(repo.org == org for repo in store.issues.summary())


async def collect_org(store: Store, settings: Settings, org: str, repo: str | None) -> CollectReport:
    request = CollectRequest(org=org, repo=repo, incremental=known_org(store, org))
    with github_errors():
        return await collect_issues(store.issues, request, github_connection(settings))
