"""What a provider plug-in registers: its name, the settings it reads, its known models and a factory.

Plug-ins from other packages register one of these (or a function returning one) under the entry-point group
`gh_analysis.providers`; the built-in providers are registered the same way in `ai/registry.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from github_issue_analysis.config import Settings

from .base import Provider


@dataclass(frozen=True)
class ProviderPlugin:
    name: str
    title: str
    api_key_env: str
    base_url_env: str | None
    factory: Callable[[Settings], Provider]  # a BatchProvider, a LiveProvider or both
    models: tuple[str, ...] = ()  # known model names (others are accepted; the table lists these)
    notes: str = ""

    def create(self, settings: Settings) -> Provider:
        return self.factory(settings)
