"""The organization's own examples in the prompt (`--examples K`): which people-labelled issues, and how
they read.

The rule, written down so a group's examples can be explained and chosen again:
1. The pool is the organization's issues that people gave at least one taxonomy label, minus every issue
   the group itself sends (so an example is never in the group's blind sample, nor its own answer).
2. Each issue's text is its title and the start of its body; TF-IDF vectors (scikit-learn, English stop
   words, unigrams and bigrams, sublinear term frequency) are fitted on the whole pool.
3. For each taxonomy label, in name order, its issues are ranked by cosine similarity to the label's
   centroid (the mean of their vectors): the most typical first; ties (to 1e-9) by a hash of the seed and
   org/repo#number, so the same seed over the same pool always picks the same issues.
4. Up to K per label are taken, round by round (every label's first example, then every label's second, ...),
   an issue already taken counting for each label it carries, until the examples' text reaches the token
   budget (estimated at 4 characters a token).
The chosen issues are recorded with the group (org, repo, number and the labels shown) and the prompt is
rebuilt from them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

EXAMPLE_BODY_CHARS = 600
DEFAULT_TOKEN_BUDGET = 12_000
CHARS_PER_TOKEN = 4
_TIE = 1e-9


@dataclass(frozen=True)
class ExampleRef:
    """An example as a group records it: which issue, and the labels people gave it (shown in the prompt)."""

    org: str
    repo: str
    number: int
    labels: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.org}/{self.repo}#{self.number}"

    def document(self) -> dict[str, Any]:
        return {"org": self.org, "repo": self.repo, "number": self.number, "labels": list(self.labels)}

    @classmethod
    def from_document(cls, stored: dict[str, Any]) -> ExampleRef:
        return cls(str(stored["org"]), str(stored["repo"]), int(stored["number"]), tuple(stored.get("labels") or ()))


@dataclass(frozen=True)
class ExampleCandidate:
    ref: ExampleRef  # labels: the taxonomy labels, given by people
    title: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body[: EXAMPLE_BODY_CHARS * 3]}"


def render_example(title: str, body: str, labels: Sequence[str]) -> str:
    """One example on three lines (the issue's own line breaks folded, so it never reads as a prompt section)."""
    text = " ".join(body.split())
    text = text if len(text) <= EXAMPLE_BODY_CHARS else text[:EXAMPLE_BODY_CHARS] + " [...]"
    return f"Example issue: {' '.join(title.split())}\nExample text: {text or '(empty)'}\nLabelled: {', '.join(labels)}"


def render_examples(examples: Sequence[tuple[str, str, Sequence[str]]]) -> str:
    """The examples block of the shared context: (title, body, labels) per example."""
    if not examples:
        return ""
    header = "Examples people labelled in this organization (an issue, then the labels they gave it):"
    return "\n\n".join([header, *(render_example(*example) for example in examples)])


def choose_examples(
    candidates: Sequence[ExampleCandidate], per_label: int, seed: int = 0, token_budget: int = DEFAULT_TOKEN_BUDGET
) -> list[ExampleRef]:
    """Up to `per_label` examples per label by the rule above, in the order they are shown."""
    if per_label < 1 or not candidates:
        return []
    ranked = _ranked_by_label(candidates, seed)
    chosen: dict[str, ExampleCandidate] = {}
    used = 0
    for round_index in range(per_label):
        for members in ranked.values():
            if sum(c.ref.key in chosen for c in members) > round_index:
                continue
            candidate = next((c for c in members if c.ref.key not in chosen), None)
            if candidate is None:
                continue
            cost = len(render_example(candidate.title, candidate.body, candidate.ref.labels)) // CHARS_PER_TOKEN
            if used + cost > token_budget:
                return [c.ref for c in chosen.values()]
            chosen[candidate.ref.key] = candidate
            used += cost
    return [c.ref for c in chosen.values()]


def _ranked_by_label(candidates: Sequence[ExampleCandidate], seed: int) -> dict[str, list[ExampleCandidate]]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    vectors = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True, min_df=1).fit_transform(
        [c.text for c in candidates]
    )
    ranked: dict[str, list[ExampleCandidate]] = {}
    for label in sorted({label for c in candidates for label in c.ref.labels}):
        rows = [i for i, c in enumerate(candidates) if label in c.ref.labels]
        similarity = _centroid_similarity(vectors[rows])
        order = sorted(
            range(len(rows)),
            key=lambda i: (-round(similarity[i] / _TIE), _tie_break(seed, candidates[rows[i]].ref.key)),
        )
        ranked[label] = [candidates[rows[i]] for i in order]
    return ranked


def _centroid_similarity(vectors: Any) -> list[float]:
    import numpy as np

    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return [0.0] * vectors.shape[0]
    scores = vectors @ (centroid / norm)  # rows are L2-normalised by TF-IDF: the dot product is the cosine
    return [float(score) for score in np.asarray(scores).ravel()]


def _tie_break(seed: int, key: str) -> bytes:
    return hashlib.sha256(f"examples:{seed}:{key}".encode()).digest()
