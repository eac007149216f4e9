"""Providers and processors found by name: the built-in ones and those other packages register as Python entry
points (groups `gh_analysis.providers` and `gh_analysis.processors`), the way simonw/llm finds its plug-ins.

An entry point names a `ProviderPlugin` (or a `Processor`), or a function without arguments returning one."""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from github_issue_analysis.config import Settings
from github_issue_analysis.errors import InvalidModelName, UnknownName

from .providers.base import BatchProvider, LiveProvider
from .providers.plugin import ProviderPlugin

if TYPE_CHECKING:
    from .processors.base import Processor

PROVIDER_GROUP = "gh_analysis.providers"
PROCESSOR_GROUP = "gh_analysis.processors"


def _builtin_providers() -> list[ProviderPlugin]:
    from .providers.anthropic_provider import PLUGIN as ANTHROPIC
    from .providers.gemini_provider import PLUGIN as GEMINI
    from .providers.local_provider import PLUGIN as LOCAL
    from .providers.openai_provider import PLUGIN as OPENAI

    return [OPENAI, ANTHROPIC, GEMINI, LOCAL]


def _builtin_processors() -> list[Processor]:
    from .processors.product_labeling import ProductLabelingProcessor

    return [ProductLabelingProcessor()]


def _from_entry_points(group: str) -> list[Any]:
    from importlib.metadata import entry_points

    found = []
    for entry_point in entry_points(group=group):
        try:
            loaded = entry_point.load()
            if isinstance(loaded, type) or (callable(loaded) and not hasattr(loaded, "name")):
                loaded = loaded()  # a class or a factory function
            found.append(loaded)
        except Exception as error:  # a broken plug-in must not break the tool
            warnings.warn(f"plug-in {entry_point.name} ({group}) did not load: {error}", stacklevel=2)
    return found


@lru_cache(maxsize=1)
def providers() -> dict[str, ProviderPlugin]:
    """Every provider by name; a plug-in cannot replace a built-in one."""
    found = {plugin.name: plugin for plugin in _builtin_providers()}
    for plugin in _from_entry_points(PROVIDER_GROUP):
        if isinstance(plugin, ProviderPlugin):
            found.setdefault(plugin.name, plugin)
    return found


@lru_cache(maxsize=1)
def processors() -> dict[str, Processor]:
    found = {processor.name: processor for processor in _builtin_processors()}
    for processor in _from_entry_points(PROCESSOR_GROUP):
        if hasattr(processor, "name") and hasattr(processor, "prepare"):
            found.setdefault(processor.name, processor)
    return found


def refresh() -> None:
    """Find plug-ins again (after installing one in the same process, as tests do)."""
    providers.cache_clear()
    processors.cache_clear()


@lru_cache(maxsize=1)
def _builtin_provider_names() -> dict[str, ProviderPlugin]:
    return {plugin.name: plugin for plugin in _builtin_providers()}


def provider_plugin(name: str) -> ProviderPlugin:
    """A built-in provider is found without scanning installed packages (start-up stays fast)."""
    found = _builtin_provider_names().get(name) or providers().get(name)
    if found is None:
        raise UnknownName("provider", name, sorted(providers()))
    return found


def create_provider(name: str, settings: Settings) -> BatchProvider:
    """The provider `name` for the batch protocol (submit, status, collect, cancel)."""
    provider = provider_plugin(name).create(settings)
    if not isinstance(provider, BatchProvider):
        raise UnknownName("batch provider", name, _offering(BatchProvider, settings))
    return provider


def create_live_provider(name: str, settings: Settings) -> LiveProvider:
    """The provider `name` for the live protocol (`process`: one request answered now)."""
    provider = provider_plugin(name).create(settings)
    if not isinstance(provider, LiveProvider):
        raise UnknownName("live provider", name, _offering(LiveProvider, settings))
    return provider


def _offering(protocol: type, settings: Settings) -> list[str]:
    return sorted(name for name, plugin in providers().items() if isinstance(plugin.create(settings), protocol))


def processor(name: str) -> Processor:
    found = next((p for p in _builtin_processors() if p.name == name), None) or processors().get(name)
    if found is None:
        raise UnknownName("processor", name, sorted(processors()))
    return found


def parse_model(spec: str) -> tuple[str, str]:
    """('openai', 'gpt-4o-mini') from 'openai:gpt-4o-mini'."""
    provider, _, model = spec.partition(":")
    if not provider or not model:
        raise InvalidModelName(spec, sorted(providers()))
    provider_plugin(provider)
    return provider, model
