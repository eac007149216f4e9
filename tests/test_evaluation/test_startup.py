"""scikit-learn and NumPy load only when something is scored, never when the CLI starts."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_starts_without_the_metrics_libraries() -> None:
    code = (
        "import sys, github_issue_analysis.cli.main, github_issue_analysis.evaluation; "
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
