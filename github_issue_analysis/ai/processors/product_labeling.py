"""Product labeling: the prompt, the response model (single source of the JSON schema) and the label set."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from github_issue_analysis.domain.model_request import AnswerSchema, ModelRequest, RequestOptions
from github_issue_analysis.errors import NoLabelSet
from github_issue_analysis.storage.issue_store import IssueSelection, IssueStore, StoredIssue
from github_issue_analysis.storage.records import LabelRecord

from .base import ProcessorInputError, ProcessorOptions, ValidAnswer
from .examples import render_examples
from .taxonomy import Taxonomy

NAME = "product-labeling"
SCHEMA_NAME = "product_labeling"

# Trimming budget (characters): long texts keep their start and their end, marked in between.
BODY_BUDGET = 6_000
COMMENT_BUDGET = 1_500
THREAD_BUDGET = 8_000

SYSTEM_PROMPT = (
    "You are a triage assistant for a software company's GitHub issues. Recommend the product labels that "
    "fit the issue, choosing only from the available labels, and assess whether the issue's current product "
    "labels are correct. Base every judgement on the issue text and comments; give a confidence between 0 "
    "and 1 and a short reasoning for each recommendation. Answer with JSON that follows the given schema."
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecommendedLabel(_Strict):
    label: str = Field(description="A label from the available labels.")
    confidence: float = Field(ge=0, le=1)
    reasoning: str


class LabelAssessment(_Strict):
    label: str
    correct: bool
    reasoning: str


class ProductLabelingResponse(_Strict):
    recommended_labels: list[RecommendedLabel]
    current_labels_assessment: list[LabelAssessment]
    confidence: float = Field(ge=0, le=1, description="Overall confidence in the recommendation.")
    summary: str = Field(description="One or two sentences on what the issue is about.")
    reasoning: str


@dataclass(frozen=True)
class LabelSet:
    labels: tuple[LabelRecord, ...]

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]


class LabelSetError(ProcessorInputError):
    pass


def label_set_from_repo(labels: list[LabelRecord], prefix: str) -> LabelSet:
    return LabelSet(tuple(sorted((lb for lb in labels if lb.name.startswith(prefix)), key=lambda lb: lb.name)))


def load_labels_file(path: Path) -> LabelSet:
    """A taxonomy file: JSON list of {name, description} (or {"labels": [...]})."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise LabelSetError(f"cannot read labels file {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise LabelSetError(f"labels file {path} is not valid JSON ({error.msg} at line {error.lineno})") from None
    items = raw.get("labels") if isinstance(raw, dict) else raw
    shape = f'labels file {path} must be a non-empty JSON list of {{"name": ..., "description": ...}} objects'
    if not isinstance(items, list) or not items:
        raise LabelSetError(shape + (" (it holds none)" if items == [] else ""))
    try:
        labels = [LabelRecord.model_validate(item) for item in items]
    except (ValidationError, TypeError):
        raise LabelSetError(shape) from None
    if unnamed := sum(not label.name.strip() for label in labels):
        raise LabelSetError(f"{shape} ({unnamed} label(s) have an empty name)")
    return LabelSet(tuple(sorted({lb.name: lb for lb in labels}.values(), key=lambda lb: lb.name)))


@lru_cache(maxsize=256)
def _answer_schema(names: tuple[str, ...]) -> AnswerSchema:
    schema = _strict_schema(ProductLabelingResponse.model_json_schema())
    schema["$defs"]["RecommendedLabel"]["properties"]["label"]["enum"] = list(names)
    return AnswerSchema(SCHEMA_NAME, schema)


def answer_schema(label_set: LabelSet) -> AnswerSchema:
    """The answer schema sent with each request: the strict JSON schema of the response model with
    recommended labels restricted to the label set. One instance per label set: treat it as read-only."""
    return _answer_schema(tuple(label_set.names))


def _strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAI structured outputs: every property required, no additional properties, no numeric bounds."""
    schema = copy.deepcopy(schema)
    for node in [schema, *schema.get("$defs", {}).values()]:
        if node.get("type") == "object":
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
            for prop in node["properties"].values():
                prop.pop("title", None)
                prop.pop("minimum", None)
                prop.pop("maximum", None)
        node.pop("title", None)
    return schema


def trim(text: str, budget: int) -> str:
    """Keep the start and the end of a long text within `budget` characters."""
    if len(text) <= budget:
        return text
    marker = f"\n[... {len(text) - budget} characters trimmed ...]\n"
    head = (budget * 2) // 3
    return text[:head] + marker + text[len(text) - (budget - head) :]


def shared_context(label_set: LabelSet, examples: str = "") -> str:
    """What every request of a label set shares, sent before the issue so providers can cache it: the
    available labels with their descriptions, then the people-labelled examples (if any)."""
    label_lines = "\n".join(f"- {lb.name}: {lb.description or 'no description'}" for lb in label_set.labels)
    parts = ["Available labels:", label_lines]
    if examples:
        parts += ["", examples]
    return "\n".join(parts)


def user_prompt(issue: StoredIssue, hidden: Container[str] = ()) -> str:
    """The issue's own part of the prompt; current labels in `hidden` (a blind run's taxonomy) are left out."""
    shown = [label for label in issue.labels if label not in hidden]
    return "\n".join(
        [
            "Issue to label:",
            f"Repository: {issue.org}/{issue.repo}",
            f"Title: {issue.title}",
            f"Current labels: {', '.join(shown) if shown else 'none'}",
            "Body:",
            trim(issue.body or "(empty)", BODY_BUDGET),
            "Comments:",
            _comment_thread(issue),
        ]
    )


def _comment_thread(issue: StoredIssue) -> str:
    if not issue.comments:
        return "(none)"
    entries = [f"[{c.author or 'unknown'}] {trim(c.body, COMMENT_BUDGET)}" for c in issue.comments]
    return trim("\n".join(entries), THREAD_BUDGET)


@dataclass(frozen=True)
class SharedPart:
    """What every request of a label set shares (with the same model and examples): built once per label set."""

    context: str
    answer: AnswerSchema
    cache_key: str


def shared_part(label_set: LabelSet, model: str, examples: str = "") -> SharedPart:
    context = shared_context(label_set, examples)
    answer = answer_schema(label_set)
    return SharedPart(context, answer, cache_key(model, SYSTEM_PROMPT, context, answer.name))


def model_request(
    issue: StoredIssue,
    label_set: LabelSet,
    model: str,
    options: RequestOptions = RequestOptions(),
    hidden: Container[str] = (),
    examples: str = "",
    shared: SharedPart | None = None,
) -> ModelRequest:
    """The request for one issue; depends only on the issue, its label set, the examples and the options.
    The shared part (instructions, labels, examples) comes first and the issue last, so the prefix caches.
    `shared` is the label set's `shared_part` when the caller keeps it."""
    shared = shared or shared_part(label_set, model, examples)
    return ModelRequest(
        model,
        SYSTEM_PROMPT,
        user_prompt(issue, hidden),
        shared.answer,
        context=shared.context,
        options=options,
        cache_key=shared.cache_key,
    )


