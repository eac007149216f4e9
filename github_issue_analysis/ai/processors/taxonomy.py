"""Which labels form the taxonomy a run chooses from: a taxonomy file's names, or the labels with a prefix.
An issue's taxonomy labels are the answer a blind run must not see and an evaluation scores against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from github_issue_analysis import defaults


@dataclass(frozen=True)
class Taxonomy:
    prefix: str = defaults.LABEL_PREFIX
    names: frozenset[str] | None = None  # a taxonomy file's labels, lower-cased; None: every label with the prefix

    def __contains__(self, label: object) -> bool:
        if not isinstance(label, str):
            return False
        # GitHub compares label names without regard to case
        return label.lower() in self.names if self.names is not None else label.startswith(self.prefix)

    def of(self, labels: list[str]) -> frozenset[str]:
        return frozenset(label for label in labels if label in self)

    @classmethod
    def of_group_options(cls, options: dict[str, Any]) -> Taxonomy:
        """From a group's stored options (label_prefix, fixed_labels)."""
        fixed = options.get("fixed_labels")
        names = frozenset(str(label["name"]).lower() for label in fixed) if fixed else None
        return cls(str(options.get("label_prefix") or defaults.LABEL_PREFIX), names)
