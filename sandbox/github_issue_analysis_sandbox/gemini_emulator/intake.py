"""The body of `batchGenerateContent` and the lines of an input file, read into requests of a batch.

Inlined requests are parsed with the HTTP request, so an unknown field or a bad request refuses the whole
create (400 INVALID_ARGUMENT), as a JSON payload that does not parse does. Lines of an uploaded input file
(`{"key", "request"}` each) are read when the batch is made; a line that is not JSON or not a valid request
becomes that line's error in the output file, as the batch processes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..openai_emulator.answers import LineFault
from .errors import ApiError, invalid
from .request_check import check_request, normalized
from .state import BatchRequest

BODY_FIELDS = frozenset({"batch"})
BATCH_FIELDS = frozenset(
    [
        "name",
        "model",
        "displayName",
        "inputConfig",
        "output",
        "createTime",
        "endTime",
        "updateTime",
        "batchStats",
        "state",
        "priority",
        "webhookConfig",
    ]
)
INPUT_FIELDS = frozenset({"fileName", "requests"})
INLINED_FIELDS = frozenset({"requests"})
ITEM_FIELDS = frozenset({"request", "metadata"})
LINE_FIELDS = frozenset({"key", "request"})
FaultFor = Callable[[int], LineFault]


@dataclass(frozen=True)
class CreateBody:
    display_name: str
    priority: str | None
    file_name: str | None
    inlined: list[tuple[dict[str, Any], Any]]
    """(checked request, metadata) of each inlined request."""


def _inlined(requests: Any) -> list[tuple[dict[str, Any], Any]]:
    where = "batch.input_config.requests"
    items = normalized(requests, INLINED_FIELDS, where).get("requests")
    if not isinstance(items, list) or not items:
        raise invalid(f"* BatchGenerateContentRequest.{where}.requests: must contain at least one request.\n")
    result = []
    for index, item in enumerate(items):
        path = f"{where}.requests[{index}]"
        checked = normalized(item, ITEM_FIELDS, path)
        if "request" not in checked:
            raise invalid(f"* BatchGenerateContentRequest.{path}.request: request is required.\n")
        metadata = checked.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise invalid(f"Invalid value at '{path}.metadata': expected an object.")
        result.append((check_request(checked["request"], f"{path}.request"), metadata))
    return result


def parse_create_body(body: Any) -> CreateBody:
    batch = normalized(normalized(body, BODY_FIELDS, "").get("batch"), BATCH_FIELDS, "batch")
    display_name = batch.get("displayName")
    if not isinstance(display_name, str) or not display_name.strip():
        raise invalid("* BatchGenerateContentRequest.batch.display_name: display_name is required.\n")
    config = normalized(batch.get("inputConfig"), INPUT_FIELDS, "batch.input_config")
    if ("fileName" in config) == ("requests" in config):
        raise invalid(
            "* BatchGenerateContentRequest.batch.input_config: exactly one of file_name or requests must be set.\n"
        )
    priority = batch.get("priority")
    if priority is not None:
        try:
            priority = str(int(priority))
        except (TypeError, ValueError):
            raise invalid(f"Invalid value at 'batch.priority' (TYPE_INT64), {json.dumps(priority)}") from None
    file_name = config.get("fileName")
    if file_name is not None and (not isinstance(file_name, str) or not file_name.startswith("files/")):
        raise invalid("* BatchGenerateContentRequest.batch.input_config.file_name: must look like files/{id}.\n")
    inlined = _inlined(config["requests"]) if "requests" in config else []
    return CreateBody(display_name, priority, file_name, inlined)


def inlined_requests(body: CreateBody, fault_for: FaultFor) -> list[BatchRequest]:
    return [
        BatchRequest(
            metadata.get("key") if isinstance(metadata, dict) and isinstance(metadata.get("key"), str) else None,
            metadata,
            request,
            None,
            fault_for(index),
        )
        for index, (request, metadata) in enumerate(body.inlined)
    ]


def _line(raw: bytes, number: int, fault: LineFault) -> BatchRequest:
    try:
        line = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return BatchRequest(None, None, None, _problem(invalid(f"Line {number}: not valid JSON.")), fault)
    key = line.get("key") if isinstance(line, dict) and isinstance(line.get("key"), str) else None
    try:
        checked = normalized(line, LINE_FIELDS, "")
        if "request" not in checked:
            raise invalid(f"Line {number}: a line needs a `request`.")
        return BatchRequest(key, None, check_request(checked["request"], "request"), None, fault)
    except ApiError as error:
        return BatchRequest(key, None, None, _problem(error), fault)


def _problem(error: ApiError) -> dict[str, Any]:
    return {"code": 3, "message": error.message}


def file_requests(content: bytes, fault_for: FaultFor) -> list[BatchRequest]:
    """One request per non-blank line of a JSONL input file."""
    lines = [raw for raw in content.split(b"\n") if raw.strip()]
    return [_line(raw, number, fault_for(number - 1)) for number, raw in enumerate(lines, start=1)]
