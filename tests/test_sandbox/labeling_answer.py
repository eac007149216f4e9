"""The labelling answer both emulators must produce, as a strict model (unknown or mistyped fields fail)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Recommended(Strict):
    label: str
    confidence: float
    reasoning: str


class Assessed(Strict):
    label: str
    correct: bool
    reasoning: str


class Labeling(Strict):
    recommended_labels: list[Recommended]
    current_labels_assessment: list[Assessed]
    summary: str
    reasoning: str
    confidence: float
