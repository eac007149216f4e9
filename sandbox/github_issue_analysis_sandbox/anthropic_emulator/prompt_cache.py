"""Prompt caching as Anthropic documents it: a request marks the end of a cacheable prefix with
`cache_control` on a tool, a system block or a message content block (at most 4 breakpoints). The prefix
is everything before and including the marked block, in the order tools, system, messages. At each
breakpoint, from the last, the longest prefix already cached is read (`cache_read_input_tokens`); the
tokens after it up to the last breakpoint are written (`cache_creation_input_tokens`); `input_tokens`
counts only what follows the last breakpoint (plus what was too short to cache). A prefix shorter than the
model's minimum is not cached and the request still succeeds. Entries live 5 minutes, or 1 hour with
`"ttl": "1h"`, refreshed on every hit."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from .answers import count_input_tokens

TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}
MAX_BREAKPOINTS = 4
DEFAULT_MINIMUM = 1024
# Minimum cacheable prompt length per model (Anthropic's prompt caching documentation).
MINIMUM_TOKENS: tuple[tuple[str, int], ...] = (
    ("claude-opus-4-5", 4096),
    ("claude-opus-4-6", 4096),
    ("claude-haiku-4-5", 4096),
    ("claude-3-5-haiku", 2048),
    ("claude-3-haiku", 2048),
    ("claude-haiku-3", 2048),
    ("claude-sonnet-4-5", 1024),
    ("claude-sonnet-4", 1024),
    ("claude-opus-4-1", 1024),
    ("claude-opus-4", 1024),
    ("claude-3-7-sonnet", 1024),
)


def minimum_tokens(model: str) -> int:
    return next((tokens for prefix, tokens in MINIMUM_TOKENS if model.startswith(prefix)), DEFAULT_MINIMUM)


@dataclass(frozen=True)
class Breakpoint:
    params: dict[str, Any]  # the request cut just after the marked block
    ttl: str


@dataclass(frozen=True)
class CacheUse:
    read: int = 0
    written: int = 0


def breakpoints(params: dict[str, Any]) -> list[Breakpoint]:
    """Every marked block, in prompt order, as the request cut after it."""
    found: list[Breakpoint] = []
    tools = params.get("tools") or []
    for index, tool in enumerate(tools):
        if isinstance(tool, dict) and tool.get("cache_control"):
            found.append(_cut(params, tool["cache_control"], tools=tools[: index + 1], system=None, messages=[]))
    system = params.get("system")
    if isinstance(system, list):
        for index, block in enumerate(system):
            if isinstance(block, dict) and block.get("cache_control"):
                found.append(_cut(params, block["cache_control"], system=system[: index + 1], messages=[]))
    messages = params.get("messages") or []
    for position, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for index, block in enumerate(content):
            if isinstance(block, dict) and block.get("cache_control"):
                cut = [*messages[:position], {**message, "content": content[: index + 1]}]
                found.append(_cut(params, block["cache_control"], messages=cut))
    return found


def _cut(params: dict[str, Any], control: Any, **parts: Any) -> Breakpoint:
    cut = {key: value for key, value in params.items() if key in ("model", "tools", "tool_choice", "system")}
    cut.update({key: value for key, value in parts.items() if value is not None})
    if parts.get("system", "") is None:
        cut.pop("system", None)
    cut.setdefault("messages", [])
    ttl = control.get("ttl", "5m") if isinstance(control, dict) else "5m"
    return Breakpoint(copy.deepcopy(cut), ttl if ttl in TTL_SECONDS else "5m")


def _key(cut: dict[str, Any]) -> str:
    import json

    return json.dumps(cut, sort_keys=True, separators=(",", ":"))


class PromptCache:
    """Cached prefixes with their expiry (thread-safe: results are built in worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}

    def use(self, params: dict[str, Any], now: float) -> CacheUse:
        marked = breakpoints(params)[-MAX_BREAKPOINTS:]
        if not marked:
            return CacheUse()
        minimum = minimum_tokens(str(params.get("model") or ""))
        sized = [(point, _key(point.params), count_input_tokens(point.params)) for point in marked]
        with self._lock:
            read = 0
            for _point, key, tokens in reversed(sized):
                if tokens >= minimum and self._expiry.get(key, -1.0) >= now:
                    read = tokens
                    break
            written = 0
            for point, key, tokens in sized:
                if tokens >= minimum:
                    self._expiry[key] = now + TTL_SECONDS[point.ttl]
                    written = max(written, tokens)
        return CacheUse(read, max(0, written - read))
