"""What the provider emulators share: a settings object patched at runtime, the `/_sandbox` control routes
(no auth, no faults), the gate every API request goes through and the newest-first order of batch lists.

Each emulator keeps its own error shape: its `ApiError` derives from `EmulatorApiError`, and the control
routes are given its `invalid` error and its JSON body reader.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, ClassVar, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .stats import EmulatorStats

Handler = Callable[[Request], Awaitable[Response]]
Rate = float
ListOrder = Literal["newest", "oldest", "random"]
T = TypeVar("T")


class EmulatorSettings(BaseModel):
    """Base of an emulator's settings: validated on assignment, shown without the key, patched all or nothing."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")
    NOT_PATCHABLE: ClassVar[frozenset[str]] = frozenset({"clock"})

    api_key: str | None = Field(default=None, repr=False)
    """When set, only this key is accepted; otherwise any key is."""

    # --- faults, the same switches on every provider emulator
    latency_ms: float = Field(default=0.0, ge=0)
    http_429_rate: Rate = Field(default=0.0, ge=0, le=1)
    http_5xx_rate: Rate = Field(default=0.0, ge=0, le=1)
    """Half 500, half the provider's overloaded status (Anthropic 529 `overloaded_error`, OpenAI 503)."""
    retry_after_seconds: float = Field(default=0.1, ge=0)
    line_failure_rate: Rate = Field(default=0.0, ge=0, le=1)
    """Requests answered as failed in a batch (Anthropic: `errored` `api_error`), or 500 on the live endpoint."""
    non_json_rate: Rate = Field(default=0.0, ge=0, le=1)
    """Answers that are prose text instead of the requested JSON (or forced tool call)."""
    schema_violation_rate: Rate = Field(default=0.0, ge=0, le=1)
    refusal_rate: Rate = Field(default=0.0, ge=0, le=1)
    """Answers that refuse (Anthropic: `stop_reason: "refusal"` and no content)."""
    seed: int = 0

    # --- listing
    list_order_within_second: ListOrder = "newest"
    """Batch lists are newest first by creation second, as documented; within one second the order is not
    promised: `newest` (strictly newest first), `oldest` (oldest first) or `random` (a fixed shuffle)."""

    clock: Callable[[], float] = Field(default=time.time, exclude=True)

    def public_dict(self) -> dict[str, Any]:
        """The settings as JSON, without the key (only whether one is set) and the clock."""
        data = self.model_dump(exclude={"api_key", "clock"})
        data["api_key_set"] = self.api_key is not None
        return data

    def apply_patch(self, patch: dict[str, Any]) -> None:
        """Validate a partial update as a whole, then apply it (all or nothing)."""
        refused = sorted(set(patch) & self.NOT_PATCHABLE)
        if refused:
            raise ValueError(f"not settable through the control API: {', '.join(refused)}")
        merged = {**self.model_dump(exclude={"clock"}), **patch}
        checked = type(self).model_validate(merged)
        for name in patch:
            setattr(self, name, getattr(checked, name))


class EmulatorApiError(Exception):
    """An error answered in the emulator's own shape."""

    def response(self) -> JSONResponse:
        raise NotImplementedError


class _Settings(Protocol):
    latency_ms: float

    def public_dict(self) -> dict[str, Any]: ...

    def apply_patch(self, patch: dict[str, Any]) -> None: ...


class ControlledEmulator(Protocol):
    @property
    def config(self) -> _Settings: ...

    @property
    def stats(self) -> EmulatorStats: ...

    def reset(self) -> None: ...

    def roll_http_fault(self) -> EmulatorApiError | None: ...


def gate(emulator: ControlledEmulator, name: str, check: Callable[[Request], None], run: Handler) -> Handler:
    """Count the request, wait `latency_ms`, `check` it (auth), maybe inject a fault, then `run` it."""

    async def endpoint(request: Request) -> Response:
        emulator.stats.record(name)
        try:
            if emulator.config.latency_ms > 0:
                await asyncio.sleep(emulator.config.latency_ms / 1000)
            check(request)
            fault = emulator.roll_http_fault()
            if fault is not None:
                raise fault
            return await run(request)
        except EmulatorApiError as error:
            return error.response()

    return endpoint


class ControlRoutes:
    """`GET/POST /_sandbox/config`, `GET /_sandbox/stats`, `POST /_sandbox/reset`."""

    def __init__(
        self,
        emulator: ControlledEmulator,
        invalid: Callable[[str], EmulatorApiError],
        json_body: Callable[[Request], Awaitable[Any]],
        extra_stats: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.emulator = emulator
        self.invalid = invalid
        self.json_body = json_body
        self.extra_stats = extra_stats

    async def read_config(self, request: Request) -> Response:
        return JSONResponse(self.emulator.config.public_dict())

    async def patch_config(self, request: Request) -> Response:
        try:
            patch = await self.json_body(request)
            if not isinstance(patch, dict):
                return self.invalid("Expected a JSON object of settings to change.").response()
            self.emulator.config.apply_patch(patch)
        except (ValidationError, ValueError) as error:
            return self.invalid(str(error)).response()
        except EmulatorApiError as error:
            return error.response()
        return JSONResponse(self.emulator.config.public_dict())

    async def read_stats(self, request: Request) -> Response:
        stats = self.emulator.stats.to_api()
        if self.extra_stats is not None:
            stats.update(self.extra_stats())
        return JSONResponse(stats)

    async def reset(self, request: Request) -> Response:
        self.emulator.reset()
        return JSONResponse({"reset": True})

    def routes(self) -> list[Route]:
        return [
            Route("/_sandbox/config", self.read_config, methods=["GET"]),
            Route("/_sandbox/config", self.patch_config, methods=["POST"]),
            Route("/_sandbox/stats", self.read_stats, methods=["GET"]),
            Route("/_sandbox/reset", self.reset, methods=["POST"]),
        ]


def api_routes(endpoints: Sequence[tuple[str, str, Handler]], wrap: Callable[[str, Handler], Handler]) -> list[Route]:
    """One route per `(path, method, handler)`, each behind `wrap(route name, handler)`."""
    return [Route(path, wrap(f"{method} {path}", handler), methods=[method]) for path, method, handler in endpoints]


def newest_first(
    records: Iterable[T], created: Callable[[T], float], ident: Callable[[T], str], order: ListOrder, seed: int
) -> list[T]:
    """`records` (given oldest first) newest first by creation second, ordered within each second by `order`;
    `random` is a shuffle fixed by the seed and the ids, so paging through the list sees one order."""
    result: list[T] = []
    for _second, group in itertools.groupby(reversed(list(records)), key=lambda record: int(created(record))):
        same_second = list(group)
        if order == "oldest":
            same_second.reverse()
        elif order == "random":
            same_second.sort(key=lambda record: hashlib.sha256(f"{seed}:{ident(record)}".encode()).digest())
        result.extend(same_second)
    return result


def roll_http_fault(rng: Any, settings: EmulatorSettings, faults: Any, server_codes: tuple[int, int]) -> int | None:
    """The status of an injected HTTP fault — 429, or one of the provider's two server errors — counted in
    `faults` (a Counter); None when this request goes through. Decided before any state changes."""
    roll = rng.random()
    if roll < settings.http_429_rate:
        faults["http_429"] += 1
        return 429
    if roll < settings.http_429_rate + settings.http_5xx_rate:
        status = server_codes[0] if rng.random() < 0.5 else server_codes[1]
        faults[f"http_{status}"] += 1
        return status
    return None
