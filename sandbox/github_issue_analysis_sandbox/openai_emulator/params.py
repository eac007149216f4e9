"""Request parameters of the batch endpoints, checked as OpenAI does (400 on a bad value)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import invalid

SUPPORTED_ENDPOINTS = ("/v1/chat/completions", "/v1/responses")
MAX_METADATA_KEYS = 16
MAX_METADATA_KEY_CHARS = 64
MAX_METADATA_VALUE_CHARS = 512


@dataclass(frozen=True)
class BatchParams:
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, str] | None


def _required_string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        raise invalid(f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")
    if not isinstance(value, str):
        raise invalid(f"Invalid type for '{name}': expected a string.", param=name, code="invalid_type")
    return value


def check_metadata(value: Any) -> dict[str, str] | None:
    """Up to 16 pairs; keys strings of at most 64 characters, values strings of at most 512."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("Invalid type for 'metadata': expected an object.", param="metadata", code="invalid_type")
    if len(value) > MAX_METADATA_KEYS:
        raise invalid(
            f"Invalid 'metadata': too many properties. Expected an object with at most {MAX_METADATA_KEYS} "
            f"properties, but got an object with {len(value)} properties instead.",
            param="metadata",
            code="object_above_max_properties",
        )
    for key, item in value.items():
        if len(key) > MAX_METADATA_KEY_CHARS:
            raise invalid(
                f"Invalid 'metadata': key too long. Expected a key with maximum length "
                f"{MAX_METADATA_KEY_CHARS}, but got a key with length {len(key)} instead.",
                param="metadata",
                code="string_above_max_length",
            )
        if not isinstance(item, str):
            raise invalid(
                f"Invalid type for 'metadata.{key}': expected a string.",
                param=f"metadata.{key}",
                code="invalid_type",
            )
        if len(item) > MAX_METADATA_VALUE_CHARS:
            raise invalid(
                f"Invalid 'metadata.{key}': string too long. Expected a string with maximum length "
                f"{MAX_METADATA_VALUE_CHARS}, but got a string with length {len(item)} instead.",
                param=f"metadata.{key}",
                code="string_above_max_length",
            )
    return dict(value)


def batch_params(body: Any) -> BatchParams:
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    input_file_id = _required_string(body, "input_file_id")
    endpoint = _required_string(body, "endpoint")
    if endpoint not in SUPPORTED_ENDPOINTS:
        raise invalid(
            f"Invalid value for 'endpoint': the sandbox supports {', '.join(SUPPORTED_ENDPOINTS)}.",
            param="endpoint",
            code="invalid_value",
        )
    window = _required_string(body, "completion_window")
    if window != "24h":
        raise invalid(
            "Invalid value for 'completion_window': only '24h' is supported.",
            param="completion_window",
            code="invalid_value",
        )
    return BatchParams(input_file_id, endpoint, window, check_metadata(body.get("metadata")))


def limit_param(raw: str | None, default: int, maximum: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid("Invalid 'limit': expected an integer.", param="limit", code="invalid_type") from None
    if not 1 <= value <= maximum:
        raise invalid(
            f"Invalid 'limit': expected a value between 1 and {maximum}.", param="limit", code="invalid_value"
        )
    return value
