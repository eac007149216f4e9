"""Options that `batch submit` and `process` share: which stored issues to send, and with which taxonomy."""

from __future__ import annotations

import typer

from github_issue_analysis import defaults

PROCESSOR = typer.Argument(..., help="Processor name (see `gh-analysis models`): product-labeling.")
REPO = typer.Option(None, "--repo", help="Only this repository.")
ISSUE_NUMBER = typer.Option(
    None, "--issue-number", help="Only this issue (add --repo when several repositories have it)."
)
LIMIT = typer.Option(None, "--limit", min=1, help="At most this many issues.")
LABEL_PREFIX = typer.Option(defaults.LABEL_PREFIX, "--label-prefix", help="Repository labels to choose from.")
LABELS_FILE = typer.Option(None, "--labels-file", help="JSON taxonomy [{name, description}].")
REPROCESS = typer.Option(False, "--reprocess", help="Include issues that already have a result.")
EXAMPLES = typer.Option(
    None,
    "--examples",
    min=1,
    help="Put up to K people-labelled issues per label in the prompt (the most typical; recorded with the group).",
)
