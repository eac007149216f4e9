"""Deterministic synthetic organizations: the same seed always gives the same issues, comments and labels.

Issue text is written from the product label descriptions, so an offline labeller that matches issue text
against label descriptions finds the product an issue was generated for.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .world import Comment, Issue, Label, Org, Repo

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Product:
    label: Label
    topics: tuple[str, ...]


PRODUCTS: tuple[Product, ...] = (
    Product(
        Label(
            "product::kots",
            "5319e7",
            "KOTS admin console: installing, upgrading and configuring "
            "applications in existing Kubernetes clusters with kotsadm",
        ),
        (
            "the admin console upgrade hangs",
            "kotsadm fails to deploy the application",
            "the config screen in the admin console loses values",
            "airgap bundle upload in kotsadm stalls",
        ),
    ),
    Product(
        Label(
            "product::vendor",
            "0e8a16",
            "Vendor portal: releases, channels, customers and license files managed by software vendors",
        ),
        (
            "promoting a release to a channel fails",
            "customer license file is missing entitlements",
            "the vendor portal shows the wrong channel sequence",
            "creating a customer in the vendor portal errors",
        ),
    ),
    Product(
        Label(
            "product::kurl",
            "1d76db",
            "kURL: the embedded Kubernetes installer for virtual machines and bare metal, with add-ons",
        ),
        (
            "kurl installer fails on a bare metal node",
            "kurl add-on upgrade breaks the cluster",
            "joining a node with the kurl installer times out",
            "kurl install script cannot pull images",
        ),
    ),
    Product(
        Label("product::troubleshoot", "fbca04", "Troubleshoot: support bundles, preflight checks and analyzers"),
        (
            "the support bundle collector misses pod logs",
            "a preflight check reports a false failure",
            "analyzers crash on a large support bundle",
            "preflight checks ignore node memory",
        ),
    ),
    Product(
        Label(
            "product::embedded-cluster",
            "c5def5",
            "Embedded Cluster: single binary installs of an application with its own Kubernetes distribution",
        ),
        (
            "embedded cluster install stops at the join step",
            "the embedded cluster binary fails to restore",
            "embedded cluster upgrade leaves nodes not ready",
            "embedded cluster host preflight is wrong",
        ),
    ),
)

KIND_LABELS: tuple[Label, ...] = (
    Label("bug", "d73a4a", "Something is broken or behaves unexpectedly"),
    Label("enhancement", "a2eeef", "A request for a new feature or an improvement"),
    Label("question", "d876e3", "Further information is requested"),
    Label("documentation", "0075ca", "Improvements or additions to documentation"),
)

_PEOPLE = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")
_REPLIES = (
    "I can reproduce this on the latest release.",
    "Could you attach a support bundle so we can look at the logs?",
    "This looks related to the change in the previous version.",
    "A fix is in progress; we will post an update here.",
    "Confirmed, the workaround from the docs helps for now.",
    "Closing the loop: the patch release resolves this for us.",
)


def generate_org(
    login: str,
    repo_sizes: Mapping[str, int],
    *,
    seed: int = 0,
    heavy_every: int = 0,
    pr_ratio: float = 0.25,
    is_user: bool = False,
) -> Org:
    """An org whose repos hold the given numbers of issues (pull requests are added on top).

    `heavy_every`: every n-th issue gets 101-250 comments (0: none); the rest follow a realistic mix.
    `is_user`: the account is a user's, not an organization (`repositoryOwner` and `user` serve it).
    """
    rng = random.Random(f"{login}:{seed}")
    org = Org(login, is_user=is_user)
    for name, size in repo_sizes.items():
        org.repos[name] = _generate_repo(rng, login, name, size, heavy_every, pr_ratio)
    return org


def _generate_repo(rng: random.Random, org: str, name: str, size: int, heavy_every: int, pr_ratio: float) -> Repo:
    repo = Repo(name, labels=[p.label for p in PRODUCTS] + list(KIND_LABELS))
    number = 0
    made = 0
    while made < size:
        number += 1
        if rng.random() < pr_ratio:
            repo.issues[number] = _pull_request(rng, number)
            continue
        made += 1
        heavy = heavy_every > 0 and made % heavy_every == 0
        repo.issues[number] = _issue(rng, org, name, number, _comment_count(rng, heavy))
    return repo


def _comment_count(rng: random.Random, heavy: bool) -> int:
    if heavy:
        return rng.randint(101, 250)
    roll = rng.random()
    if roll < 0.2:
        return 0
    if roll < 0.85:
        return rng.randint(1, 8)
    if roll < 0.97:
        return rng.randint(9, 40)
    return rng.randint(41, 90)


def _issue(rng: random.Random, org: str, repo: str, number: int, comments: int) -> Issue:
    product = rng.choice(PRODUCTS)
    kind = rng.choice(KIND_LABELS)
    topic = rng.choice(product.topics)
    created = EPOCH + timedelta(days=number % 300, hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
    issue = Issue(
        number=number,
        title=f"{topic[0].upper()}{topic[1:]} ({org}/{repo} #{number})",
        body=_body(product, topic),
        author=rng.choice(_PEOPLE),
        created_at=created,
        updated_at=created,
        labels=[product.label.name, kind.name] if rng.random() < 0.7 else [kind.name],
    )
    issue.comments = [_comment(rng, number, i, created) for i in range(comments)]
    if issue.comments:
        issue.updated_at = max(c.created_at for c in issue.comments)
    if rng.random() < 0.5:
        issue.state = "CLOSED"
        issue.updated_at += timedelta(hours=1)
        issue.closed_at = issue.updated_at
    return issue


def _body(product: Product, topic: str) -> str:
    about = product.label.description or product.label.name
    return (
        f"When I use it, {topic}.\n\nContext: {about}.\n\n"
        "Steps to reproduce:\n1. Install the latest version\n2. Repeat the operation\n\n"
        "Expected the operation to succeed."
    )


def _comment(rng: random.Random, number: int, index: int, created: datetime) -> Comment:
    when = created + timedelta(hours=index + 1, minutes=rng.randint(0, 59))
    return Comment(number * 1000 + index, rng.choice(_PEOPLE), rng.choice(_REPLIES), when, when)


def _pull_request(rng: random.Random, number: int) -> Issue:
    created = EPOCH + timedelta(days=number % 300, hours=rng.randint(0, 23))
    return Issue(
        number=number,
        title=f"Pull request {number}: fix a typo",
        body="This pull request changes code.",
        author=rng.choice(_PEOPLE),
        created_at=created,
        updated_at=created,
        is_pull_request=True,
    )


def acme_org(seed: int = 0) -> Org:
    """`acme`: repos of different sizes, a few issues with 101-250 comments, an archived repo."""
    org = generate_org(
        "acme",
        {"kots": 130, "vendor-portal": 60, "kurl": 25, "docs": 8, "legacy-tools": 4},
        seed=seed,
        heavy_every=40,
    )
    org.repos["legacy-tools"].is_archived = True
    org.repos["no-issues"] = Repo("no-issues", has_issues_enabled=False)
    return org


def benchmark_org(total_issues: int = 1000, repos: int = 3, seed: int = 0) -> Org:
    """`bench`: `total_issues` issues with a realistic mix of comments spread over `repos` repositories."""
    sizes = {f"service-{i + 1}": total_issues // repos + (1 if i < total_issues % repos else 0) for i in range(repos)}
    return generate_org("bench", sizes, seed=seed, heavy_every=100)


def demo_org(seed: int = 0) -> Org:
    """`sandbox-org`: ≈95 issues across three repositories, for the offline demo."""
    return generate_org("sandbox-org", {"app-installer": 45, "vendor-tools": 30, "support-kit": 20}, seed=seed)


def user_account(seed: int = 0) -> Org:
    """`octo-user`: a user account (not an organization) owning two repositories."""
    return generate_org("octo-user", {"dotfiles": 6, "side-project": 10}, seed=seed, is_user=True)