def cache_key(*shared: str) -> str:
    """A short stable name of a shared prefix: requests with the same prefix share it (and its cache)."""
    return "gh-analysis-" + hashlib.sha256("\x1f".join(shared).encode()).hexdigest()[:16]


def validate_answer(content: str, label_set_names: set[str] | None) -> ProductLabelingResponse:
    """Parse and validate an answer; raises ValueError naming what was wrong."""
    try:
        answer = ProductLabelingResponse.model_validate_json(content)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            raise ValueError("answer is not JSON") from None
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"answer breaks the schema at {where}: {first['msg']}") from None
    if label_set_names is not None:
        unknown = [r.label for r in answer.recommended_labels if r.label not in label_set_names]
        if unknown:
            raise ValueError(f"answer recommends a label outside the label set: {unknown[0]}")
    return answer


class ProductLabelingProcessor:
    name = NAME
    prompt_version = hashlib.sha256(SYSTEM_PROMPT.encode()).hexdigest()[:12]  # part of a run's setup fingerprint

    def prepare(self, issues: IssueStore, options: ProcessorOptions) -> PreparedProductLabeling:
        fixed = LabelSet(tuple(options.fixed_labels)) if options.fixed_labels is not None else None
        if fixed is not None and not fixed.labels:
            raise ProcessorInputError("the labels file defines no labels")
        return PreparedProductLabeling(issues, options, fixed)


class PreparedProductLabeling:
    name = NAME

    def __init__(self, issues: IssueStore, options: ProcessorOptions, fixed: LabelSet | None) -> None:
        self._issues = issues
        self._options = options
        self._fixed = fixed
        self._by_repo: dict[tuple[str, str], LabelSet] = {}
        names = frozenset(name.lower() for name in fixed.names) if fixed is not None else None
        self._taxonomy = Taxonomy(options.label_prefix, names)
        self._request_options = RequestOptions.from_stored(options.request_options)
        self._examples_text: str | None = None
        self._parts: dict[tuple[str, str], tuple[SharedPart, Container[str]]] = {}

    def examples_text(self) -> str:
        """The recorded examples as the prompt shows them, read once from the store (an example no longer
        in the store is left out)."""
        if self._examples_text is None:
            shown = []
            for ref in self._options.examples:
                found = self._issues.select_issues(IssueSelection(ref.org, ref.repo, ref.number))
                if found:
                    shown.append((found[0].title, found[0].body, ref.labels))
            self._examples_text = render_examples(shown)
        return self._examples_text

    def label_set(self, org: str, repo: str) -> LabelSet:
        if self._fixed is not None:
            return self._fixed
        key = (org, repo)
        if key not in self._by_repo:
            found = label_set_from_repo(self._issues.repo_labels(org, repo), self._options.label_prefix)
            if not found.labels:
                raise NoLabelSet(org, repo, self._options.label_prefix)
            self._by_repo[key] = found
        return self._by_repo[key]

    def request(self, issue: StoredIssue) -> ModelRequest:
        label_set = self.label_set(issue.org, issue.repo)
        shared, hidden = self._repo_part(issue.org, issue.repo, label_set)
        return model_request(issue, label_set, self._options.model, self._request_options, hidden, shared=shared)

    def _repo_part(self, org: str, repo: str, label_set: LabelSet) -> tuple[SharedPart, Container[str]]:
        """The shared part of a repository's requests and the labels a blind prompt hides, built once per
        repository."""
        part = self._parts.get((org, repo))
        if part is None:
            hidden = _Hidden(self._taxonomy, frozenset(label_set.names)) if self._options.blind else ()
            part = (shared_part(label_set, self._options.model, self.examples_text()), hidden)
            self._parts[(org, repo)] = part
        return part

    def validate(self, org: str, repo: str, content: str) -> ValidAnswer:
        answer = validate_answer(content, set(self.label_set(org, repo).names))
        return ValidAnswer(answer.model_dump(), answer.confidence)


@dataclass(frozen=True)
class _Hidden:
    """What a blind prompt leaves out: every taxonomy label, and every label of the repository's label set."""

    taxonomy: Taxonomy
    label_set: frozenset[str]

    def __contains__(self, label: object) -> bool:
        return label in self.label_set or label in self.taxonomy
