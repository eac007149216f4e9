"""Processors turn an issue into a provider request and validate the answer; found by name through
`github_issue_analysis.ai.registry`."""
