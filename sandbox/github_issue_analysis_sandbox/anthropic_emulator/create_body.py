"""The body of `POST /v1/messages/batches`, checked as documented before a batch exists (400 on a problem).

`requests`: 1 to 100,000 items of `{custom_id, params}`; `custom_id` 1-64 characters of `[a-zA-Z0-9_-]`,
unique in the batch; `params` an object (its contents are checked per request, see `params.py`).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import invalid

CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def _request_item(index: int, item: Any, seen: set[str]) -> tuple[str, dict[str, Any]]:
    path = f"requests.{index}"
    if not isinstance(item, dict):
        raise invalid(f"{path}: Input should be a valid dictionary")
    extra = sorted(set(item) - {"custom_id", "params"})
    if extra:
        raise invalid(f"{path}.{extra[0]}: Extra inputs are not permitted")
    custom_id, params = item.get("custom_id"), item.get("params")
    if custom_id is None:
        raise invalid(f"{path}.custom_id: Field required")
    if not isinstance(custom_id, str) or not CUSTOM_ID.match(custom_id):
        raise invalid(f"{path}.custom_id: String should match pattern '{CUSTOM_ID.pattern}'")
    if custom_id in seen:
        raise invalid(f"{path}.custom_id: Duplicate custom_id '{custom_id}'; custom_id must be unique in a batch")
    if params is None:
        raise invalid(f"{path}.params: Field required")
    if not isinstance(params, dict):
        raise invalid(f"{path}.params: Input should be a valid dictionary")
    if params.get("stream"):
        raise invalid(f"{path}.params.stream: streaming is not supported in Message Batches")
    seen.add(custom_id)
    return custom_id, params


def parse_create_body(body: Any, max_requests: int) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    extra = sorted(set(body) - {"requests"})
    if extra:
        raise invalid(f"{extra[0]}: Extra inputs are not permitted")
    requests = body.get("requests")
    if requests is None:
        raise invalid("requests: Field required")
    if not isinstance(requests, list):
        raise invalid("requests: Input should be a valid list")
    if not requests:
        raise invalid("requests: List should have at least 1 item after validation, not 0")
    if len(requests) > max_requests:
        raise invalid(f"requests: List should have at most {max_requests} items after validation, not {len(requests)}")
    seen: set[str] = set()
    return [_request_item(index, item, seen) for index, item in enumerate(requests)]
