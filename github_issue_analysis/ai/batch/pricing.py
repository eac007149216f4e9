"""Moved to `github_issue_analysis.ai.providers.pricing`; kept so existing imports keep working."""

from github_issue_analysis.ai.providers.pricing import (
    BATCH_PRICES,
    ESTIMATED_OUTPUT_TOKENS_PER_ISSUE,
    LIVE_PRICES,
    Price,
    price_for,
)

__all__ = ["BATCH_PRICES", "ESTIMATED_OUTPUT_TOKENS_PER_ISSUE", "LIVE_PRICES", "Price", "price_for"]
