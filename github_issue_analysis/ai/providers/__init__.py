"""Provider plug-ins: the batch and live APIs of model vendors behind two interfaces (`base.BatchProvider`,
`base.LiveProvider`), each writing a provider-neutral `ModelRequest` in its own wire format. They are found by
name through `github_issue_analysis.ai.registry`."""
