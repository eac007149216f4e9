"""`results show`: the rebuilt prompt, the raw answer, labels with reasoning, tokens and cost; no secrets."""

from __future__ import annotations

import json

from github_issue_analysis.ai.providers.pricing import price_for
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import API_KEY, Sandbox, seed, submit


def test_show_rebuilds_the_prompt_that_was_sent(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 3)
    group = submit()["group_id"]
    sandbox.finish_all()
    assert invoke("batch", "group-collect", group).exit_code == 0
    result = invoke("results", "show", "acme/app#2", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["org"], document["repo"], document["number"], document["group_id"]) == ("acme", "app", 2, group)
    sent = [json.loads(line)["body"] for line in sandbox.sent_batches()[0].values()]
    body = next(b for b in sent if "(#2)" in b["messages"][1]["content"])
    prompt = document["prompt"]
    assert body["messages"][0]["content"] == prompt["system"]
    assert body["messages"][1]["content"] == f"{prompt['shared_context']}\n{prompt['issue']}"
    assert "rebuilt" in prompt["note"]
    assert json.loads(document["answer"]) == document["analysis"]
    assert document["labels"] and all(label["reasoning"] for label in document["labels"])
    usage = TokenUsage.from_document(document["usage"])
    assert usage.input_tokens > 0 and usage.output_tokens > 0
    price = price_for("gpt-4o-mini")
    assert price is not None and document["cost_usd"] == price.cost_of(usage)
    assert API_KEY not in result.stdout
    shown = invoke("results", "show", "acme/app#2", "--group", group)
    assert shown.exit_code == 0 and "rebuilt" in shown.stdout and "Raw answer" in shown.stdout


def test_show_refuses_what_is_not_there(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 1)
    for ref, says in [("acme/app#9", "not in the store"), ("acme/app#1", "has no result"), ("app#1", "org/repo#N")]:
        result = invoke("results", "show", ref)
        assert result.exit_code == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_show_a_live_result_with_its_usage_at_live_prices(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 2)
    processed = invoke("process", "product-labeling", "--org", "acme", "--issue-number", "1", "--json")
    assert processed.exit_code == 0, processed.stderr
    document = json.loads(invoke("results", "show", "acme/app#1", "--json").stdout)
    assert document["group_id"] is None and "live" in document["prompt"]["note"]
    usage = TokenUsage.from_document(document["usage"])
    live = price_for("gpt-4o-mini", live=True)
    assert live is not None and usage.input_tokens > 0
    assert document["cost_usd"] == live.cost_of(usage) == json.loads(processed.stdout)["cost_usd"]
    assert json.loads(document["answer"])["recommended_labels"] == document["analysis"]["recommended_labels"]
