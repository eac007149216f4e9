"""The OpenAI answers the tool relies on, as pydantic models over the SDK's objects: every batch, file and
result line is checked before anything is stored from it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import orjson
from pydantic import BaseModel, Field

from github_issue_analysis.domain.jobs import ItemErrorKind, JobStatus
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch
from github_issue_analysis.domain.usage import TokenUsage

from .answers import MalformedAnswer, checked, snippet

PROVIDER: Final = "OpenAI"
SETTING: Final = "OPENAI_BASE_URL"
_STATUSES = {status.value: status for status in JobStatus}


class _Counts(BaseModel):
    total: int = Field(default=0, ge=0)
    completed: int = Field(default=0, ge=0)
    failed: int = Field(default=0, ge=0)


class _Error(BaseModel):
    code: str | None = None
    message: str | None = None


class _Errors(BaseModel):
    data: list[_Error] | None = None


class _Usage(BaseModel):
    input_tokens: int | None = None
    output_tokens: int | None = None


class BatchAnswer(BaseModel):
    id: str = Field(min_length=1, max_length=200, pattern=r"^\S+$")
    status: str = Field(min_length=1, max_length=40)
    metadata: dict[str, str] | None = None
    created_at: int | None = None
    request_counts: _Counts | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: _Errors | None = None
    usage: _Usage | None = None


class FileAnswer(BaseModel):
    id: str = Field(min_length=1, max_length=200, pattern=r"^\S+$")


def answer_data(answer: Any) -> Any:
    """What the SDK returned as plain data: its model's fields, or the text it returned for non-JSON."""
    to_dict = getattr(answer, "to_dict", None)
    return to_dict() if callable(to_dict) else answer


def provider_batch(answer: Any, action: str) -> ProviderBatch:
    batch = checked(BatchAnswer, answer_data(answer), PROVIDER, action, SETTING)
    counts = batch.request_counts or _Counts()
    errors = batch.errors.data if batch.errors and batch.errors.data else []
    return ProviderBatch(
        id=batch.id,
        status=_STATUSES.get(batch.status, JobStatus.IN_PROGRESS),
        raw_status=batch.status,
        metadata=dict(batch.metadata or {}),
        created_at=datetime.fromtimestamp(batch.created_at, UTC) if batch.created_at else None,
        total=counts.total,
        completed=counts.completed,
        failed=counts.failed,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        errors=[e.message or e.code or "unknown error" for e in errors],
        error_codes=[e.code or "" for e in errors],
        input_tokens=batch.usage.input_tokens if batch.usage else None,
        output_tokens=batch.usage.output_tokens if batch.usage else None,
    )


def file_id(answer: Any, action: str) -> str:
    return checked(FileAnswer, answer_data(answer), PROVIDER, action, SETTING).id


def usage_of(usage: Any) -> TokenUsage:
    """A chat completion's `usage`: `prompt_tokens` include `prompt_tokens_details.cached_tokens`. OpenAI
    charges no premium for writing its cache, so there are no cache-write tokens."""
    usage = usage if isinstance(usage, dict) else {}
    details = usage.get("prompt_tokens_details") or {}
    return TokenUsage(
        input_tokens=int(usage.get("prompt_tokens") or 0),
        cached_input_tokens=int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0,
        output_tokens=int(usage.get("completion_tokens") or 0),
    )


def parse_result_line(line: str, where: str = "a result file") -> ItemOutcome:
    """One line of an output or error file: `{id, custom_id, response: {status_code, body}, error}`. A line
    that is not one is a MalformedAnswer: the file is not a batch result file, and nothing is recorded."""
    try:
        record = orjson.loads(line)
        custom_id = str(record["custom_id"])
        error, response = record.get("error"), record.get("response") or {}
        body = response.get("body") or {}
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        raise MalformedAnswer(
            f"{PROVIDER} sent {where} with a line that is not a batch result ('{snippet(line)}'); "
            f"nothing was recorded and the job stays collectable (check {SETTING})"
        ) from None
    if error:
        code = str(error.get("code") or "")
        kind = {"batch_expired": ItemErrorKind.EXPIRED, "batch_cancelled": ItemErrorKind.CANCELLED}.get(
            code, ItemErrorKind.REQUEST_ERROR
        )
        return ItemOutcome(custom_id, error_kind=kind, error_message=f"{code}: {error.get('message') or ''}")
    if response.get("status_code") != 200:
        detail = (body.get("error") or {}).get("message") if isinstance(body, dict) else None
        return ItemOutcome(
            custom_id,
            error_kind=ItemErrorKind.REQUEST_ERROR,
            error_message=f"HTTP {response.get('status_code')}: {detail or 'request failed'}",
        )
    usage = usage_of(body.get("usage"))
    message = ((body.get("choices") or [{}])[0]).get("message") or {}
    if message.get("refusal"):
        return ItemOutcome(custom_id, None, ItemErrorKind.REFUSAL, str(message["refusal"]), usage)
    return ItemOutcome(custom_id, message.get("content") or "", None, None, usage)
