"""Provider plug-ins: the batch (and live) APIs of model vendors behind one interface (`base.BatchProvider`).
They are found by name through `github_issue_analysis.ai.registry`."""
