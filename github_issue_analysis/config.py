"""Settings from the environment and `.env` (pydantic-settings): every setting of the tool is read here.

A bad value becomes one `UsageError` naming the variable and what it accepts."""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from github_issue_analysis import defaults, links

from .defaults import APP_NAME, default_data_dir
from .errors import UsageError

__all__ = ["APP_NAME", "DATABASE_FILE", "Settings", "default_data_dir", "get_settings"]

DATABASE_FILE = "gh-analysis.db"


class Settings(BaseSettings):
    # Empty means unset: an Actions variable that does not exist expands to "" (DESIGN: every setting read from the
    # environment). `env_ignore_empty` covers the environment and `.env` alike.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    data_dir: Path = Field(default_factory=default_data_dir, validation_alias="GH_ANALYSIS_DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="GH_ANALYSIS_DATABASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(default=None, validation_alias="ANTHROPIC_BASE_URL")
    # Like the google-genai SDK: GEMINI_API_KEY, else GOOGLE_API_KEY.
    gemini_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("GEMINI_API_KEY", "GOOGLE_API_KEY")
    )
    gemini_base_url: str | None = Field(default=None, validation_alias="GEMINI_BASE_URL")
    # Like the GitHub CLI: GH_TOKEN first, then GITHUB_TOKEN (then `gh auth token`: github_client/credentials.py).
    github_token: SecretStr | None = Field(default=None, validation_alias=AliasChoices("GH_TOKEN", "GITHUB_TOKEN"))
    # The provider's documented limits, lower for accounts (or compatible services) that have lower ones.
    openai_max_requests_per_batch: int = Field(
        default=50_000, ge=1, le=50_000, validation_alias="GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH"
    )
    openai_max_bytes_per_batch: int = Field(
        default=200 * 1024 * 1024, ge=1, le=200 * 1024 * 1024, validation_alias="GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH"
    )
    openai_max_batches_per_hour: int = Field(
        default=2_000, ge=1, le=1_000_000, validation_alias="GH_ANALYSIS_OPENAI_MAX_BATCHES_PER_HOUR"
    )
    anthropic_max_requests_per_batch: int = Field(
        default=100_000, ge=1, validation_alias="GH_ANALYSIS_ANTHROPIC_MAX_REQUESTS_PER_BATCH"
    )
    anthropic_max_bytes_per_batch: int = Field(
        default=256 * 1024 * 1024, ge=1, validation_alias="GH_ANALYSIS_ANTHROPIC_MAX_BYTES_PER_BATCH"
    )
    gemini_max_requests_per_batch: int = Field(
        default=100_000,
        ge=1,
        validation_alias="GH_ANALYSIS_GEMINI_MAX_REQUESTS_PER_BATCH",
        description="requests per Gemini batch (Google documents no count; this keeps a retry small)",
    )
    gemini_max_bytes_per_batch: int = Field(
        default=2 * 1024**3,
        ge=1,
        le=2 * 1024**3,
        validation_alias="GH_ANALYSIS_GEMINI_MAX_BYTES_PER_BATCH",
        description="bytes of a Gemini batch's input file (the documented 2 GB), checked on the real request lines",
    )
    gemini_max_inline_bytes: int = Field(
        default=20 * 1024**2,
        ge=0,
        le=20 * 1024**2,
        validation_alias="GH_ANALYSIS_GEMINI_MAX_INLINE_BYTES",
        description="a Gemini batch goes inline while its create request stays under this (the documented 20 MB), "
        "else as an uploaded JSONL file",
    )
    model: str = Field(default=defaults.MODEL, validation_alias="GH_ANALYSIS_MODEL")  # PROVIDER:NAME
    retry_seconds: float = Field(default=0.5, gt=0, le=3600, validation_alias="GH_ANALYSIS_RETRY_SECONDS")
    # Every provider and GitHub call: seconds to connect, and to wait for each answer (then it is retried or fails).
    connect_timeout: float = Field(default=10.0, gt=0, le=600, validation_alias="GH_ANALYSIS_CONNECT_TIMEOUT")
    read_timeout: float = Field(default=60.0, gt=0, le=3600, validation_alias="GH_ANALYSIS_READ_TIMEOUT")
    github_api_url: str = Field(default=links.DEFAULT_API_URL, validation_alias="GITHUB_API_URL")
    prices_file: Path | None = Field(default=None, validation_alias="GH_ANALYSIS_PRICES_FILE")
    debug: bool = Field(default=False, validation_alias="GH_ANALYSIS_DEBUG")

    @field_validator("debug", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        return _empty_is_off(value)

    @field_validator("*", mode="before")
    @classmethod
    def _well_formed_secret(cls, value: object, info: ValidationInfo) -> object:
        field = cls.model_fields[info.field_name or ""]
        if isinstance(value, str) and "SecretStr" in str(field.annotation):
            check_credential(value)
        return value

    @field_validator("data_dir", mode="after")
    @classmethod
    def _text_name(cls, value: Path) -> Path:
        if any("\ud800" <= char <= "\udfff" for char in str(value)):
            raise ValueError("the folder name is not valid UTF-8 text; rename the folder or choose another")
        return value

    @field_validator("data_dir", "prices_file", mode="after")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("retry_seconds", "connect_timeout", "read_timeout", mode="after")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number of seconds")
        return value

    @field_validator("github_api_url", mode="after")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL such as https://api.github.com or https://HOST/api/v3")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number or out of range
        except ValueError:
            raise ValueError("has an invalid port") from None
        return value.strip()

    @field_validator("prices_file", mode="after")
    @classmethod
    def _prices_shape(cls, value: Path | None) -> Path | None:
        if value is not None:
            read_prices_file(value)
        return value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / DATABASE_FILE).resolve()}"

    def price_overrides(self) -> dict[str, tuple[float, float]]:
        return read_prices_file(self.prices_file) if self.prices_file else {}


