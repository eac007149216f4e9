"""An issue's content fingerprint: title, body and comments, what the model reads. Never `updatedAt`, which
the tool's own label writes move: a label this tool added must not make the issue look changed."""

from __future__ import annotations

import hashlib
import json

from github_issue_analysis.storage.issue_store import StoredIssue


def content_fingerprint(issue: StoredIssue) -> str:
    content = [issue.title, issue.body, [[c.author or "", c.body] for c in issue.comments]]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]
