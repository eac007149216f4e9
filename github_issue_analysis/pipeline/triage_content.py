"""An issue's content fingerprint: title, body and comments, what the model reads. Never `updatedAt`, which
the tool's own label writes move: a label, or a comment, this tool added must not make the issue look changed."""

from __future__ import annotations

import hashlib
import json

from github_issue_analysis.labels.comments import is_tool_comment
from github_issue_analysis.storage.issue_store import StoredIssue


def content_fingerprint(issue: StoredIssue) -> str:
    people = [[c.author or "", c.body] for c in issue.comments if not is_tool_comment(c.body)]
    content = [issue.title, issue.body, people]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]
