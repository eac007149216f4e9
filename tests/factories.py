"""Records built for tests: issue files in the upstream layout, and batch jobs with every field filled in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from github_issue_analysis.domain.jobs import BatchJob, JobStatus


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


def batch_job(**fields: Any) -> BatchJob:
    """A job of one item, not yet sent, with `fields` set on top."""
    now = datetime.now(UTC)
    defaults: dict[str, Any] = {
        "job_id": "job",
        "group_id": "group",
        "batch_sequence": 1,
        "total_batches_in_group": 1,
        "attempt": 1,
        "status": JobStatus.QUEUED,
        "raw_status": None,
        "provider_batch_id": None,
        "input_file_id": None,
        "output_file_id": None,
        "error_file_id": None,
        "total_items": 1,
        "completed_items": 0,
        "failed_items": 0,
        "estimated_tokens": 0,
        "input_bytes": 0,
        "input_tokens": None,
        "output_tokens": None,
        "error": None,
        "superseded": False,
        "created_at": now,
        "submitted_at": None,
        "finished_at": None,
        "collected_at": None,
    }
    return BatchJob(**{**defaults, **fields})
