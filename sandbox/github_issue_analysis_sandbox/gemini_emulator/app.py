"""HTTP routes: Gemini batch mode (`models/{model}:batchGenerateContent`, `batches`), live
`models/{model}:generateContent`, the Files API (resumable upload, get, delete, download) and `/_sandbox`.

Every route is served under `v1beta` (the version the reference documents batch mode in) and `v1` (the
default of recent `google-genai` releases). Every API request goes through the same gate: count it, wait
`latency_ms`, check the key (`x-goog-api-key` or `?key=`; upload chunks carry their upload id instead),
maybe inject a 429/500/503 (before any state change), then run the handler. Errors use Google's shape
`{"error": {"code", "message", "status"}}`.
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
from .config import GeminiEmulatorConfig
from .emulator import GeminiEmulator
from .errors import ApiError, invalid
from .files import start_metadata

VERSIONS = ("v1beta", "v1")
UPLOAD_ID = "upload_id"


async def _json_body(request: Request, max_bytes: int | None = None) -> Any:
    raw = await request.body()
    if max_bytes is not None and len(raw) > max_bytes:
        raise invalid(f"Request payload size exceeds the limit: {max_bytes} bytes.")
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise invalid("Invalid JSON payload received. Unexpected token.") from None


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _version(request: Request) -> str:
    first, second, *_ = [*request.url.path.strip("/").split("/"), "", ""]
    return second if first in ("upload", "download") else first


def _page_size(raw: str | None, default: int, maximum: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\"") from None
    if value < 0:
        raise invalid("page_size must not be negative.")
    return min(value or default, maximum)


class Routes:
    def __init__(self, emulator: GeminiEmulator) -> None:
        self.emulator = emulator

    def gate(self, name: str, handler: Handler) -> Handler:
        def check(request: Request) -> None:
            if UPLOAD_ID in request.query_params and request.url.path.startswith("/upload/"):
                return  # a chunk of a started upload: the upload id is the credential
            self.emulator.check_key(request.headers.get("x-goog-api-key"), request.query_params.get("key"))

        return gate(self.emulator, name, check, handler)

    # --- batches
    async def create_batch(self, request: Request) -> Response:
        body = await _json_body(request, self.emulator.config.max_request_bytes)
        batch = await self.emulator.create_batch(request.path_params["model"].removeprefix("models/"), body)
        return JSONResponse(await self.emulator.operation(batch))

    async def get_batch(self, request: Request) -> Response:
        batch = self.emulator.get_batch(request.path_params["batch_id"])
        return JSONResponse(await self.emulator.operation(batch))

    async def list_batches(self, request: Request) -> Response:
        config, query = self.emulator.config, request.query_params
        size = _page_size(query.get("pageSize", query.get("page_size")), config.default_page_size, config.max_page_size)
        batches, token = self.emulator.list_batches(size, query.get("pageToken", query.get("page_token")))
        body: dict[str, Any] = {"operations": [await self.emulator.operation(batch) for batch in batches]}
        if token:
            body["nextPageToken"] = token
        return JSONResponse(body)

    async def cancel_batch(self, request: Request) -> Response:
        self.emulator.cancel_batch(request.path_params["batch_id"])
        return JSONResponse({})

    async def delete_batch(self, request: Request) -> Response:
        self.emulator.delete_batch(request.path_params["batch_id"])
        return JSONResponse({})

    # --- live
    async def generate_content(self, request: Request) -> Response:
        body = await _json_body(request, self.emulator.config.max_request_bytes)
        model = request.path_params["model"].removeprefix("models/")
        return JSONResponse(self.emulator.generate_content(model, body))

    # --- files
    async def upload(self, request: Request) -> Response:
        upload_id = request.query_params.get(UPLOAD_ID)
        return await (self._upload_chunk(request, upload_id) if upload_id else self._start_upload(request))

    async def _start_upload(self, request: Request) -> Response:
        headers = request.headers
        if headers.get("x-goog-upload-protocol", "").lower() != "resumable":
            raise invalid("The sandbox takes resumable uploads only (X-Goog-Upload-Protocol: resumable).")
        if headers.get("x-goog-upload-command", "").lower() != "start":
            raise invalid("A resumable upload starts with X-Goog-Upload-Command: start.")
        try:
            size = int(headers.get("x-goog-upload-header-content-length", ""))
        except ValueError:
            raise invalid("X-Goog-Upload-Header-Content-Length must give the size of the file.") from None
        display_name, mime_type = start_metadata(await _json_body(request))
        session = self.emulator.start_upload(
            display_name, mime_type or headers.get("x-goog-upload-header-content-type"), size
        )
        url = (
            f"{_base_url(request)}/upload/{_version(request)}/files?{UPLOAD_ID}={session.id}&upload_protocol=resumable"
        )
        return Response(b"", headers={"x-goog-upload-url": url, "x-goog-upload-status": "active"})

    async def _upload_chunk(self, request: Request, upload_id: str) -> Response:
        commands = {part.strip() for part in request.headers.get("x-goog-upload-command", "").lower().split(",")}
        if "upload" not in commands:
            raise invalid("Upload chunks need X-Goog-Upload-Command: upload (or upload, finalize).")
        try:
            offset = int(request.headers.get("x-goog-upload-offset", "0"))
        except ValueError:
            raise invalid("X-Goog-Upload-Offset must be a number.") from None
        record = self.emulator.upload_chunk(upload_id, offset, await request.body(), "finalize" in commands)
        if record is None:
            return Response(b"", headers={"x-goog-upload-status": "active"})
        body = {"file": record.to_api(_base_url(request), _version(request))}
        return JSONResponse(body, headers={"x-goog-upload-status": "final"})

    async def get_file(self, request: Request) -> Response:
        record = self.emulator.get_file(request.path_params["file_id"])
        return JSONResponse(record.to_api(_base_url(request), _version(request)))

    async def delete_file(self, request: Request) -> Response:
        self.emulator.delete_file(request.path_params["file_id"])
        return JSONResponse({})

    async def download(self, request: Request) -> Response:
        if request.query_params.get("alt") != "media":
            raise invalid("Downloads need ?alt=media.")
        return Response(self.emulator.download(request.path_params["file_id"]), media_type="application/octet-stream")

    def routes(self) -> list[Route]:
        api: list[tuple[str, str, Handler]] = []
        for version in VERSIONS:
            api += [
                (f"/{version}/models/{{model}}:batchGenerateContent", "POST", self.create_batch),
                (f"/{version}/models/{{model}}:generateContent", "POST", self.generate_content),
                (f"/{version}/batches", "GET", self.list_batches),
                (f"/{version}/batches/{{batch_id}}:cancel", "POST", self.cancel_batch),
                (f"/{version}/batches/{{batch_id}}", "GET", self.get_batch),
                (f"/{version}/batches/{{batch_id}}", "DELETE", self.delete_batch),
                (f"/upload/{version}/files", "POST", self.upload),
                (f"/download/{version}/files/{{file_id}}:download", "GET", self.download),
                (f"/{version}/files/{{file_id}}:download", "GET", self.download),
                (f"/{version}/files/{{file_id}}", "GET", self.get_file),
                (f"/{version}/files/{{file_id}}", "DELETE", self.delete_file),
            ]
        control = ControlRoutes(self.emulator, invalid, _json_body, self._active)
        return api_routes(api, self.gate) + control.routes()

    def _active(self) -> dict[str, Any]:
        now = self.emulator.now()
        return {
            "active_batches": sum(
                1 for b in self.emulator.batches.values() if b.state_at(now).name in ("PENDING", "RUNNING")
            )
        }


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return ApiError(404, f"Not found: {request.method} {request.url.path}").response()
    return ApiError(status, str(exc)).response()


def create_gemini_app(config: GeminiEmulatorConfig | None = None, emulator: GeminiEmulator | None = None) -> Starlette:
    """The ASGI app; `app.state.emulator` is the `GeminiEmulator` behind it. Give the SDK its address as
    `genai.Client(api_key=..., http_options=types.HttpOptions(base_url=URL))`."""
    service = emulator or GeminiEmulator(config)
    app = Starlette(routes=Routes(service).routes(), exception_handlers={404: _http_error, 405: _http_error})
    app.state.emulator = service
    return app
