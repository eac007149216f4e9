"""What a group cost, from the provider's reported usage at the model's batch price."""

from __future__ import annotations

from dataclasses import dataclass

from github_issue_analysis.domain.usage import TokenUsage


@dataclass(frozen=True)
class GroupCost:
    input_tokens: int
    output_tokens: int
    cost_usd: float | None  # None when the model has no known price

    def per_correct_label(self, correct_labels: int) -> float | None:
        if self.cost_usd is None or correct_labels == 0:
            return None
        return self.cost_usd / correct_labels


def group_cost(model: str, usage: TokenUsage | tuple[int, int]) -> GroupCost:
    """At the model's batch price, cached and cache-write tokens at their own rates ((input, output) counts
    every input token at the input price)."""
    from github_issue_analysis.ai.providers.pricing import price_for

    if not isinstance(usage, TokenUsage):
        usage = TokenUsage(usage[0], 0, 0, usage[1])
    price = price_for(model)
    return GroupCost(usage.input_tokens, usage.output_tokens, price.cost_of(usage) if price is not None else None)
