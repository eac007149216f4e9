"""Processors turn an issue into a provider-neutral request (`domain.model_request.ModelRequest`) and validate
the answer; found by name through `github_issue_analysis.ai.registry`."""
