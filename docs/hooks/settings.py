"""MkDocs hook: the settings table, generated from the pydantic-settings model in `config.py` at build time.

`docs/configuration.md` holds the marker `<!-- generated: settings -->`. Variable names, defaults and allowed
ranges come from the model; the meaning comes from the field's `description` or, failing that, from MEANINGS
below. A setting with neither fails `mkdocs build --strict` (a warning), so a new setting cannot go undocumented."""

from __future__ import annotations

import logging
from typing import Any, get_args

from pydantic import AliasChoices
from pydantic.fields import FieldInfo

MARKER = "<!-- generated: settings -->"
PAGE = "configuration.md"
KINDS = {"bool": "`1` / `0`", "Path": "a path", "SecretStr": "text (a secret)", "str": "text", "int": "an integer"}
log = logging.getLogger("mkdocs.plugins.gh_analysis.settings")

# Defaults that depend on the machine or mean "the provider's own": shown in words.
DEFAULT_TEXT = {
    "GH_ANALYSIS_DATA_DIR": "per-user data folder (Linux `~/.local/share/gh-analysis`, macOS "
    "`~/Library/Application Support/gh-analysis`, Windows `%LOCALAPPDATA%\\gh-analysis`)",
    "GH_ANALYSIS_DATABASE_URL": "SQLite file `DATA_DIR/gh-analysis.db`",
    "OPENAI_BASE_URL": "OpenAI's API",
    "ANTHROPIC_BASE_URL": "Anthropic's API",
    "GEMINI_BASE_URL": "Google's Gemini API",
    "GH_TOKEN": "`gh auth token`",
    "GH_ANALYSIS_PRICES_FILE": "built-in table",
    "GH_ANALYSIS_DEBUG": "off",
}

MEANINGS = {
    "GH_ANALYSIS_DATA_DIR": "where the SQLite store lives, so every directory finds the same store; `~` is expanded. "
    "`gh-analysis status` shows where it is",
    "GH_ANALYSIS_DATABASE_URL": "any SQLAlchemy URL, e.g. `postgresql://user:pw@host/db` for a team's shared store",
    "OPENAI_API_KEY": "needed to submit, follow and collect OpenAI batches (never stored or logged)",
    "OPENAI_BASE_URL": "another endpoint, e.g. the sandbox: `http://127.0.0.1:8400/v1`",
    "ANTHROPIC_API_KEY": "needed for `anthropic:` models (never stored or logged)",
    "ANTHROPIC_BASE_URL": "another endpoint, e.g. the sandbox's Anthropic emulator (no `/v1`)",
    "GEMINI_API_KEY": "needed for `gemini:` models (never stored or logged)",
    "GEMINI_BASE_URL": "another endpoint, e.g. the sandbox's Gemini emulator",
    "GH_TOKEN": "the GitHub token, found as the GitHub CLI finds it: `GH_TOKEN`, then `GITHUB_TOKEN`, then "
    "`gh auth token`. Reading needs access to the repositories; `labels apply` needs `issues: write`",
    "GITHUB_API_URL": "GitHub Enterprise: `https://HOST/api/v3`",
    "GH_ANALYSIS_MODEL": "the model when `--model` is not given, e.g. `anthropic:claude-haiku-4-5`",
    "GH_ANALYSIS_RETRY_SECONDS": "first wait before re-trying a batch creation that failed transiently",
    "GH_ANALYSIS_CONNECT_TIMEOUT": "seconds to connect to a provider or GitHub",
    "GH_ANALYSIS_READ_TIMEOUT": "seconds to wait for each answer; a call still waiting after 3 s says so on stderr",
    "GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH": "requests per batch file (OpenAI's documented limit; lower it for "
    "smaller accounts)",
    "GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH": "bytes per batch file, checked on the real request lines",
    "GH_ANALYSIS_OPENAI_MAX_BATCHES_PER_HOUR": "new batches per rolling hour; more wait as `queued`",
    "GH_ANALYSIS_ANTHROPIC_MAX_REQUESTS_PER_BATCH": "requests per message batch (Anthropic's documented limit)",
    "GH_ANALYSIS_ANTHROPIC_MAX_BYTES_PER_BATCH": "bytes of requests per message batch",
    "GH_ANALYSIS_PRICES_FILE": 'JSON `{"model": {"input": 0.075, "output": 0.30}}` (USD per million tokens, batch '
    "prices), checked when the tool starts",
    "GH_ANALYSIS_DEBUG": "`1` shows tracebacks for unexpected errors (as `--debug`)",
}


def settings_fields() -> list[tuple[list[str], FieldInfo]]:
    """Each setting's environment variables (first one preferred) and its pydantic field."""
    from github_issue_analysis.config import Settings

    return [(_variables(field), field) for field in Settings.model_fields.values()]


def undocumented_settings() -> list[str]:
    """Variables whose setting has neither a `description` nor an entry in MEANINGS."""
    return [names[0] for names, field in settings_fields() if not _meaning(names, field)]


def settings_table() -> str:
    rows = ["| variable | default | allowed | meaning |", "| --- | --- | --- | --- |"]
    for names, field in settings_fields():
        variables = " or ".join(f"`{name}`" for name in names)
        rows.append(f"| {variables} | {_default(names[0], field)} | {_allowed(field)} | {_meaning(names, field)} |")
    return "\n".join(rows) + "\n"


def _variables(field: FieldInfo) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [str(alias)]


def _meaning(names: list[str], field: FieldInfo) -> str:
    return _cell(field.description or next((MEANINGS[n] for n in names if n in MEANINGS), ""))


def _default(variable: str, field: FieldInfo) -> str:
    if variable in DEFAULT_TEXT:
        return _cell(DEFAULT_TEXT[variable])
    if field.default is None or field.default_factory is not None:
        return "none"
    return f"`{field.default}`"


def _allowed(field: FieldInfo) -> str:
    """'1 to 50000', 'more than 0 to 600', or the kind of value for a field without bounds."""
    bounds = {name: getattr(m, name) for m in field.metadata for name in ("ge", "gt", "le") if hasattr(m, name)}
    if bounds:
        low = f"more than {bounds['gt']}" if "gt" in bounds else str(bounds.get("ge"))
        return f"{low} to {bounds['le']}" if "le" in bounds else f"{low} or more"
    kinds = [t for t in get_args(field.annotation) or (field.annotation,) if t is not type(None)]
    names = [getattr(kind, "__name__", str(kind)) for kind in kinds]
    return ", ".join(KINDS.get(name, name) for name in names)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"{PAGE} lost its marker {MARKER}: the settings table would be missing")
    for variable in undocumented_settings():
        log.warning("setting %s has no description in config.py nor in docs/hooks/settings.py MEANINGS", variable)
    return markdown.replace(MARKER, settings_table())
