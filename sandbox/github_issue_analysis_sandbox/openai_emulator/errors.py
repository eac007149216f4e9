"""OpenAI's error envelope: `{"error": {"message", "type", "param", "code"}}` with an HTTP status."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from ..emulator_common import EmulatorApiError


class ApiError(EmulatorApiError):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def invalid(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def not_found(kind: str, object_id: str, param: str) -> ApiError:
    return ApiError(404, f"No {kind} found with id '{object_id}'.", param=param)


def rate_limited(message: str, retry_after: float) -> ApiError:
    headers = {"retry-after": f"{retry_after:g}", "retry-after-ms": f"{retry_after * 1000:.0f}"}
    return ApiError(429, message, type_="requests", code="rate_limit_exceeded", headers=headers)


def server_error(status: int, retry_after: float) -> ApiError:
    """An injected 500, or a 503 carrying `retry-after` as HTTP allows for Service Unavailable."""
    if status == 503:
        return ApiError(
            503,
            "The server is overloaded or not ready yet (sandbox-injected fault).",
            type_="server_error",
            headers={"retry-after": f"{retry_after:g}", "retry-after-ms": f"{retry_after * 1000:.0f}"},
        )
    return ApiError(
        500,
        "The server had an error while processing your request (sandbox-injected fault).",
        type_="server_error",
    )
