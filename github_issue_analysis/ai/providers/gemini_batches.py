"""Gemini batch mode's answers in provider-neutral terms: a batch (the long-running operation `batches/…`
whose `metadata` is the `GenerateContentBatch`) as a `ProviderBatch`, one result entry as an `ItemOutcome`,
and a response's usage.

States (`BATCH_STATE_*`, kept raw beside ours): PENDING -> validating, RUNNING -> in_progress, SUCCEEDED ->
completed, FAILED -> failed, CANCELLED -> cancelled, EXPIRED -> expired. Results are read from `output`:
inlined responses (read again from the batch, so the "file id" is the batch name) or `responsesFile`. The
reference says an expired batch has no results to retrieve and a failed one none either; whatever output a
batch does carry is read, and requests without an entry are marked for retry by the collector. Counts come
from `batchStats`, and only while they can be matched by the output (no output: nothing is counted done)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from github_issue_analysis.domain.jobs import ItemErrorKind, JobStatus
from github_issue_analysis.domain.provider_batches import ItemOutcome, ProviderBatch
from github_issue_analysis.domain.usage import TokenUsage

from .answers import MalformedAnswer, snippet
from .gemini_wire import name_metadata

STATES: Final = {
    "BATCH_STATE_PENDING": JobStatus.VALIDATING,
    "BATCH_STATE_RUNNING": JobStatus.IN_PROGRESS,
    "BATCH_STATE_SUCCEEDED": JobStatus.COMPLETED,
    "BATCH_STATE_FAILED": JobStatus.FAILED,
    "BATCH_STATE_CANCELLED": JobStatus.CANCELLED,
    "BATCH_STATE_EXPIRED": JobStatus.EXPIRED,
}
# The SDK's names for the same states (`JobState`), for a batch as `batches.create` returns it.
SDK_STATES: Final = {f"JOB_STATE_{raw.removeprefix('BATCH_STATE_')}": raw for raw in STATES}
REFUSED_FINISH: Final = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"}
)
# google.rpc.Code of an entry's error: the batch stopped before the request ran.
_NOT_RUN: Final = {
    1: (ItemErrorKind.CANCELLED, "the batch was cancelled before this request ran"),
    4: (ItemErrorKind.EXPIRED, "the batch expired before this request ran"),
}


@dataclass(frozen=True)
class GeminiUsage:
    """`usageMetadata` of one response. Prompt tokens include the cached ones; thinking is billed as output."""

    prompt: int = 0
    cached: int = 0
    candidates: int = 0
    thinking: int = 0

    @property
    def tokens(self) -> TokenUsage:
        return TokenUsage(
            input_tokens=self.prompt, cached_input_tokens=self.cached, output_tokens=self.candidates + self.thinking
        )


def usage_of(metadata: Mapping[str, Any] | None) -> GeminiUsage:
    """The one place Gemini's usage is read (camelCase API JSON)."""
    metadata = metadata or {}
    return GeminiUsage(
        prompt=int(metadata.get("promptTokenCount") or 0),
        cached=int(metadata.get("cachedContentTokenCount") or 0),
        candidates=int(metadata.get("candidatesTokenCount") or 0),
        thinking=int(metadata.get("thoughtsTokenCount") or 0),
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def output_id(name: str, output: Mapping[str, Any] | None) -> str | None:
    """Where the results are: the output file, or the batch itself for inlined responses."""
    if not output:
        return None
    if output.get("responsesFile"):
        return str(output["responsesFile"])
    return name if "inlinedResponses" in output else None


def provider_batch(operation: Any, action: str) -> ProviderBatch:
    """A batch operation as the API writes it (`{name, metadata: GenerateContentBatch, done, error}`)."""
    if not isinstance(operation, dict):
        raise _malformed(action, operation)
    batch = operation.get("metadata") or {}
    name = operation.get("name") or batch.get("name")
    raw = batch.get("state")
    if not isinstance(name, str) or not name.startswith("batches/") or raw is None:
        raise _malformed(action, operation)
    stats = batch.get("batchStats") or {}
    output = batch.get("output") or (operation.get("response") or None)
    results_at = output_id(name, output)
    done = int(stats.get("successfulRequestCount") or 0), int(stats.get("failedRequestCount") or 0)
    error = operation.get("error") or {}
    return ProviderBatch(
        id=name,
        status=STATES.get(str(raw), JobStatus.IN_PROGRESS),
        raw_status=str(raw),
        metadata=name_metadata(batch.get("displayName")),
        created_at=_time(batch.get("createTime")),
        total=int(stats.get("requestCount") or 0),
        completed=done[0] if results_at else 0,
        failed=done[1] if results_at else 0,
        output_file_id=results_at,
        errors=[str(error["message"])] if error.get("message") and raw != "BATCH_STATE_CANCELLED" else [],
        error_codes=[str(error.get("status") or error.get("code"))] if error.get("message") else [],
    )


def created_batch(job: Any, total: int) -> ProviderBatch:
    """A batch as `batches.create` returns it (the SDK's `BatchJob`): its name, state and display name."""
    name = getattr(job, "name", None)
    state = getattr(getattr(job, "state", None), "value", None)
    if not isinstance(name, str) or not name.startswith("batches/"):
        raise _malformed("create the batch", job)
    raw = SDK_STATES.get(str(state), "BATCH_STATE_PENDING")
    return ProviderBatch(
        id=name,
        status=STATES[raw],
        raw_status=raw,
        metadata=name_metadata(getattr(job, "display_name", None)),
        created_at=getattr(job, "create_time", None),
        total=total,
    )


def outcome(custom_id: str, entry: Mapping[str, Any]) -> ItemOutcome:
    """One result entry: `{response}` or `{error}` (an inlined response or an output-file line)."""
    error = entry.get("error")
    if error is not None or "response" not in entry:
        return _error_outcome(custom_id, error or {})
    response = entry.get("response") or {}
    usage = usage_of(response.get("usageMetadata")).tokens
    blocked = (response.get("promptFeedback") or {}).get("blockReason")
    candidates = response.get("candidates") or []
    first = candidates[0] if candidates else {}
    finish = first.get("finishReason")
    if blocked or finish in REFUSED_FINISH or (not candidates and not blocked):
        why = f"the model refused ({blocked or finish or 'no candidate'})"
        return ItemOutcome(custom_id, None, ItemErrorKind.REFUSAL, why, usage)
    parts = (first.get("content") or {}).get("parts") or []
    text = "".join(str(part.get("text") or "") for part in parts if not part.get("thought"))
    return ItemOutcome(custom_id, text, None, None, usage)


def _error_outcome(custom_id: str, error: Mapping[str, Any]) -> ItemOutcome:
    code = error.get("code")
    if isinstance(code, int) and code in _NOT_RUN:
        kind, message = _NOT_RUN[code]
        return ItemOutcome(custom_id, error_kind=kind, error_message=message)
    status = error.get("status") or (f"code {code}" if code is not None else "error")
    detail = f"{status}: {error.get('message') or 'request failed'}"
    return ItemOutcome(custom_id, error_kind=ItemErrorKind.REQUEST_ERROR, error_message=detail[:500])


def inlined_outcomes(operation: Any, action: str) -> list[ItemOutcome]:
    """The outcomes in an ended batch's inlined responses (each names its request by `metadata.key`)."""
    if not isinstance(operation, dict):
        raise _malformed(action, operation)
    output = (operation.get("metadata") or {}).get("output") or operation.get("response") or {}
    entries = (output.get("inlinedResponses") or {}).get("inlinedResponses") or []
    return [outcome(str((entry.get("metadata") or {}).get("key") or ""), entry) for entry in entries]


def _malformed(action: str, answer: Any) -> MalformedAnswer:
    return MalformedAnswer(
        f"Gemini answered the request to {action} with something that is not a batch "
        f"('{snippet(str(answer))}'); check GEMINI_BASE_URL points at the API"
    )
