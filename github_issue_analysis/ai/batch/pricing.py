"""Batch prices per model (USD per million tokens, half the live price), overridable by a JSON file
named in GH_ANALYSIS_PRICES_FILE (read by config.Settings):
{"model-name": {"input": 0.075, "output": 0.30}}."""

from __future__ import annotations

from dataclasses import dataclass

BATCH_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.075, 0.30),
    "gpt-4o": (1.25, 5.00),
    "gpt-4.1": (1.00, 4.00),
    "gpt-4.1-mini": (0.20, 0.80),
    "gpt-4.1-nano": (0.05, 0.20),
    "o4-mini": (0.55, 2.20),
    "o3": (1.00, 4.00),
    "gpt-5": (0.625, 5.00),
    "gpt-5-mini": (0.125, 1.00),
    "gpt-5-nano": (0.025, 0.20),
}

# What an answer of the product-labeling schema usually takes; the dry-run estimate uses it until the store
# has collected answers of the same model and processor, then their observed average.
ESTIMATED_OUTPUT_TOKENS_PER_ISSUE = 250


@dataclass(frozen=True)
class Price:
    input_per_million: float
    output_per_million: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_million + output_tokens * self.output_per_million) / 1_000_000


def price_for(model: str) -> Price | None:
    from github_issue_analysis.config import get_settings

    table = dict(BATCH_PRICES) | get_settings().price_overrides()
    if model in table:
        return Price(*table[model])
    base = max((name for name in table if model.startswith(name + "-")), key=len, default=None)
    return Price(*table[base]) if base else None
