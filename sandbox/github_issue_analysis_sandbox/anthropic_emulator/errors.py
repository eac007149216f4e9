"""Anthropic's error shape: `{"type": "error", "error": {"type", "message"}, "request_id"}` with its HTTP status.

Documented statuses: 400 invalid_request_error, 401 authentication_error, 403 permission_error,
404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error, 529 overloaded_error.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.responses import JSONResponse

from ..emulator_common import EmulatorApiError

STATUS_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def request_id() -> str:
    return "req_" + secrets.token_hex(12)


class ApiError(EmulatorApiError):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = STATUS_TYPES.get(status, "invalid_request_error")
        self.headers = headers or {}

    def error_object(self) -> dict[str, Any]:
        """The `{type: "error", error: {...}}` body, as also carried by an `errored` batch result."""
        return {"type": "error", "error": {"type": self.type, "message": self.message}}

    def response(self) -> JSONResponse:
        ident = request_id()
        body = {**self.error_object(), "request_id": ident}
        return JSONResponse(body, status_code=self.status, headers={**self.headers, "request-id": ident})


def invalid(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(batch_id: str) -> ApiError:
    return ApiError(404, f"No message batch found with id '{batch_id}'.")


def retry_headers(seconds: float) -> dict[str, str]:
    return {"retry-after": f"{max(seconds, 0):g}"}


def rate_limited(message: str, retry_after: float) -> ApiError:
    return ApiError(429, message, retry_headers(retry_after))


def server_fault(status: int, retry_after: float) -> ApiError:
    """An injected 500 `api_error` or 529 `overloaded_error`."""
    if status == 529:
        return ApiError(529, "Overloaded (sandbox-injected fault).", retry_headers(retry_after))
    return ApiError(500, "Internal server error (sandbox-injected fault).")
