"""Google's error shape `{"error": {"code", "message", "status"}}` with the HTTP status that goes with it.

Canonical statuses used: 400 INVALID_ARGUMENT / FAILED_PRECONDITION, 403 PERMISSION_DENIED, 404 NOT_FOUND,
413 (payload too large, answered as 400 INVALID_ARGUMENT as the API does), 429 RESOURCE_EXHAUSTED,
500 INTERNAL, 503 UNAVAILABLE.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from ..emulator_common import EmulatorApiError

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "INVALID_ARGUMENT",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
# google.rpc.Code numbers, as a failed operation or a failed request of a batch carries them
RPC_CODES = {"CANCELLED": 1, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4, "INTERNAL": 13}


class ApiError(EmulatorApiError):
    def __init__(
        self, code: int, message: str, status: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.code, headers=self.headers)


def invalid(message: str) -> ApiError:
    return ApiError(400, message)


def unknown_field(name: str, where: str) -> ApiError:
    """Google's wording for a JSON field the message type does not have (`where` in snake_case)."""
    at = f" at '{where}'" if where else ""
    return invalid(f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.')


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found.")


def precondition(message: str) -> ApiError:
    return ApiError(400, message, "FAILED_PRECONDITION")


def rate_limited(message: str, retry_after: float) -> ApiError:
    return ApiError(429, message, headers={"retry-after": f"{max(retry_after, 0):g}"})


def server_fault(code: int, retry_after: float) -> ApiError:
    """An injected 500 INTERNAL or 503 UNAVAILABLE (the model is overloaded)."""
    if code == 503:
        return ApiError(
            503,
            "The model is overloaded. Please try again later. (sandbox-injected fault)",
            headers={"retry-after": f"{max(retry_after, 0):g}"},
        )
    return ApiError(500, "An internal error has occurred. (sandbox-injected fault)")


def status_object(code_name: str, message: str) -> dict[str, Any]:
    """A google.rpc.Status as an operation's or a failed request's `error`."""
    return {"code": RPC_CODES[code_name], "message": message}
