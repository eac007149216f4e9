"""What a report shows, computed before any HTML is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class GroupLine:
    group_id: str
    model: str
    status: str
    batches: int
    failed_batches: int
    total_issues: int
    created_at: datetime


@dataclass(frozen=True)
class Failure:
    where: str  # "acme/app#12" or a job id
    reason: str


@dataclass
class ReportSummary:
    scope: str
    issues: int = 0
    selected: int = 0
    batches: int = 0
    failed_batches: int = 0
    estimated_cost: float | None = None
    actual_cost: float | None = None
    duration_seconds: float | None = None
    groups: list[GroupLine] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    height: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars: one per label."""

    bars: list[Bar]
    width: int
    height: int
    label_width: int


@dataclass(frozen=True)
class Histogram:
    columns: list[Column]
    width: int
    height: int
    column_width: float


@dataclass
class ReportData:
    title: str
    generated_at: datetime
    summary: ReportSummary
    label_chart: BarChart
    confidence_chart: Histogram
    table: dict[str, Any]  # compact rows, rendered by the page's script
    org: str | None = None
    evaluation: dict[str, Any] | None = None
    calibration_chart: Histogram | None = None
    doctor: dict[str, Any] | None = None  # `labels doctor` for the organization (labels/doctor.py)
    evaluation_hint: str = ""
    """What to run to see precision and recall here, when there is no evaluation yet."""
