"""Providers and processors found by name, including plug-ins installed as Python entry points."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from github_issue_analysis.ai import registry
from github_issue_analysis.storage.store import Store
from tests.conftest import CliResult, invoke
from tests.test_ai.conftest import API_KEY, Sandbox, seed

PLUGIN_MODULE = '''
"""A team's OpenAI-compatible gateway, registered as a gh-analysis provider by its own package."""
import os

from github_issue_analysis.ai.providers.base import LiveAnswer, LiveProvider
from github_issue_analysis.ai.providers.openai_provider import OpenAIProvider
from github_issue_analysis.ai.processors.product_labeling import ProductLabelingProcessor
from github_issue_analysis.ai.providers.plugin import ProviderPlugin


class ShortLabeling(ProductLabelingProcessor):
    """A team's processor (here: product labeling under another name)."""

    name = "short-labeling"


class GatewayProvider(OpenAIProvider):
    name = "gateway"
    api_key_env = "GATEWAY_API_KEY"


def plugin():
    return ProviderPlugin(
        name="gateway",
        title="Test gateway",
        api_key_env="GATEWAY_API_KEY",
        base_url_env="GATEWAY_BASE_URL",
        factory=lambda settings: GatewayProvider(
            api_key=os.environ.get("GATEWAY_API_KEY"),
            base_url=os.environ.get("GATEWAY_BASE_URL"),
            max_requests_per_batch=40,
        ),
        models=("gpt-4o-mini",),
    )


class EchoProvider(LiveProvider):
    """A provider with a live API only (no batches): answers with the request's prompt."""

    name = "echo"
    api_key_env = "ECHO_API_KEY"

    def model_accepts(self, model, option):
        return False

    async def complete(self, request):
        return LiveAnswer(request.prompt)

    async def close(self):
        pass


def echo_plugin():
    return ProviderPlugin("echo", "Live only", "ECHO_API_KEY", None, factory=lambda settings: EchoProvider(None))
'''


@pytest.fixture
def gateway_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install a package with an entry point in group gh_analysis.providers (a dist-info on sys.path)."""
    site = tmp_path / "site"
    (site / "gateway_plugin").mkdir(parents=True)
    (site / "gateway_plugin" / "__init__.py").write_text(textwrap.dedent(PLUGIN_MODULE))
    dist = site / "gateway_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gateway-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[gh_analysis.providers]\ngateway = gateway_plugin:plugin\necho = gateway_plugin:echo_plugin\n"
        "[gh_analysis.processors]\nshort = gateway_plugin:ShortLabeling\n"
    )
    monkeypatch.syspath_prepend(str(site))
    registry.refresh()
    yield
    registry.refresh()
    sys.modules.pop("gateway_plugin", None)


def test_builtin_providers_and_processors_are_registered() -> None:
    assert {"openai"} <= set(registry.providers())
    assert "product-labeling" in registry.processors()
    assert registry.parse_model("openai:gpt-4o-mini") == ("openai", "gpt-4o-mini")


@pytest.mark.usefixtures("gateway_plugin")
def test_entry_point_processor_is_found_by_name(sandbox: Sandbox, seeded: Store) -> None:
    assert registry.processor("short-labeling").name == "short-labeling"
    seed(seeded, 3)
    planned = invoke("batch", "submit", "short-labeling", "--org", "acme", "--dry-run", "--json")
    assert planned.exit_code == 0, planned.stderr
    assert json.loads(planned.stdout)["total_issues"] == 3
    listed = json.loads(invoke("models", "--json").stdout)
    assert "short-labeling" in listed["processors"] and "gateway" in {p["name"] for p in listed["providers"]}


@pytest.mark.usefixtures("gateway_plugin")
def test_entry_point_provider_is_found_by_name() -> None:
    assert "gateway" in registry.providers()
    assert registry.parse_model("gateway:gpt-4o-mini") == ("gateway", "gpt-4o-mini")
    assert registry.provider_plugin("gateway").title == "Test gateway"


@pytest.mark.usefixtures("gateway_plugin")
def test_the_registry_gives_a_provider_for_the_protocol_asked_for(sandbox: Sandbox, seeded: Store) -> None:
    """A class may implement the batch protocol, the live one or both; asking for one it lacks is a usage error."""
    import asyncio

    from github_issue_analysis.ai.providers.base import BatchProvider, LiveProvider
    from github_issue_analysis.config import get_settings
    from github_issue_analysis.domain.model_request import ModelRequest
    from github_issue_analysis.errors import UnknownName

    settings = get_settings()
    assert isinstance(registry.create_provider("openai", settings), BatchProvider)
    assert isinstance(registry.create_live_provider("openai", settings), LiveProvider)
    echo = registry.create_live_provider("echo", settings)
    assert asyncio.run(echo.complete(ModelRequest("m", "sys", "hello"))).content == "hello"
    with pytest.raises(UnknownName) as refused:
        registry.create_provider("echo", settings)
    assert refused.value.kind == "batch provider" and "echo" not in refused.value.choices
    assert {"openai", "gateway"} <= set(refused.value.choices)
    seed(seeded, 1)
    submitted = invoke("batch", "submit", "product-labeling", "--org", "acme", "--model", "echo:m", "--dry-run")
    assert submitted.exit_code == 2 and submitted.stderr.startswith("Error: unknown batch provider 'echo'")
    listed = json.loads(invoke("models", "--json").stdout)  # the table of batch limits leaves it out
    assert "echo" not in {p["name"] for p in listed["providers"]}


def submit_to_gateway(*extra: str) -> CliResult:
    """`batch submit` of acme's issues to the test plugin provider, without asking."""
    return invoke(
        "batch", "submit", "product-labeling", "--org", "acme", "--model", "gateway:gpt-4o-mini", "--yes", *extra
    )


@pytest.mark.usefixtures("gateway_plugin")
def test_group_of_a_plugin_provider_is_followed_through_that_provider(
    sandbox: Sandbox, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Submit, status, collect and retry go to the provider the group was submitted to (its own key)."""
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    monkeypatch.setenv("GATEWAY_BASE_URL", f"{sandbox.url}/v1")
    seed(seeded, 30)
    too_big = submit_to_gateway("--batch-size", "41")
    assert too_big.exit_code == 2
    assert too_big.stderr.strip() == "Error: --batch-size 41 is above gateway's maximum of 40 requests per batch"
    submitted = submit_to_gateway("--batch-size", "20", "--json")
    assert submitted.exit_code == 0, submitted.stderr
    group_id = json.loads(submitted.stdout)["group_id"]
    assert seeded.jobs.group(group_id).provider == "gateway"  # type: ignore[union-attr]
    sandbox.finish_all()
    status = invoke("batch", "status", group_id, "--json")
    assert status.exit_code == 0, status.stderr
    assert json.loads(status.stdout)["status"] == "completed"
    collected = invoke("batch", "group-collect", group_id, "--json")
    assert collected.exit_code == 0, collected.stderr
    assert len(invoke("results", "export").stdout.splitlines()) == 30


def test_unknown_provider_is_a_usage_error(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 1)
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--model", "nope:x")
    assert result.exit_code == 2
    assert "unknown provider 'nope'" in result.stderr and "openai" in result.stderr
    bad = invoke("batch", "submit", "product-labeling", "--org", "acme", "--model", "gpt-4o-mini")
    assert bad.exit_code == 2 and "PROVIDER:NAME" in bad.stderr


def test_batch_size_above_the_providers_maximum_is_refused(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    result = invoke("batch", "submit", "product-labeling", "--org", "acme", "--batch-size", "50001", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --batch-size 50001 is above openai's maximum of 50,000 requests per batch"
