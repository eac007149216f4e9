"""Export current results as JSON lines or CSV, streamed row by row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO

from .storage.result_store import CurrentResult

CSV_COLUMNS = [
    "org",
    "repo",
    "issue_number",
    "processor",
    "model",
    "group_id",
    "job_id",
    "mode",
    "recommended_labels",
    "confidence",
    "summary",
    "analysis",
]


def write_jsonl(rows: Iterable[CurrentResult], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(_document(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[CurrentResult], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        analysis = row.analysis
        labels = [r.get("label", "") for r in analysis.get("recommended_labels", [])]
        writer.writerow(
            {
                **{k: v for k, v in _document(row).items() if k != "analysis"},
                "recommended_labels": ";".join(labels),
                "confidence": analysis.get("confidence"),
                "summary": analysis.get("summary"),
                "analysis": json.dumps(analysis, ensure_ascii=False),
            }
        )
        count += 1
    return count


def _document(row: CurrentResult) -> dict[str, object]:
    return {
        "org": row.org,
        "repo": row.repo,
        "issue_number": row.issue_number,
        "processor": row.processor,
        "model": row.model,
        "group_id": row.group_id,
        "job_id": row.job_id,
        "mode": row.mode,
        "analysis": row.analysis,
    }
