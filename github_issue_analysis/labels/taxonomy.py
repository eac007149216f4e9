"""Which labels a result may touch: the processor's taxonomy (its `--label-prefix` or its labels file)."""

from __future__ import annotations

from typing import Any

from github_issue_analysis import defaults


class Taxonomy:
    def __init__(self, group_options: dict[str, Any]) -> None:
        fixed = group_options.get("fixed_labels")
        self.names = {str(lb["name"]).lower() for lb in fixed} if fixed else None
        self.prefix = str(group_options.get("label_prefix") or defaults.LABEL_PREFIX)

    def __contains__(self, label: object) -> bool:
        name = str(label)
        if self.names is not None:
            return name.lower() in self.names
        return name.startswith(self.prefix)
