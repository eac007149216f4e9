"""Prices per model in USD per million tokens. The table holds live prices; batch APIs (OpenAI Batch,
Anthropic Message Batches, Gemini batch mode) charge half, cached tokens included. A JSON file named in
GH_ANALYSIS_PRICES_FILE (read by config.Settings) overrides batch prices: {"model-name": {"input": 0.075,
"output": 0.30}} (live prices then count as double; cached rates keep the model's ratio to its input price).

Prompt caching: OpenAI and Gemini bill cached input at each model's published cached-input price and write
their cache for free (implicit caching); Anthropic bills cache reads at 0.1x the input price and writes to
the 1-hour cache (the one our batches use) at 2x."""

from __future__ import annotations

from dataclasses import dataclass

from github_issue_analysis.domain.usage import TokenUsage

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
    # The local baseline (local:tfidf-logreg) runs on this machine
    "tfidf-logreg": (0.0, 0.0),
}
# OpenAI's and Google's published cached-input prices (live, USD per million tokens).
LIVE_CACHED_INPUT: dict[str, float] = {
    "gemini-2.5-pro": 0.125,
    "gemini-2.5-flash": 0.03,
    "gemini-2.5-flash-lite": 0.01,
    "gemini-2.0-flash": 0.025,
    "gpt-4o-mini": 0.075,
    "gpt-4o": 1.25,
    "gpt-4.1": 0.50,
    "gpt-4.1-mini": 0.10,
    "gpt-4.1-nano": 0.025,
    "o4-mini": 0.275,
    "o3": 0.50,
    "gpt-5": 0.125,
    "gpt-5-mini": 0.025,
    "gpt-5-nano": 0.005,
}
ANTHROPIC_CACHE_READ_FACTOR = 0.1
ANTHROPIC_CACHE_WRITE_1H_FACTOR = 2.0


def cache_factors(model: str) -> tuple[float, float]:
    """(read, write) prices as multiples of the model's input price."""
    if model.startswith("claude"):
        return ANTHROPIC_CACHE_READ_FACTOR, ANTHROPIC_CACHE_WRITE_1H_FACTOR
    if model in LIVE_CACHED_INPUT:
        return LIVE_CACHED_INPUT[model] / LIVE_PRICES[model][0], 1.0
    return 1.0, 1.0  # no documented cache discount: every input token at the input price


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
    cached_input_per_million: float | None = None  # None: the input price
    cache_write_per_million: float | None = None

    @property
    def cached_input(self) -> float:
        return self.input_per_million if self.cached_input_per_million is None else self.cached_input_per_million

    @property
    def cache_write(self) -> float:
        return self.input_per_million if self.cache_write_per_million is None else self.cache_write_per_million

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """Every input token at the input price (estimates, and answers without cache figures)."""
        return (input_tokens * self.input_per_million + output_tokens * self.output_per_million) / 1_000_000

    def cost_of(self, usage: TokenUsage) -> float:
        """The cost of a usage: uncached input, cache reads and cache writes each at its own price."""
        return self.cost_parts(usage).total

    def cost_parts(self, usage: TokenUsage) -> CostParts:
        per = 1_000_000
        return CostParts(
            usage.uncached_input_tokens * self.input_per_million / per,
            usage.cache_write_tokens * self.cache_write / per,
            usage.cached_input_tokens * self.cached_input / per,
            usage.output_tokens * self.output_per_million / per,
        )


@dataclass(frozen=True)
class CostParts:
    """A cost split the way providers bill it (USD)."""

    uncached_input: float
    cache_writes: float
    cache_reads: float
    output: float

    @property
    def total(self) -> float:
        return self.uncached_input + self.cache_writes + self.cache_reads + self.output


def price_for(model: str, live: bool = False) -> Price | None:
    """The batch (or live) price of a model; a dated name (claude-haiku-4-5-20251001) takes its base's price."""
    from github_issue_analysis.config import get_settings

    table = dict(BATCH_PRICES) | get_settings().price_overrides()
    name = model if model in table else max((n for n in table if model.startswith(n + "-")), key=len, default=None)
    if name is None:
        return None
    batch_in, batch_out = table[name]
    factor = 1 / BATCH_DISCOUNT if live else 1.0
    read, write = cache_factors(name)
    return Price(batch_in * factor, batch_out * factor, batch_in * factor * read, batch_in * factor * write)
