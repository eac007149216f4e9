"""The sandbox emulators are another distribution (github-issue-analysis-sandbox, the product's `sandbox`
extra): only the commands that start them import it, and they say what to install when it is missing."""

from __future__ import annotations

from github_issue_analysis.errors import UsageError

NOT_INSTALLED = (
    "the sandbox emulators are not installed: install the product's sandbox extra "
    '(pip install "github-issue-analysis[sandbox]", or from a checkout: uv sync)'
)


def require_sandbox() -> None:
    """UsageError (exit 2, one line) when github_issue_analysis_sandbox cannot be imported because it is not
    installed; any other import failure inside it is a bug and propagates."""
    try:
        import github_issue_analysis_sandbox  # noqa: F401
    except ModuleNotFoundError as error:
        if error.name != "github_issue_analysis_sandbox":
            raise
        raise UsageError(NOT_INSTALLED) from None
