"""Many issues in one GraphQL request: an aliased `repository(owner:, name:) { issue(number:) }` per issue,
grouped by repository, `per_request` issues a request (GitHub has no query for a list of issue numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .graphql import RATE, GitHubGraphQL

IssueKey = tuple[str, str, int]
Found = tuple[dict[str, Any] | None, dict[str, Any]]
"""An issue's node (None: not found) and its repository's node (the fields asked of it)."""


async def read_issues(
    api: GitHubGraphQL, keys: Sequence[IssueKey], per_request: int, name: str, fields: str, repo_fields: str = ""
) -> dict[IssueKey, Found]:
    """`fields` of every issue in `keys` (and `repo_fields` of its repository), each issue read once."""
    unique = list(dict.fromkeys(keys))
    found: dict[IssueKey, Found] = {}
    for start in range(0, len(unique), per_request):
        found.update(await _page(api, unique[start : start + per_request], name, fields, repo_fields))
    return found


async def _page(
    api: GitHubGraphQL, keys: Sequence[IssueKey], name: str, fields: str, repo_fields: str
) -> dict[IssueKey, Found]:
    by_repo: dict[tuple[str, str], list[int]] = {}
    for owner, repo, number in keys:
        by_repo.setdefault((owner, repo), []).append(number)
    definitions: list[str] = []
    parts: list[str] = []
    variables: dict[str, Any] = {}
    for r, ((owner, repo), numbers) in enumerate(by_repo.items()):
        definitions += [f"$o{r}: String!", f"$n{r}: String!"]
        variables |= {f"o{r}": owner, f"n{r}": repo}
        issues = " ".join(f"i{n}: issue(number: {n}) {{ {fields} }}" for n in numbers)
        parts.append(f"r{r}: repository(owner: $o{r}, name: $n{r}) {{ {repo_fields} {issues} }}")
    query = f"query {name}({', '.join(definitions)}) {{ {RATE} {' '.join(parts)} }}"
    data = await api.query(query, variables, tolerate=frozenset({"NOT_FOUND"}))
    found: dict[IssueKey, Found] = {}
    for r, ((owner, repo), numbers) in enumerate(by_repo.items()):
        repository = data.get(f"r{r}") or {}
        for n in numbers:
            found[(owner, repo, n)] = (repository.get(f"i{n}"), repository)
    return found
