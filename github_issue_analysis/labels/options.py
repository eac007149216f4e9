"""The one selection object every labels command builds (plan, apply, accept, the web page, `label`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class LabelSelection:
    """Which results turn into label changes. `label_thresholds` (label -> minimum confidence) overrides
    `min_confidence` per label, so a threshold source (e.g. an evaluation) plugs in here."""

    org: str
    repo: str | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    label_thresholds: dict[str, float] = field(default_factory=dict)
    accepted_only: bool = False
    remove_wrong: bool = False
    include_closed: bool = False
    include_locked: bool = False
    labels: tuple[str, ...] = ()
    """Only these recommended labels (empty: all of the taxonomy)."""

    def threshold(self, label: str) -> float:
        return self.label_thresholds.get(label, self.min_confidence)

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["labels"] = list(self.labels)
        return values
