"""A deterministic offline labeller: it matches issue text against label names and descriptions.

It is honest about what it is: every answer says it comes from the offline sandbox labeller. It reads the
plain-text prompt of our processor (sections `Repository:`, `Title:`, `Current labels:`, `Available
labels:`, `Body:`, `Comments:`) and answers `product_labeling` structured outputs; for any other JSON schema
it returns the smallest answer that satisfies the schema.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

PRODUCT_SCHEMA_NAME = "product_labeling"
SOURCE = "Offline sandbox labeller"

_SECTION = re.compile(r"^(Repository|Title|Current labels|Available labels|Body|Comments):[ \t]*(.*)$")
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORD_TEXT = (
    "a an and are as at be by for from has have in is it its of on or that the this to was were with"
    " not no but if into about issue issues when can all any our your you we they"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
NAME_WEIGHT = 3
TITLE_WEIGHT = 2
MAX_RECOMMENDED = 2
SECOND_LABEL_RATIO = 0.6


@dataclass
class IssuePrompt:
    repository: str = ""
    title: str = ""
    current_labels: list[str] = field(default_factory=list)
    available: dict[str, str] = field(default_factory=dict)
    body: str = ""
    comments: str = ""


def _words(text: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def parse_prompt(text: str) -> IssuePrompt:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = _SECTION.match(line)
        if match and match.group(1) not in sections:
            current = sections.setdefault(match.group(1), [])
            if match.group(2):
                current.append(match.group(2))
        elif current is not None:
            current.append(line)
    joined = {name: "\n".join(lines).strip() for name, lines in sections.items()}
    current_labels = joined.get("Current labels", "")
    available: dict[str, str] = {}
    for line in sections.get("Available labels", []):
        entry = _label_entry(line)
        if entry:
            available[entry[0]] = entry[1]
    return IssuePrompt(
        repository=joined.get("Repository", ""),
        title=joined.get("Title", ""),
        current_labels=[]
        if current_labels.lower() in ("", "none")
        else [name.strip() for name in current_labels.split(",") if name.strip()],
        available=available,
        body=joined.get("Body", ""),
        comments=joined.get("Comments", ""),
    )


def _label_entry(line: str) -> tuple[str, str] | None:
    """`- product::kots: Admin console` -> ("product::kots", "Admin console")."""
    stripped = line.strip()
    if not stripped.startswith(("-", "*")):
        return None
    name, _, description = stripped[1:].strip().partition(": ")
    name = name.strip().removesuffix(":")
    return (name, description.strip()) if name else None


def _name_words(label: str) -> list[str]:
    return _words(label.rsplit("::", 1)[-1])


def score_label(label: str, description: str, counts: Counter[str]) -> tuple[int, list[str]]:
    """Score = 3 x (capped) hits of the label's name words + hits of its distinct description words."""
    matched: list[str] = []
    score = 0
    for word in dict.fromkeys(_name_words(label)):
        if counts[word]:
            score += NAME_WEIGHT * min(counts[word], 3)
            matched.append(word)
    for word in dict.fromkeys(_words(description)):
        if counts[word] and word not in matched:
            score += min(counts[word], 2)
            matched.append(word)
    return score, matched


def _confidence(score: int) -> float:
    return round(min(0.95, max(0.05, score / (score + 4))), 2)


def _issue_counts(issue: IssuePrompt) -> Counter[str]:
    counts = Counter(_words(issue.body) + _words(issue.comments))
    for word in _words(issue.title):
        counts[word] += TITLE_WEIGHT
    return counts


def _label_set(issue: IssuePrompt, schema: dict[str, Any]) -> dict[str, str]:
    enum = _find_label_enum(schema)
    if not enum:
        return issue.available
    return {label: issue.available.get(label, "") for label in enum}


