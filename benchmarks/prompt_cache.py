"""The cache-friendly prompt (issue 21): 1,000 issues labelled with a 30-label taxonomy with descriptions and
2 people-labelled examples per label, sent as one batch to each provider's emulator through the real SDKs,
in the old layout (the issue's lines first, the label list and examples after them, no cache marks) and in
the new one (instructions, labels, examples first, marked for caching; the issue last). The cost per 1,000
issues splits into uncached input, cache writes, cache reads and output at each model's documented batch
prices; the usage is what the emulators reported.

    uv run python benchmarks/prompt_cache.py [--issues 1000] [--write]
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from github_issue_analysis_sandbox.anthropic_emulator import AnthropicEmulatorConfig, create_anthropic_app
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, create_openai_app
from github_issue_analysis_sandbox.server import BackgroundServer
from harness import Row, print_rows

from github_issue_analysis.ai.processors.examples import ExampleRef
from github_issue_analysis.ai.processors.product_labeling import (
    BODY_BUDGET,
    SYSTEM_PROMPT,
    LabelSet,
    answer_schema,
    model_request,
    shared_context,
    trim,
)
from github_issue_analysis.ai.providers import anthropic_provider, openai_provider
from github_issue_analysis.ai.providers.pricing import LIVE_PRICES, price_for
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.storage.issue_store import StoredComment, StoredIssue
from github_issue_analysis.storage.records import LabelRecord

KEY = "sk-bench"
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
GOAL = 0.40
AREAS = [
    "installer",
    "console",
    "registry",
    "license",
    "channel",
    "bundle",
    "preflight",
    "analyzer",
    "snapshot",
    "backup",
]
SECTION = "## Prompt caching: cost per 1,000 issues per catalog model"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def taxonomy() -> LabelSet:
    labels = []
    for index in range(30):
        area = AREAS[index % len(AREAS)]
        description = (
            f"Problems with the {area} of product line {index}: failures, errors and unexpected behaviour when "
            f"customers install, upgrade, configure or operate the {area} in air-gapped or online clusters"
        )
        labels.append(LabelRecord(name=f"product::{area}-{index}", description=description))
    return LabelSet(tuple(sorted(labels, key=lambda label: label.name)))


def issue(number: int, label: str) -> StoredIssue:
    area = label.split("::")[1].split("-")[0]
    body = (
        f"When we run the {area} on our cluster it fails with error code {number}. " * 4
        + f"Steps: install version 1.{number % 9}, open the {area}, wait. Expected success, got a stack trace."
    )
    comments = [StoredComment("dev", f"Reproduced with the {area} on version 1.{number % 9}; looking into it.")]
    return StoredIssue(
        number,
        "acme",
        "app",
        number,
        f"{area} fails after upgrade ({number})",
        body,
        "open",
        "reporter",
        [label],
        None,
        comments,
    )


def examples_text(labels: LabelSet) -> str:
    from github_issue_analysis.ai.processors.examples import render_examples

    shown = []
    for index, label in enumerate(labels.names):
        for copy in range(2):
            example = issue(10_000 + index * 2 + copy, label)
            ref = ExampleRef("acme", "app", example.number, (label,))
            shown.append((example.title, example.body, ref.labels))
    return render_examples(shown)


def old_layout(stored: StoredIssue, labels: LabelSet, model: str, examples: str) -> ModelRequest:
    """The layout before issue 21: the issue's own lines first, the label list (and examples) after them."""
    comments = "\n".join(f"[{c.author}] {c.body}" for c in stored.comments)
    label_lines = "\n".join(f"- {lb.name}: {lb.description}" for lb in labels.labels)
    prompt = "\n".join(
        [
            f"Repository: {stored.org}/{stored.repo}",
            f"Title: {stored.title}",
            "Current labels: none",
            "Available labels:",
            label_lines,
            examples,
            "Body:",
            trim(stored.body, BODY_BUDGET),
            "Comments:",
            comments,
        ]
    )
    return ModelRequest(model, SYSTEM_PROMPT, prompt, answer_schema(labels))


def requests(layout: str, model: str, count: int) -> list[ModelRequest]:
    labels = taxonomy()
    examples = examples_text(labels)
    issues = [issue(n, labels.names[n % len(labels.names)]) for n in range(1, count + 1)]
    if layout == "old":
        return [old_layout(i, labels, model, examples) for i in issues]
    built = [model_request(i, labels, model, hidden=labels.names, examples=examples) for i in issues]
    assert all(r.context == shared_context(labels, examples) for r in built)
    return built