def _empty_is_off(value: object) -> object:
    return False if isinstance(value, str) and not value.strip() else value


def debug_from_environment() -> bool:
    """GH_ANALYSIS_DEBUG read as settings read it (empty, 0, off, false: off), for when settings fail to load;
    a value settings would refuse counts as off."""
    from pydantic import TypeAdapter

    try:
        return TypeAdapter(bool).validate_python(_empty_is_off(os.environ.get("GH_ANALYSIS_DEBUG", "")))
    except ValidationError:
        return False


def check_credential(value: str) -> None:
    """ValueError when a key or token holds a character none can hold (a newline, another control character, a
    space, non-ASCII): sent as it is, it fails in ways that look transient. The message never repeats it."""
    if not all("!" <= char <= "~" for char in value):
        raise ValueError("holds a newline, a space or another character a key or token cannot hold (value not shown)")


def read_prices_file(path: Path) -> dict[str, tuple[float, float]]:
    """`{"model": {"input": 0.075, "output": 0.30}}` (USD per million tokens); ValueError says what is wrong."""
    import json

    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{path} is not a JSON file") from None
    if not isinstance(document, dict):
        raise ValueError(f'{path} must hold an object like {{"gpt-4o-mini": {{"input": 0.075, "output": 0.30}}}}')
    return {str(name): _price(name, entry, path) for name, entry in document.items()}


def _price(name: str, entry: Any, path: Path) -> tuple[float, float]:
    try:
        prices = (float(entry["input"]), float(entry["output"]))
    except (TypeError, KeyError, ValueError):
        raise ValueError(f"{path}: '{name}' needs numbers 'input' and 'output' (USD per million tokens)") from None
    if not all(math.isfinite(p) and p >= 0 for p in prices):
        raise ValueError(f"{path}: '{name}' prices must be finite and not negative")
    return prices


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise UsageError(_setting_error(error)) from None
    except UnicodeDecodeError:
        raise UsageError(".env is not a UTF-8 text file; fix or remove it") from None
    except ValueError as error:  # python-dotenv on a malformed .env
        raise UsageError(f".env could not be read ({error}); fix or remove it") from None


def _setting_error(error: ValidationError) -> str:
    first = error.errors()[0]
    variable = _variable_set(str(first["loc"][0])) if first["loc"] else "a setting"
    message = str(first["msg"]).removeprefix("Value error, ")
    given = first.get("input")
    secret = _is_secret(variable)
    shown = f"='{given}'" if isinstance(given, str) and len(given) < 80 and not secret else ""
    allowed = _allowed_range(variable)
    return f"{variable}{shown}: {message}{allowed}; fix it in the environment or .env"


def _variable_set(reported: str) -> str:
    """The variable the user set, for a setting read from one of several (pydantic names the first)."""
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices) and reported in alias.choices:
            names = [str(choice) for choice in alias.choices]
            return next((name for name in names if os.environ.get(name)), " or ".join(names))
    return reported


def _is_secret(variable: str) -> bool:
    fields = Settings.model_fields.values()
    return any(variable in str(f.validation_alias) and "SecretStr" in str(f.annotation) for f in fields)


def _allowed_range(variable: str) -> str:
    """' (allowed: 1 to 50000)' from the field's bounds, or '' for a field without bounds."""
    for field in Settings.model_fields.values():
        if field.validation_alias != variable:
            continue
        bounds = {name: getattr(m, name) for m in field.metadata for name in ("ge", "gt", "le") if hasattr(m, name)}
        if not bounds:
            return ""
        low = f"more than {bounds['gt']}" if "gt" in bounds else f"{bounds.get('ge')}"
        kind = "an integer" if field.annotation is int else "a number"
        return f" (allowed: {kind} from {low} to {bounds['le']})" if "le" in bounds else ""
    return ""
