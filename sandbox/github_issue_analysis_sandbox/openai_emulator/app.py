"""HTTP routes: the documented `/v1/files` and `/v1/batches` endpoints, and the `/_sandbox` control API.

Every `/v1` request goes through the same gate, in this order: count it, wait `latency_ms`, check the
bearer key (401), maybe inject a 429/5xx (before any state change), then run the handler. Errors use
OpenAI's envelope `{"error": {"message", "type", "param", "code"}}`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..emulator_common import ControlRoutes, Handler, api_routes, gate
from .config import EmulatorConfig
from .emulator import OpenAIEmulator
from .errors import ApiError, invalid
from .live import chat_completion
from .params import batch_params, limit_param

FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
MAX_FILES_PAGE = 10_000
MAX_BATCHES_PAGE = 100


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise invalid("We could not parse the JSON body of your request.") from None


class Routes:
    def __init__(self, emulator: OpenAIEmulator) -> None:
        self.emulator = emulator

    def gate(self, name: str, handler: Handler) -> Handler:
        def check(request: Request) -> None:
            self.emulator.check_auth(request.headers.get("authorization"))

        async def run(request: Request) -> Response:
            return await _broken(self.emulator.config, name, handler, request)

        return gate(self.emulator, name, check, run)

    # --- files
    async def upload_file(self, request: Request) -> Response:
        if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
            raise invalid("Expected a multipart/form-data request body.")
        async with request.form(max_files=1, max_fields=10) as form:
            upload, purpose = form.get("file"), form.get("purpose")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise invalid("Missing required parameter: 'file'.", param="file", code="missing_required_parameter")
            if not isinstance(purpose, str):
                raise invalid(
                    "Missing required parameter: 'purpose'.", param="purpose", code="missing_required_parameter"
                )
            filename, data = upload.filename, await upload.read()
        purpose_value = purpose.strip()
        if purpose_value not in FILE_PURPOSES:
            raise invalid(
                f"Invalid value for 'purpose': expected one of {', '.join(FILE_PURPOSES)}.",
                param="purpose",
                code="invalid_value",
            )
        record = self.emulator.upload_file(filename, purpose_value, data)
        return JSONResponse(record.to_api())

    async def list_files(self, request: Request) -> Response:
        query = request.query_params
        order = query.get("order", "desc")
        if order not in ("asc", "desc"):
            raise invalid("Invalid value for 'order': expected 'asc' or 'desc'.", param="order")
        limit = limit_param(query.get("limit"), MAX_FILES_PAGE, MAX_FILES_PAGE)
        return JSONResponse(self.emulator.list_files(query.get("purpose"), query.get("after"), limit, order))

    async def get_file(self, request: Request) -> Response:
        return JSONResponse(self.emulator.get_file(request.path_params["file_id"]).to_api())

    async def file_content(self, request: Request) -> Response:
        record = self.emulator.get_file(request.path_params["file_id"])
        return Response(record.content, media_type="application/octet-stream")

    async def delete_file(self, request: Request) -> Response:
        return JSONResponse(self.emulator.delete_file(request.path_params["file_id"]))

    # --- batches
    async def create_batch(self, request: Request) -> Response:
        params = batch_params(await _json_body(request))
        return JSONResponse(await self.emulator.create_batch(params))

    async def get_batch(self, request: Request) -> Response:
        return JSONResponse(await self.emulator.get_batch(request.path_params["batch_id"]))

    async def cancel_batch(self, request: Request) -> Response:
        return JSONResponse(await self.emulator.cancel_batch(request.path_params["batch_id"]))

    async def list_batches(self, request: Request) -> Response:
        limit = limit_param(request.query_params.get("limit"), 20, MAX_BATCHES_PAGE)
        return JSONResponse(await self.emulator.list_batches(request.query_params.get("after"), limit))

    async def chat_completion(self, request: Request) -> Response:
        return JSONResponse(chat_completion(self.emulator, await _json_body(request)))

    def routes(self) -> list[Route]:
        api = [
            ("/v1/files", "POST", self.upload_file),
            ("/v1/files", "GET", self.list_files),
            ("/v1/files/{file_id}", "GET", self.get_file),
            ("/v1/files/{file_id}", "DELETE", self.delete_file),
            ("/v1/files/{file_id}/content", "GET", self.file_content),
            ("/v1/batches", "POST", self.create_batch),
            ("/v1/batches", "GET", self.list_batches),
            ("/v1/batches/{batch_id}", "GET", self.get_batch),
            ("/v1/batches/{batch_id}/cancel", "POST", self.cancel_batch),
            ("/v1/chat/completions", "POST", self.chat_completion),
        ]
        return api_routes(api, self.gate) + ControlRoutes(self.emulator, invalid, _json_body).routes()


HTML_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Network login required</body></html>"


async def _broken(config: EmulatorConfig, name: str, handler: Handler, request: Request) -> Response:
    """The switchable broken-endpoint faults: an HTML page, a hang, an answer missing fields."""
    if name in config.html_routes:
        return HTMLResponse(HTML_PAGE)
    if config.hang_requests > 0:
        config.hang_requests -= 1
        await asyncio.sleep(config.hang_seconds)
    response = await handler(request)
    omitted = config.omit_fields.get(name)
    if not omitted or not isinstance(response, JSONResponse):
        return response
    body = json.loads(bytes(response.body))
    return JSONResponse({key: value for key, value in body.items() if key not in omitted})


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = f"Unknown request URL: {request.method} {request.url.path}." if status == 404 else str(exc)
    return ApiError(status, message, code="unknown_url" if status == 404 else None).response()


def create_openai_app(config: EmulatorConfig | None = None, emulator: OpenAIEmulator | None = None) -> Starlette:
    """The ASGI app; `app.state.emulator` is the `OpenAIEmulator` behind it."""
    service = emulator or OpenAIEmulator(config)
    app = Starlette(routes=Routes(service).routes(), exception_handlers={404: _http_error, 405: _http_error})
    app.state.emulator = service
    return app
