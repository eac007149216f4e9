"""A stratified, seeded sample of labelled issues, so a model can be measured for cents before a full run.

Pure: candidates (each with the taxonomy labels people gave it) + n + seed -> the chosen issue ids.
- Each issue falls in the stratum of its rarest label (ties by name), so rare labels are not left out.
- The n places are shared among strata in proportion to their sizes (largest remainder); when n is at
  least the number of strata, every stratum gets one first.
- Within a stratum, issues are taken in the order of a hash of (seed, org/repo#number): the same seed over
  the same candidates always picks the same issues (another model's run measures the same sample), and an
  issue collected later does not reshuffle the others.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_SEED = 0


@dataclass(frozen=True)
class Candidate:
    issue_id: int
    key: str  # org/repo#number: stable across stores, unlike the id
    labels: frozenset[str]  # the issue's taxonomy labels


def stratified_sample(candidates: Sequence[Candidate], n: int, seed: int = DEFAULT_SEED) -> list[int]:
    """Ids of the chosen issues, in the candidates' order; issues without a taxonomy label are never chosen."""
    labelled = [c for c in candidates if c.labels]
    if n >= len(labelled):
        return [c.issue_id for c in labelled]
    strata = _strata(labelled)
    quotas = _quotas({name: len(members) for name, members in strata.items()}, n)
    chosen: set[int] = set()
    for name, members in strata.items():
        ranked = sorted(members, key=lambda c: _rank(seed, c.key))
        chosen.update(c.issue_id for c in ranked[: quotas[name]])
    return [c.issue_id for c in labelled if c.issue_id in chosen]


def _strata(labelled: Sequence[Candidate]) -> dict[str, list[Candidate]]:
    frequency = Counter(label for c in labelled for label in c.labels)
    strata: dict[str, list[Candidate]] = {}
    for c in labelled:
        rarest = min(c.labels, key=lambda label: (frequency[label], label))
        strata.setdefault(rarest, []).append(c)
    return dict(sorted(strata.items()))


def _quotas(sizes: dict[str, int], n: int) -> dict[str, int]:
    base = dict.fromkeys(sizes, 1 if n >= len(sizes) else 0)
    room = {name: size - base[name] for name, size in sizes.items()}
    rest, total_room = n - sum(base.values()), sum(room.values())
    ideal = {name: rest * r / total_room if total_room else 0.0 for name, r in room.items()}
    quotas = {name: base[name] + int(ideal[name]) for name in sizes}
    left = n - sum(quotas.values())
    by_remainder = sorted(sizes, key=lambda name: (-(ideal[name] - int(ideal[name])), -sizes[name], name))
    for name in by_remainder[:left]:
        quotas[name] += 1
    return quotas


def _rank(seed: int, key: str) -> bytes:
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()
