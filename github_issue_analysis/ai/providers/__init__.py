"""Providers by name; a model is named `provider:model` (e.g. `openai:gpt-4o-mini`)."""

from __future__ import annotations

from github_issue_analysis.config import Settings

from .base import BatchProvider, ProviderError

PROVIDERS = ("openai",)


def parse_model(spec: str) -> tuple[str, str]:
    """('openai', 'gpt-4o-mini') from 'openai:gpt-4o-mini'; ValueError for anything else."""
    provider, _, model = spec.partition(":")
    if provider not in PROVIDERS or not model:
        raise ValueError(f"model must be written openai:NAME (e.g. openai:gpt-4o-mini), got '{spec}'")
    return provider, model


def provider_for(name: str, settings: Settings) -> BatchProvider:
    if name == "openai":
        from .openai_provider import OpenAIProvider

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return OpenAIProvider(
            api_key=key,
            base_url=settings.openai_base_url,
            max_requests_per_batch=settings.openai_max_requests_per_batch,
            max_bytes_per_batch=settings.openai_max_bytes_per_batch,
            max_batches_per_hour=settings.openai_max_batches_per_hour,
        )
    raise ProviderError(f"unknown provider '{name}'")