def _find_label_enum(schema: dict[str, Any]) -> list[str]:
    try:
        items = schema["properties"]["recommended_labels"]["items"]
        items = _resolve(items, schema)
        return [str(value) for value in items["properties"]["label"]["enum"]]
    except (KeyError, TypeError):
        return []


def label_issue(issue: IssuePrompt, schema: dict[str, Any]) -> dict[str, Any]:
    """The `product_labeling` answer: best 1-2 labels by score, and an assessment of current labels."""
    labels = _label_set(issue, schema)
    counts = _issue_counts(issue)
    scored = sorted(
        ((*score_label(label, description, counts), label) for label, description in labels.items()),
        key=lambda item: -item[0],
    )
    recommended: list[dict[str, Any]] = []
    if scored and scored[0][0] > 0:
        best = scored[0][0]
        for score, matched, label in scored[:MAX_RECOMMENDED]:
            if score > 0 and score >= SECOND_LABEL_RATIO * best:
                recommended.append(
                    {
                        "label": label,
                        "confidence": _confidence(score),
                        "reasoning": f"{SOURCE}: matched {', '.join(matched)} (score {score}).",
                    }
                )
    elif scored:
        label = scored[0][2]
        recommended.append(
            {
                "label": label,
                "confidence": 0.05,
                "reasoning": f"{SOURCE}: no label words matched; defaulted to the first label.",
            }
        )
    chosen = {item["label"] for item in recommended}
    assessment = [
        {
            "label": label,
            "correct": label in chosen,
            "reasoning": f"{SOURCE}: " + ("also recommended." if label in chosen else "not among the best matches."),
        }
        for label in issue.current_labels
        if label in labels
    ]
    top = recommended[0] if recommended else None
    summary = (
        f"{SOURCE}: matched {top['label']} by keywords in the issue text."
        if top and top["confidence"] > 0.05
        else f"{SOURCE}: matched no label keywords."
    )
    return {
        "recommended_labels": recommended,
        "current_labels_assessment": assessment,
        "summary": summary,
        "reasoning": f"{SOURCE}: keyword overlap between the issue and each label's name and description; "
        "this is not a language model.",
        "confidence": top["confidence"] if top else 0.05,
    }


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = root
        for key in node["$ref"][2:].split("/"):
            target = target[key]
        node = target
    return node


def minimal_instance(node: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """The smallest value that satisfies a (strict-mode) JSON schema: required props, first enum, 0.5, ..."""
    node = _resolve(node, root)
    if not isinstance(node, dict) or depth > 20:
        return None
    if "const" in node:
        return node["const"]
    if node.get("enum"):
        return node["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if node.get(key):
            return minimal_instance(node[key][0], root, depth + 1)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in node:
        properties = node.get("properties", {})
        required = node.get("required", list(properties))
        return {name: minimal_instance(properties.get(name, {}), root, depth + 1) for name in required}
    if kind == "array":
        count = int(node.get("minItems", 0))
        return [minimal_instance(node.get("items", {}), root, depth + 1) for _ in range(count)]
    return _scalar(kind, node)


def _scalar(kind: Any, node: dict[str, Any]) -> Any:
    if kind == "string":
        return f"{SOURCE}: placeholder"
    if kind == "number":
        return max(float(node.get("minimum", 0.5)), min(0.5, float(node.get("maximum", 0.5))))
    if kind == "integer":
        return int(node.get("minimum", 0))
    if kind == "boolean":
        return False
    return None


def answer(user_text: str, schema_name: str | None, schema: dict[str, Any] | None) -> str:
    """The assistant message content for a request: JSON when a json_schema is asked for, else text."""
    if schema is not None and schema_name == PRODUCT_SCHEMA_NAME:
        return json.dumps(label_issue(parse_prompt(user_text), schema))
    if schema is not None:
        return json.dumps(minimal_instance(schema, schema))
    words = len(user_text.split())
    return f"{SOURCE}: received {words} words; ask for a json_schema response_format to get a labelling answer."
