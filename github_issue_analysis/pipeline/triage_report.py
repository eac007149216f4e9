"""What one triage step did, as `triage --json` prints it (keys in DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_ERROR = 400


def unexpected(error: Exception) -> str:
    """An exception none of ours: one line, its type and message (`GH_ANALYSIS_DEBUG` adds the traceback)."""
    message = " ".join(str(error).split()) or "(no message)"
    line = f"unexpected {type(error).__name__}: {message}"
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


@dataclass
class TriageReport:
    org: str
    dry_run: bool
    collected: dict[str, int] = field(default_factory=lambda: {"issues": 0, "requests": 0})
    refreshed: list[dict[str, Any]] = field(default_factory=list)
    results_collected: int = 0
    calibration: dict[str, Any] | None = None
    gate: list[dict[str, Any]] = field(default_factory=list)
    demoted: list[str] = field(default_factory=list)
    evaluation_group: str | None = None
    applied: dict[str, Any] | None = None
    suggested: int = 0
    submitted: dict[str, Any] | None = None
    deferred_by_cap: int = 0
    held_by: str | None = None
    kept_decided: dict[str, int] = field(default_factory=lambda: {"kept": 0, "removed": 0})
    skipped_phases: list[dict[str, str]] = field(default_factory=list)
    skipped_repositories: list[dict[str, str]] = field(default_factory=list)
    """`{org, repo, reason}`: what the token cannot see, or can read but not write (triage_reach.py)."""
    failed: list[dict[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def fail(self, phase: str, error: BaseException | str) -> None:
        self.failed.append({"phase": phase, "error": str(error)})

    def skip(self, phase: str, reason: str) -> None:
        self.skipped_phases.append({"phase": phase, "reason": reason})

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "dry_run": self.dry_run,
            "collected": self.collected,
            "refreshed": self.refreshed,
            "results_collected": self.results_collected,
            "calibration": self.calibration,
            "evaluation_group": self.evaluation_group,
            "gate": self.gate,
            "demoted": self.demoted,
            "kept_decided": self.kept_decided,
            "applied": self.applied,
            "suggested": self.suggested,
            "submitted": self.submitted,
            "deferred_by_cap": self.deferred_by_cap,
            "held_by": self.held_by,
            "skipped": self.skipped_phases,
            "skipped_repositories": self.skipped_repositories,
            "failed": self.failed,
        }
