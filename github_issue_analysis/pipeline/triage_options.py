"""What one triage step is asked to do (organization, repositories, config, model, dry run, wait, clock) and
the questions it asks before paid and GitHub-writing work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from github_issue_analysis.storage.timeutil import utcnow

from .triage_config import TriageConfig

__all__ = ["TriageConfirm", "TriageOptions"]


@dataclass(frozen=True)
class TriageOptions:
    org: str
    repos: tuple[str, ...] = ()
    config: TriageConfig = field(default_factory=TriageConfig)
    model: str | None = None
    dry_run: bool = False
    wait: bool = False
    poll_seconds: float = 5.0
    now: Callable[[], datetime] = utcnow  # tests move it forward (kept_after_days, recalibrate_days, UTC days)


@dataclass
class TriageConfirm:
    """Asked before paid and GitHub-writing work; False skips that phase (it is not a failure)."""

    submit: Callable[[int, float], bool] = lambda issues, usd: True
    apply: Callable[[int], bool] = lambda labels: True
    stops: tuple[type[Exception], ...] = ()
    """What a question may raise to end the whole step (a prompt closed or refused): never a phase's failure."""
