"""Prices per model in USD per million tokens. The table holds live prices; batch APIs (OpenAI Batch,
Anthropic Message Batches, Gemini batch mode) charge half. A JSON file named in GH_ANALYSIS_PRICES_FILE
(read by config.Settings) overrides batch prices: {"model-name": {"input": 0.075, "output": 0.30}} (live
prices then count as double)."""

from __future__ import annotations

from dataclasses import dataclass

BATCH_DISCOUNT = 0.5

LIVE_PRICES: dict[str, tuple[float, float]] = {
    # OpenAI
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    # Anthropic
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4-5": (3.00, 15.00),
    "claude-opus-4-5": (5.00, 25.00),
    "claude-opus-4-1": (15.00, 75.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-3-5-haiku": (0.80, 4.00),
    # Gemini (Google's paid tier, text, prompts up to 200k tokens; thinking tokens are billed as output)
    "gemini-2.5-pro": (1.25, 10.00),
    "gemini-2.5-flash": (0.30, 2.50),
    "gemini-2.5-flash-lite": (0.10, 0.40),
    "gemini-2.0-flash": (0.10, 0.40),
    "gemini-2.0-flash-lite": (0.075, 0.30),
}
# Live price of a cached input token (context caching), where the provider lists one; batches charge half.
CACHED_INPUT_PRICES: dict[str, float] = {
    "gemini-2.5-pro": 0.125,
    "gemini-2.5-flash": 0.03,
    "gemini-2.5-flash-lite": 0.01,
    "gemini-2.0-flash": 0.025,
}
BATCH_PRICES: dict[str, tuple[float, float]] = {
    name: (live_in * BATCH_DISCOUNT, live_out * BATCH_DISCOUNT) for name, (live_in, live_out) in LIVE_PRICES.items()
}

# What an answer of the product-labeling schema usually takes; the dry-run estimate uses it until the store
# has collected answers of the same model and processor, then their observed average.
ESTIMATED_OUTPUT_TOKENS_PER_ISSUE = 250


@dataclass(frozen=True)
class Price:
    input_per_million: float
    output_per_million: float
    cached_input_per_million: float | None = None  # a cached input token, where the provider lists a price

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_million + output_tokens * self.output_per_million) / 1_000_000


def price_for(model: str, live: bool = False) -> Price | None:
    """The batch (or live) price of a model; a dated name (claude-haiku-4-5-20251001) takes its base's price."""
    from github_issue_analysis.config import get_settings

    table = dict(BATCH_PRICES) | get_settings().price_overrides()
    name = model if model in table else max((n for n in table if model.startswith(n + "-")), key=len, default=None)
    if name is None:
        return None
    batch_in, batch_out = table[name]
    factor = 1 / BATCH_DISCOUNT if live else 1.0
    cached = CACHED_INPUT_PRICES.get(name)
    return Price(batch_in * factor, batch_out * factor, cached * (1.0 if live else BATCH_DISCOUNT) if cached else None)
