"""The triage configuration file (TOML, `triage --config`): read with tomllib into one pydantic model whose
keys are those DESIGN.md lists. Types are strict (no `true` for a number, no `"yes"` for a boolean, no `"1"` for
an amount): only what TOML itself gives widens, an integer where a number is expected and an array for a list.
Numbers are finite and day counts bounded. A bad file is one line naming the key, exit code 2."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from github_issue_analysis import defaults
from github_issue_analysis.errors import UsageError
from github_issue_analysis.evaluation.gate import GatePolicy

MAX_DAYS = 3650  # ten years: a longer wait is a typo, and `timedelta` overflows long before `inf`

T = TypeVar("T")


def _array(value: Any) -> Any:
    """A TOML array arrives as a list; strict mode takes only a tuple for a tuple field."""
    return tuple(value) if isinstance(value, list) else value


Array = Annotated[tuple[T, ...], BeforeValidator(_array)]


class TriageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    target_precision: float = Field(0.9, gt=0, le=1)
    min_support: int = Field(10, ge=1)
    calibration_sample: int = Field(100, ge=1)
    states: Array[Literal["open", "closed"]] = ("open",)
    apply: Literal["auto", "suggest", "off"] = "auto"
    comment: bool = False
    include_labels: Array[str] = ()
    exclude_labels: Array[str] = ()
    max_usd_per_step: float | None = Field(None, ge=0)
    max_usd_per_day: float | None = Field(None, ge=0)
    max_label_writes_per_step: int | None = Field(None, ge=0)
    kept_after_days: float = Field(7, gt=0, le=MAX_DAYS)
    recalibrate_days: float = Field(30, gt=0, le=MAX_DAYS)
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
        message = "Input should be an array, e.g. [...]" if first["type"] == "tuple_type" else first["msg"]
        raise UsageError(f"the triage config {path}: {key}: {message}") from None
