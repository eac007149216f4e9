"""Token and cost estimates against the usage the emulator reports."""

from __future__ import annotations

import json

from github_issue_analysis.storage.store import Store
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed


def test_dry_run_estimate_matches_reported_usage(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 10, repo="first")  # an earlier, collected run teaches the output size of answers
    first = json.loads(invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes", "--json").stdout)
    sandbox.finish_all()
    invoke("batch", "collect", first["group_id"])
    seed(seeded, 90)
    estimate = json.loads(invoke("batch", "submit", "product-labeling", "--org", "acme", "--dry-run", "--json").stdout)
    group = json.loads(invoke("batch", "submit", "product-labeling", "--org", "acme", "--yes", "--json").stdout)
    assert group["total_issues"] == 90
    sandbox.finish_all()
    invoke("batch", "group-collect", group["group_id"])
    usage = json.loads(invoke("batch", "status", group["group_id"], "--json").stdout)["usage"]
    ratio = estimate["estimated_prompt_tokens"] / usage["input_tokens"]
    print(f"estimated {estimate['estimated_prompt_tokens']} vs reported {usage['input_tokens']}: {ratio:.3f}")
    assert 0.98 <= ratio <= 1.02  # the same encoding on both sides (o200k_base for gpt-4o-mini)
    cost_ratio = estimate["estimated_cost_usd"] / usage["cost_usd"]
    print(f"estimated cost {estimate['estimated_cost_usd']:.5f} vs {usage['cost_usd']:.5f}: {cost_ratio:.3f}")
    assert 0.75 <= cost_ratio <= 1.25
