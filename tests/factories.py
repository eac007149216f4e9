"""Issue files in the upstream layout, written for tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def issue_document(org: str, repo: str, number: int, comments: int = 2, **issue: Any) -> dict[str, Any]:
    body = {
        "number": number,
        "title": f"Issue {number} in {repo}",
        "body": f"Body of issue {number}: the installer fails on upgrade.",
        "state": "open",
        "labels": [{"name": "bug", "color": "d73a4a", "description": "Something is broken"}],
        "user": {"login": f"user{number % 7}"},
        "comments": [
            {
                "user": {"login": f"commenter{i}"},
                "body": f"Comment {i} on issue {number}",
                "created_at": "2026-01-02T03:04:05Z",
                "updated_at": "2026-01-02T03:04:05Z",
            }
            for i in range(comments)
        ],
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-03T00:00:00Z",
        "html_url": f"https://github.example/{org}/{repo}/issues/{number}",
    }
    body.update(issue)
    return {"org": org, "repo": repo, "issue": body}


def write_issue_files(folder: Path, org: str, repo: str, count: int, comments: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"{org}_{repo}_issue_{number}.json"
        path.write_text(json.dumps(issue_document(org, repo, number, comments)))
        paths.append(path)
    return paths
