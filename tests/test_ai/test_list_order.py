"""Group status from list pages whatever order the provider gives batches created in the same second (newest
first, oldest first, shuffled) and whatever other batches of the account sit between ours: the pages go on
from where they ended instead of retrieving, and their count stays near the minimum."""

from __future__ import annotations

import json
import threading
from math import ceil
from typing import Any

import pytest
from anthropic import Anthropic
from openai import OpenAI

from github_issue_analysis.storage.store import Store
from tests.test_ai.conftest import API_KEY, Sandbox, seed, status_of, submit
from tests.test_ai.test_list_refresh import requests_during

ORDERS = ["newest", "oldest", "random"]
LIST = {"openai": "GET /v1/batches", "anthropic": "GET /v1/messages/batches"}
RETRIEVE = {"openai": "GET /v1/batches/{batch_id}", "anthropic": "GET /v1/messages/batches/{batch_id}"}
PAGE = {"openai": 100, "anthropic": 1000}


def create_others(sandbox: Sandbox, count: int) -> None:
    """Batches someone else creates in the same account, through the official SDK."""
    if sandbox.provider == "anthropic":
        anthropic = Anthropic(api_key=API_KEY, base_url=sandbox.url, max_retries=0)
        request = {"model": "claude-haiku-4-5", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}]}
        for n in range(count):
            anthropic.messages.batches.create(requests=[{"custom_id": f"x{n}", "params": request}])  # type: ignore[typeddict-item]
        anthropic.close()
        return
    client = OpenAI(api_key=API_KEY, base_url=f"{sandbox.url}/v1", max_retries=0)
    line = {"custom_id": "x", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini"}}
    uploaded = client.files.create(file=("other.jsonl", json.dumps(line).encode() + b"\n"), purpose="batch")
    for _ in range(count):
        client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h")
    client.close()


def submit_among_others(sandbox: Sandbox, batches: int, others: int) -> dict[str, Any]:
    """Submit a group of `batches` while someone else creates `others` batches at the same time (the fake clock
    keeps every one in the same second, so the setting decides the whole list's order)."""
    other = threading.Thread(target=create_others, args=(sandbox, others))
    other.start()
    group = submit("--batch-size", "1", "--concurrency", "4")
    other.join()
    assert group["total_batches"] == batches
    return group


@pytest.mark.slow
@pytest.mark.parametrize("order", ORDERS)
def test_a_group_interleaved_with_other_batches_is_read_from_pages_in_any_order(
    sandbox: Sandbox, seeded: Store, order: str
) -> None:
    sandbox.config.list_order_within_second = order
    seed(seeded, 250)
    create_others(sandbox, 30)  # listed below the group
    group = submit_among_others(sandbox, 250, 60)
    create_others(sandbox, 40)  # listed above it
    listed = 250 + 30 + 60 + 40
    counts = requests_during(sandbox, lambda: status_of(group["group_id"]))
    assert RETRIEVE["openai"] not in counts  # a page that missed some went on instead
    assert counts[LIST["openai"]] <= ceil(listed / 100) + 1  # the minimum: 4 (3 from the group's top)

    sandbox.finish_all()
    final = status_of(group["group_id"])
    assert (final["status"], final["completed_batches"]) == ("completed", 250)


@pytest.mark.slow
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("provider_sandbox", ["anthropic"], indirect=True)
def test_anthropic_group_among_other_batches_in_one_page(provider_sandbox: Sandbox, seeded: Store, order: str) -> None:
    provider_sandbox.config.list_order_within_second = order
    seed(seeded, 30)
    create_others(provider_sandbox, 10)
    group = submit_among_others(provider_sandbox, 30, 20)
    create_others(provider_sandbox, 10)
    counts = requests_during(provider_sandbox, lambda: status_of(group["group_id"]))
    assert counts == {LIST["anthropic"]: 1}  # 70 batches, up to 1,000 a page
