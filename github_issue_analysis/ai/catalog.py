"""What `gh-analysis models` shows: every registered provider with its known models, prices and batch limits."""

from __future__ import annotations

from dataclasses import dataclass

from github_issue_analysis.config import Settings

from .providers.base import NO_HOURLY_CAP, BatchProvider
from .providers.pricing import Price, price_for
from .registry import processors, providers


@dataclass(frozen=True)
class ModelEntry:
    name: str
    spec: str  # PROVIDER:NAME, as --model takes it
    batch_price: Price | None
    live_price: Price | None


@dataclass(frozen=True)
class ProviderEntry:
    name: str
    title: str
    api_key_env: str
    base_url_env: str | None
    key_set: bool
    max_requests_per_batch: int
    max_bytes_per_batch: int
    max_batches_per_hour: int | None  # None: no documented cap
    uploads_input: bool
    has_metadata: bool
    notes: str
    models: list[ModelEntry]


@dataclass(frozen=True)
class Catalog:
    providers: list[ProviderEntry]
    processors: list[str]
    default_model: str


def catalog(settings: Settings) -> Catalog:
    entries = []
    for plugin in providers().values():
        provider = plugin.create(settings)
        if not isinstance(provider, BatchProvider):  # the table shows batch limits: live-only providers have none
            continue
        entries.append(
            ProviderEntry(
                name=plugin.name,
                title=plugin.title,
                api_key_env=plugin.api_key_env,
                base_url_env=plugin.base_url_env,
                key_set=provider.has_key,
                max_requests_per_batch=provider.max_requests_per_batch,
                max_bytes_per_batch=provider.max_bytes_per_batch,
                max_batches_per_hour=(
                    None if provider.max_batches_per_hour >= NO_HOURLY_CAP else provider.max_batches_per_hour
                ),
                uploads_input=provider.uploads_input,
                has_metadata=provider.has_metadata,
                notes=plugin.notes,
                models=[
                    ModelEntry(name, f"{plugin.name}:{name}", price_for(name), price_for(name, live=True))
                    for name in plugin.models
                ],
            )
        )
    return Catalog(entries, sorted(processors()), settings.model)
