"""One or two examples at the end of every command's `--help` (Typer epilogs), kept in one table."""

from __future__ import annotations

import typer

EXAMPLES: dict[str, tuple[str, ...]] = {
    "collect": (
        "gh-analysis collect --org acme --repo app --state open",
        "gh-analysis collect --org acme --incremental",
    ),
    "import": ("gh-analysis import data/issues/*.json",),
    "status": ("gh-analysis status", "gh-analysis status --json"),
    "models": ("gh-analysis models",),
    "process": ("gh-analysis process product-labeling --org acme --repo app --issue-number 42",),
    "demo": ("gh-analysis demo", "gh-analysis demo --model anthropic:claude-haiku-4-5"),
    "label": ("gh-analysis label --org acme --limit 50", "gh-analysis label --org acme --apply --open"),
    "report": (
        "gh-analysis report group_1a2b --output report.html --open",
        "gh-analysis report --org acme -o acme.html",
    ),
    "serve": ("gh-analysis serve --open", "gh-analysis serve --port 8766"),
    "eval": ("gh-analysis eval group_1a2b", "gh-analysis eval group_1a2b group_3c4d --target-precision 0.9"),
    "batch submit": (
        "gh-analysis batch submit product-labeling --org acme --dry-run",
        "gh-analysis batch submit product-labeling --org acme --blind --sample 40 --yes",
    ),
    "batch status": ("gh-analysis batch status group_1a2b", "gh-analysis batch status job_9f8e --json"),
    "batch list": ("gh-analysis batch list --groups",),
    "batch collect": ("gh-analysis batch collect job_9f8e",),
    "batch group-collect": ("gh-analysis batch group-collect group_1a2b",),
    "batch cancel": ("gh-analysis batch cancel job_9f8e",),
    "batch group-cancel": ("gh-analysis batch group-cancel group_1a2b",),
    "batch group-retry": ("gh-analysis batch group-retry group_1a2b --failed-only",),
    "batch remove": ("gh-analysis batch remove group_1a2b",),
    "batch watch": ("gh-analysis batch watch group_1a2b", "gh-analysis batch watch group_1a2b --retry-failed --yes"),
    "batch adopt": ("gh-analysis batch adopt job_9f8e batch_abc123",),
    "batch unsent": ("gh-analysis batch unsent job_9f8e",),
    "labels review": ("gh-analysis labels review --org acme --min-confidence 0.8",),
    "labels accept": (
        "gh-analysis labels accept app#12 app#15 --org acme",
        "gh-analysis labels accept --org acme --min-confidence 0.9",
    ),
    "labels reject": ("gh-analysis labels reject acme/app#12",),
    "labels edit": ("gh-analysis labels edit acme/app#12 --label product::api --label product::ui",),
    "labels plan": ("gh-analysis labels plan --org acme --accepted-only",),
    "labels apply": (
        "gh-analysis labels apply --org acme --accepted-only",
        "gh-analysis labels apply --org acme --min-precision 0.9 --eval group_1a2b --yes",
    ),
    "labels runs": ("gh-analysis labels runs",),
    "labels revert": ("gh-analysis labels revert run_5e6f",),
    "labels doctor": ("gh-analysis labels doctor --org acme --eval group_1a2b",),
    "results export": ("gh-analysis results export --org acme --format csv --output results.csv",),
    "results show": ("gh-analysis results show acme/app#12",),
    "sandbox serve": ("gh-analysis sandbox serve --port 8400",),
    "triage": (
        "gh-analysis triage --org acme --dry-run",
        "gh-analysis triage --org acme --check",
        "gh-analysis triage --org acme --config triage.toml --yes --state-branch gh-analysis-state",
    ),
    "triage accept-store": ("gh-analysis triage accept-store --org acme --state-branch gh-analysis-state",),
    "triage init-workflow": (
        "gh-analysis triage init-workflow",
        "gh-analysis triage init-workflow --store postgres --token fine-grained",
    ),
}


def epilog(path: str) -> str | None:
    """The examples block for a command path ("batch submit"); `\\b` keeps Click from re-wrapping the lines."""
    examples = EXAMPLES.get(path)
    if not examples:
        return None
    return "Examples:\n\n\b\n" + "\n".join(f"  {example}" for example in examples)


def add_examples(app: typer.Typer, prefix: str = "") -> None:
    """Give every registered command without an epilog its examples."""
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        if info.epilog is None:
            info.epilog = epilog(f"{prefix}{name}")
    for group in app.registered_groups:
        if group.typer_instance is not None:
            add_examples(group.typer_instance, f"{prefix}{group.name} ")