def run_openai(built: list[ModelRequest]) -> tuple[TokenUsage, int]:
    from openai import OpenAI

    clock = Clock()
    app = create_openai_app(EmulatorConfig(api_key=KEY, clock=clock, processing_seconds=1))
    with BackgroundServer(app) as server, OpenAI(api_key=KEY, base_url=f"{server.url}/v1") as client:
        lines = b"".join(openai_provider.OpenAIProvider(KEY).request_line(f"issue-{i}", r) for i, r in enumerate(built))
        uploaded = client.files.create(file=("in.jsonl", lines), purpose="batch")
        batch = client.batches.create(
            input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        clock.now += 3600
        while (batch := client.batches.retrieve(batch.id)).status != "completed":
            clock.now += 60
        usage = TokenUsage()
        for line in client.files.content(batch.output_file_id or "").text.splitlines():
            body = json.loads(line)["response"]["body"]
            usage += openai_provider.answers.usage_of(body["usage"])
        return usage, 3  # upload, create, download (retrieves aside)


def run_anthropic(built: list[ModelRequest]) -> tuple[TokenUsage, int]:
    from anthropic import Anthropic

    clock = Clock()
    app = create_anthropic_app(AnthropicEmulatorConfig(api_key=KEY, clock=clock, processing_seconds=1))
    provider = anthropic_provider.AnthropicProvider(KEY)
    with BackgroundServer(app) as server, Anthropic(api_key=KEY, base_url=server.url) as client:
        items = [json.loads(provider.request_line(f"issue-{i}", r)) for i, r in enumerate(built)]
        batch = client.messages.batches.create(requests=items)
        clock.now += 3600
        usage = TokenUsage()
        for entry in client.messages.batches.results(batch.id):
            usage += anthropic_provider.usage_of(entry.to_dict()["result"]["message"]["usage"])
        return usage, 2  # create, results (retrieves aside)


RUNNERS = {"openai": run_openai, "anthropic": run_anthropic}


def per_thousand(usage: TokenUsage, count: int) -> TokenUsage:
    scale = 1000 / count
    return TokenUsage(*(round(value * scale) for value in usage.document().values()))


def _money(value: float) -> str:
    return f"${value:,.4f}"


def measure(count: int = 1000) -> tuple[list[Row], dict[str, dict[str, TokenUsage]]]:
    rows, profiles = [], {}
    for provider, model in MODELS.items():
        measured = {}
        for layout in ("old", "new"):
            usage, calls = RUNNERS[provider](requests(layout, model, count))
            measured[layout] = per_thousand(usage, count)
        profiles[provider] = measured
        price = price_for(model)
        assert price is not None
        before, after = price.cost_parts(measured["old"]), price.cost_parts(measured["new"])
        saved = 1 - after.total / before.total
        parts = (
            f"uncached {_money(after.uncached_input)}, cache writes {_money(after.cache_writes)}, "
            f"cache reads {_money(after.cache_reads)}, output {_money(after.output)}"
        )
        rows.append(
            Row(
                f"{provider}:{model}, 1,000 issues, 30 described labels + 60 examples: cost per 1,000 issues",
                f"{_money(after.total)} ({parts}); {measured['new'].cached_share:.0%} of input from cache; "
                f"{calls} API calls",
                f"{_money(before.total)} in the old layout ({measured['old'].cached_share:.0%} from cache); "
                f"API minimum {calls} calls",
                f"{saved:.0%} lower",
                f">= {GOAL:.0%} lower",
                saved >= GOAL,
            )
        )
    return rows, profiles


def catalog_markdown(profiles: dict[str, dict[str, TokenUsage]]) -> str:
    """Cost per 1,000 issues for every catalog model, from its provider's measured token profile."""
    lines = [
        SECTION,
        "",
        "Token profile per 1,000 issues as the emulators reported it (same run), priced at each model's batch "
        "prices: uncached input, cache writes (Anthropic 1-hour cache: 2x input), cache reads (Anthropic 0.1x; "
        "OpenAI the model's published cached price), output. Claude models' minimum cacheable length is at most "
        "4,096 tokens, below this prefix, so Haiku 4.5's profile stands for them all.",
        "",
        "| model | old layout | cache-friendly | lower by |",
        "| --- | --- | --- | --- |",
    ]
    for model in LIVE_PRICES:
        provider = "anthropic" if model.startswith("claude") else "openai" if model != "tfidf-logreg" else None
        price = price_for(model)
        if provider is None or price is None:
            continue
        before, after = price.cost_of(profiles[provider]["old"]), price.cost_of(profiles[provider]["new"])
        lines.append(f"| {provider}:{model} | {_money(before)} | {_money(after)} | {1 - after / before:.0%} |")
    lines.append("| local:tfidf-logreg | $0 | $0 | - |")
    return "\n".join(lines)


def write_section(text: str) -> None:
    results = Path(__file__).with_name("RESULTS.md")
    current = results.read_text() if results.exists() else "# Benchmark results\n"
    current = re.sub(rf"\n{re.escape(SECTION)}.*?(?=\n## |\Z)", "", current, flags=re.S).rstrip("\n")
    stamp = f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `uv run python benchmarks/prompt_cache.py --write`."
    results.write_text(f"{current}\n\n{text}\n\n{stamp}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="replace this section of benchmarks/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory():
        rows, profiles = measure(args.issues)
    print_rows("Prompt caching", rows)
    table = catalog_markdown(profiles)
    print(table)
    if args.write:
        from harness import markdown

        write_section(f"{table}\n\n{markdown(rows)}")


if __name__ == "__main__":
    main()
