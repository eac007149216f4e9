"""The issue table as compact JSON: label and repository names interned, one short list per issue.

Row: [repo index, number, title, [current label indexes], [[label index, confidence, reasoning], ...], overall
confidence, reasoning, decision]; repository: [org, name]. The page builds each issue's link from org, name and
number on the GitHub host (never from a stored URL)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from github_issue_analysis.storage.report_store import AnalysedIssue


@dataclass
class TableBuilder:
    labels: dict[str, int] = field(default_factory=dict)
    repos: dict[tuple[str, str], int] = field(default_factory=dict)
    repo_rows: list[list[str]] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    recommended_counts: dict[str, int] = field(default_factory=dict)
    confidences: list[float | None] = field(default_factory=list)

    def add(self, issue: AnalysedIssue) -> None:
        repo_index = self._repo(issue)
        recommended = [
            [self._label(str(rec.get("label", ""))), _rounded(rec.get("confidence")), str(rec.get("reasoning", ""))]
            for rec in issue.analysis.get("recommended_labels") or []
        ]
        for rec in issue.analysis.get("recommended_labels") or []:
            name = str(rec.get("label", ""))
            self.recommended_counts[name] = self.recommended_counts.get(name, 0) + 1
        confidence = _rounded(issue.analysis.get("confidence", issue.confidence))
        self.confidences.append(confidence)
        self.rows.append(
            [
                repo_index,
                issue.number,
                issue.title,
                [self._label(name) for name in issue.labels],
                recommended,
                confidence,
                str(issue.analysis.get("reasoning", "")),
                issue.decision,
            ]
        )

    def add_all(self, found: Iterable[AnalysedIssue]) -> TableBuilder:
        for issue in found:
            self.add(issue)
        return self

    def document(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "repos": self.repo_rows, "rows": self.rows}

    def _label(self, name: str) -> int:
        return self.labels.setdefault(name, len(self.labels))

    def _repo(self, issue: AnalysedIssue) -> int:
        key = (issue.org, issue.repo)
        if key not in self.repos:
            self.repos[key] = len(self.repo_rows)
            self.repo_rows.append([issue.org, issue.repo])
        return self.repos[key]


def _rounded(value: Any) -> float | None:
    return round(float(value), 3) if isinstance(value, int | float) else None
