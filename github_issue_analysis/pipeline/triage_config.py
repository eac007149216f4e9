"""The triage configuration file (TOML, `triage --config`): read with tomllib into one pydantic model whose
keys are those DESIGN.md lists. A bad file is one line naming the key, exit code 2."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from github_issue_analysis import defaults
from github_issue_analysis.errors import UsageError
from github_issue_analysis.evaluation.gate import GatePolicy


class TriageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    target_precision: float = Field(0.9, gt=0, le=1)
    min_support: int = Field(10, ge=1)
    calibration_sample: int = Field(100, ge=1)
    states: tuple[Literal["open", "closed"], ...] = ("open",)
    apply: Literal["auto", "suggest", "off"] = "auto"
    comment: bool = False
    include_labels: tuple[str, ...] = ()
    exclude_labels: tuple[str, ...] = ()
    max_usd_per_step: float | None = Field(None, ge=0)
    max_usd_per_day: float | None = Field(None, ge=0)
    max_label_writes_per_step: int | None = Field(None, ge=0)
    kept_after_days: float = Field(7, gt=0)
    recalibrate_days: float = Field(30, gt=0)
    processor: str = "product-labeling"
    label_prefix: str = defaults.LABEL_PREFIX
    model: str | None = None  # PROVIDER:NAME; `--model` wins, then this, then GH_ANALYSIS_MODEL

    def policy(self) -> GatePolicy:
        return GatePolicy(
            target_precision=self.target_precision,
            min_support=self.min_support,
            apply=self.apply,
            include_labels=self.include_labels,
            exclude_labels=self.exclude_labels,
        )


def load_config(path: Path | None) -> TriageConfig:
    """The file's settings over the defaults (no file: the defaults)."""
    if path is None:
        return TriageConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"cannot read the triage config {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"the triage config {path} is not valid TOML: {error}") from None
    try:
        return TriageConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise UsageError(f"the triage config {path}: {key}: {first['msg']}") from None
