"""Prompt caching as OpenAI documents it: a request whose prompt begins with a prefix of 1,024 tokens or
more that an earlier request of the same model already sent reports those tokens as
`usage.prompt_tokens_details.cached_tokens`, counted in steps of 128 tokens (1,024, 1,152, 1,280, ...).
A prefix stays cached for a while after its last use (10 minutes here; the documentation says 5 to 10
minutes of inactivity, at most an hour). `prompt_cache_key` is accepted and, as documented, only steers
routing: a hit still needs the same prefix. The prompt's order follows how it is billed: the structured
output schema, then the messages in order."""

from __future__ import annotations

import json
import threading
from typing import Any

from .tokens import content_text, count_text

MINIMUM_TOKENS = 1024
STEP_TOKENS = 128
IDLE_SECONDS = 600.0
KEPT_PER_MODEL = 32  # recent prompts kept per model to match prefixes against


def prompt_text(body: dict[str, Any]) -> str:
    """The prompt as one text, in the order its prefix is matched."""
    parts: list[str] = []
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and isinstance(response_format.get("json_schema"), dict):
        parts.append(json.dumps(response_format["json_schema"], separators=(",", ":")))
    for message in body.get("messages") or []:
        if isinstance(message, dict):
            parts.append(f"<|{message.get('role', '')}|>{content_text(message.get('content'))}")
    return "\n".join(parts)


def common_prefix_length(first: str, second: str) -> int:
    """Characters the two texts share from the start (binary search over C-level slice comparisons)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def cached_tokens(prefix_tokens: int, prompt_tokens: int) -> int:
    """What a hit on a shared prefix of `prefix_tokens` reports: 0 below 1,024, else whole 128-token steps."""
    if prefix_tokens < MINIMUM_TOKENS:
        return 0
    return min(prompt_tokens, prefix_tokens - prefix_tokens % STEP_TOKENS)


class PromptCache:
    """The prompts each model saw recently, with the time each was last used (thread-safe: batches are
    finalised in worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recent: dict[str, dict[str, float]] = {}

    def use(self, body: dict[str, Any], prompt_tokens: int, now: float) -> int:
        """The cached tokens this request reports; its prompt is then kept for the requests after it."""
        model = str(body.get("model") or "")
        text = prompt_text(body)
        with self._lock:
            recent = self._recent.setdefault(model, {})
            for kept, last_used in list(recent.items()):
                if now - last_used > IDLE_SECONDS:
                    del recent[kept]
            best = max((common_prefix_length(text, kept) for kept in recent), default=0)
            recent.pop(text, None)
            recent[text] = now
            while len(recent) > KEPT_PER_MODEL:
                del recent[next(iter(recent))]
        return cached_tokens(count_text(text[:best], model) if best else 0, prompt_tokens)
