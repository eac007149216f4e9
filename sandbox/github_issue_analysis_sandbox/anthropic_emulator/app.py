"""HTTP routes: the documented `/v1/messages/batches` endpoints, live `/v1/messages`, and `/_sandbox` control.

Every `/v1` request goes through the same gate, in this order: count it, wait `latency_ms`, check the key
(401) and `anthropic-version`, maybe inject a 429/500/529 (before any state change), then run the handler.
Errors use Anthropic's shape `{"type": "error", "error": {"type", "message"}, "request_id"}`.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..emulator_common import ControlRoutes, Handler, api_routes, gate
from .config import AnthropicEmulatorConfig
from .emulator import MAX_LIST_LIMIT, AnthropicEmulator
from .errors import ApiError, invalid, request_id
from .state import BatchRecord


async def _json_body(request: Request, max_bytes: int | None = None) -> Any:
    """The parsed body; over `max_bytes` it is refused with 413 `request_too_large` before parsing."""
    raw = await request.body()
    if max_bytes is not None and len(raw) > max_bytes:
        raise ApiError(413, f"Request exceeds the maximum allowed number of bytes ({max_bytes}).")
    try:
        return json.loads(raw)
    except ValueError:
        raise invalid("There was an issue with the format of your request body: it is not valid JSON.") from None


def _limit(raw: str | None) -> int:
    if raw is None:
        return 20
    try:
        value = int(raw)
    except ValueError:
        raise invalid("limit: Input should be a valid integer") from None
    if not 1 <= value <= MAX_LIST_LIMIT:
        raise invalid(f"limit: Input should be between 1 and {MAX_LIST_LIMIT}")
    return value


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


class Routes:
    def __init__(self, emulator: AnthropicEmulator) -> None:
        self.emulator = emulator

    def gate(self, name: str, handler: Handler) -> Handler:
        def check(request: Request) -> None:
            headers = request.headers
            self.emulator.check_headers(
                headers.get("x-api-key"), headers.get("authorization"), headers.get("anthropic-version")
            )

        async def run(request: Request) -> Response:
            response = await handler(request)
            response.headers["request-id"] = request_id()
            return response

        return gate(self.emulator, name, check, run)

    def _batch(self, request: Request, batch: BatchRecord) -> JSONResponse:
        return JSONResponse(batch.to_api(self.emulator.now(), _base_url(request)))

    async def create_batch(self, request: Request) -> Response:
        body = await _json_body(request, self.emulator.config.max_batch_bytes)
        return self._batch(request, await self.emulator.create_batch(body))

    async def get_batch(self, request: Request) -> Response:
        return self._batch(request, self.emulator.get_batch(request.path_params["batch_id"]))

    async def cancel_batch(self, request: Request) -> Response:
        return self._batch(request, self.emulator.cancel_batch(request.path_params["batch_id"]))

    async def delete_batch(self, request: Request) -> Response:
        return JSONResponse(self.emulator.delete_batch(request.path_params["batch_id"]))

    async def list_batches(self, request: Request) -> Response:
        query = request.query_params
        batches, has_more = self.emulator.list_batches(
            _limit(query.get("limit")), query.get("before_id"), query.get("after_id")
        )
        now, base = self.emulator.now(), _base_url(request)
        data = [batch.to_api(now, base) for batch in batches]
        return JSONResponse(
            {
                "data": data,
                "has_more": has_more,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
            }
        )

    async def results(self, request: Request) -> Response:
        content = await self.emulator.results(request.path_params["batch_id"])
        return Response(content, media_type="application/binary")

    async def create_message(self, request: Request) -> Response:
        body = await _json_body(request, self.emulator.config.max_message_bytes)
        return JSONResponse(self.emulator.create_message(body))

    def routes(self) -> list[Route]:
        api = [
            ("/v1/messages", "POST", self.create_message),
            ("/v1/messages/batches", "POST", self.create_batch),
            ("/v1/messages/batches", "GET", self.list_batches),
            ("/v1/messages/batches/{batch_id}", "GET", self.get_batch),
            ("/v1/messages/batches/{batch_id}", "DELETE", self.delete_batch),
            ("/v1/messages/batches/{batch_id}/cancel", "POST", self.cancel_batch),
            ("/v1/messages/batches/{batch_id}/results", "GET", self.results),
        ]
        control = ControlRoutes(self.emulator, invalid, _json_body, self._queued)
        return api_routes(api, self.gate) + control.routes()

    def _queued(self) -> dict[str, Any]:
        return {"queued_requests": self.emulator.queued_requests(self.emulator.now())}


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = f"Not found: {request.method} {request.url.path}" if status == 404 else str(exc)
    return ApiError(status, message).response()


def create_anthropic_app(
    config: AnthropicEmulatorConfig | None = None, emulator: AnthropicEmulator | None = None
) -> Starlette:
    """The ASGI app; `app.state.emulator` is the `AnthropicEmulator` behind it."""
    service = emulator or AnthropicEmulator(config)
    app = Starlette(routes=Routes(service).routes(), exception_handlers={404: _http_error, 405: _http_error})
    app.state.emulator = service
    return app
