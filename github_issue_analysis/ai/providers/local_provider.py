"""The `local` provider (`--model local:tfidf-logreg`): a free baseline that answers at once, on this machine.

It trains a classifier (`local_classifier.py`) on the organization's issues that people labelled, never on
the issues of the group it answers (the group's blind sample included), and answers each request with the
product-labeling JSON the processor validates, the calibrated probabilities as confidences. A "batch" is
complete when created; its record (answers, and which issues it learned from) is a JSON file under
GH_ANALYSIS_DATA_DIR/local-batches, so `status`, `collect` and `list` work from any later command. No tokens,
no cost, no key."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import orjson

from github_issue_analysis.config import Settings
from github_issue_analysis.domain.jobs import JobStatus
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch
from github_issue_analysis.storage.issue_store import IssueSelection, StoredIssue
from github_issue_analysis.storage.store import Store, open_store

from .base import NO_HOURLY_CAP, BatchProvider, ProviderError
from .plugin import ProviderPlugin

MODEL: Final = "tfidf-logreg"
GROUP_METADATA: Final = "gh_analysis_group"  # the key ai/batch/finder.py writes into every batch's metadata
SHOWN_MIN: Final = 0.3  # labels at or above this probability are recommended (the most likely one always)
BODY_CHARS: Final = 4000
SOURCE: Final = "local TF-IDF + logistic regression baseline (not AI)"


class LocalProvider(BatchProvider):
    name = "local"
    api_key_env = "none"
    uploads_input = False
    max_requests_per_batch = 100_000
    max_bytes_per_batch = 512 * 1024 * 1024
    max_batches_per_hour = NO_HOURLY_CAP

    def __init__(self, data_dir: Path, database_url: str) -> None:
        super().__init__(api_key="local")
        self._folder = data_dir / "local-batches"
        self._database_url = database_url

    def request_line(self, custom_id: str, request: ModelRequest) -> bytes:
        """The issue is read from the store by its id (custom ids are `issue-<id>`); the line names the model
        and the label set (the answer schema's choices)."""
        return orjson.dumps({"custom_id": custom_id, "model": request.model, "labels": label_choices(request)}) + b"\n"

    def model_accepts(self, model: str, option: str) -> bool:
        return False

    async def create(self, input_file_id: str | None, content: bytes, metadata: dict[str, str]) -> ProviderBatch:
        lines = [orjson.loads(line) for line in content.splitlines() if line.strip()]
        record = await asyncio.to_thread(self._answer, lines, metadata)
        self._folder.mkdir(parents=True, exist_ok=True)
        (self._folder / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
        return _batch(record)

    def _answer(self, lines: list[dict[str, Any]], metadata: dict[str, str]) -> dict[str, Any]:
        store = open_store(self._database_url)
        try:
            return answer_lines(store, lines, metadata)
        finally:
            store.close()

    async def retrieve(self, batch_id: str) -> ProviderBatch:
        return _batch(self._record(batch_id))

    async def list_batches(self) -> AsyncIterator[ProviderBatch]:
        records = [self._record(path.stem) for path in self._folder.glob("*.json")] if self._folder.exists() else []
        for record in sorted(records, key=lambda r: (r["created_at"], r["id"]), reverse=True):
            yield _batch(record)

    async def cancel(self, batch_id: str) -> ProviderBatch:
        return _batch(self._record(batch_id))  # done the moment it was created: nothing to cancel

    async def read_outcomes(self, file_id: str) -> AsyncIterator[ItemOutcome]:
        for answer in self._record(file_id)["answers"]:
            yield ItemOutcome(answer["custom_id"], answer["content"])

    async def close(self) -> None:
        return None

    def _record(self, batch_id: str) -> dict[str, Any]:
        path = self._folder / f"{batch_id}.json"
        if not path.is_file():
            from .base import NotFoundAtProvider

            raise NotFoundAtProvider(f"local batch {batch_id} is not in {self._folder}")
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return document


def label_choices(request: ModelRequest) -> list[str]:
    """The labels a request may recommend: the enum of the answer schema's recommended label."""
    schema = request.answer.schema if request.answer is not None else {}
    node = schema.get("$defs", {}).get("RecommendedLabel", {}).get("properties", {}).get("label", {})
    return [str(name) for name in node.get("enum", [])]


def issue_text(issue: StoredIssue) -> str:
    return f"{issue.title}\n{(issue.body or '')[:BODY_CHARS]}"


def answer_lines(store: Store, lines: list[dict[str, Any]], metadata: dict[str, str]) -> dict[str, Any]:
    """Train on the organization's people-labelled issues outside the group, answer every line."""
    from .local_classifier import train

    targets = {line["custom_id"]: _issue_id(line["custom_id"]) for line in lines}
    issues = {issue.id: issue for issue in store.issues.issues_by_id(list(targets.values()))}
    labels = sorted({label for line in lines for label in line.get("labels", [])})
    orgs = sorted({issue.org for issue in issues.values()})
    held_out = set(targets.values()) | _group_issue_ids(store, metadata.get(GROUP_METADATA))
    texts, label_sets, trained_on = _training_set(store, orgs, held_out, labels)
    model = train(texts, label_sets, labels)
    ordered = [(custom_id, issues.get(issue_id)) for custom_id, issue_id in targets.items()]
    probabilities = model.probabilities([issue_text(issue) for _, issue in ordered if issue is not None])
    answers, found = [], iter(probabilities)
    for custom_id, issue in ordered:
        if issue is not None:
            answers.append({"custom_id": custom_id, "content": _content(issue, next(found), model.issues)})
    return {
        "id": f"local_{uuid.uuid4().hex[:24]}",
        "created_at": datetime.now(UTC).timestamp(),
        "metadata": metadata,
        "total": len(lines),
        "trained_on": trained_on,
        "answers": answers,
    }


def _training_set(
    store: Store, orgs: list[str], held_out: set[int], labels: list[str]
) -> tuple[list[str], list[frozenset[str]], list[str]]:
    """(texts, label sets, org/repo#number) of the organizations' people-labelled issues, held-out ones left out."""
    by_lower = {label.lower(): label for label in labels}
    texts: list[str] = []
    label_sets: list[frozenset[str]] = []
    trained_on: list[str] = []
    for org in orgs:
        pool = {
            issue_id: (key, frozenset(by_lower[g.lower()] for g in given if g.lower() in by_lower))
            for issue_id, key, given in store.issues.select_issue_labels(IssueSelection(org))
            if issue_id not in held_out
        }
        pool = {issue_id: entry for issue_id, entry in pool.items() if entry[1]}
        for issue in sorted(store.issues.issues_by_id(list(pool)), key=lambda found: found.id):
            key, chosen = pool[issue.id]
            texts.append(issue_text(issue))
            label_sets.append(chosen)
            trained_on.append(key)
    return texts, label_sets, trained_on


def _issue_id(custom_id: str) -> int:
    try:
        return int(custom_id.removeprefix("issue-"))
    except ValueError:
        raise ProviderError(f"the local provider reads issues by id; {custom_id!r} names none") from None


def _group_issue_ids(store: Store, group_id: str | None) -> set[int]:
    if not group_id:
        return set()
    return {item.issue_id for _job, item in store.job_items.group_items(group_id) if item.issue_id is not None}


def _content(issue: StoredIssue, probabilities: dict[str, float], trained: int) -> str:
    ranked = sorted(probabilities.items(), key=lambda pair: (-pair[1], pair[0]))
    shown = [pair for index, pair in enumerate(ranked) if index == 0 or pair[1] >= SHOWN_MIN]
    why = f"{SOURCE}, trained on {trained} issue(s) people labelled"
    answer = {
        "recommended_labels": [
            {"label": label, "confidence": round(p, 4), "reasoning": f"probability {p:.2f} from the {why}"}
            for label, p in shown
        ],
        "current_labels_assessment": [],
        "confidence": round(shown[0][1], 4) if shown else 0.0,
        "summary": " ".join(issue.title.split())[:200],
        "reasoning": why,
    }
    return json.dumps(answer)


def _batch(record: dict[str, Any]) -> ProviderBatch:
    answered = len(record["answers"])
    return ProviderBatch(
        id=record["id"],
        status=JobStatus.COMPLETED,
        raw_status="completed",
        metadata=dict(record.get("metadata") or {}),
        created_at=datetime.fromtimestamp(record["created_at"], UTC),
        total=record["total"],
        completed=answered,
        failed=record["total"] - answered,
        output_file_id=record["id"],
        input_tokens=0,
        output_tokens=0,
    )


def _from_settings(settings: Settings) -> LocalProvider:
    return LocalProvider(settings.data_dir, settings.resolved_database_url())


PLUGIN = ProviderPlugin(
    name="local",
    title="Local baseline (TF-IDF + logistic regression, on this machine)",
    api_key_env="none",
    base_url_env=None,
    factory=_from_settings,
    models=(MODEL,),
    notes="trained on the organization's people-labelled issues outside the group; instant, free, not AI",
)
