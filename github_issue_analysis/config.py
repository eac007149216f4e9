"""Settings from the environment and `.env` (pydantic-settings): every setting of the tool is read here.

A bad value becomes one `UsageError` naming the variable and what it accepts."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from github_issue_analysis import defaults

from .defaults import APP_NAME, default_data_dir
from .errors import UsageError

__all__ = ["APP_NAME", "DATABASE_FILE", "Settings", "default_data_dir", "get_settings"]

DATABASE_FILE = "gh-analysis.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, validation_alias="GH_ANALYSIS_DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="GH_ANALYSIS_DATABASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(default=None, validation_alias="ANTHROPIC_BASE_URL")
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
    model: str = Field(default=defaults.MODEL, validation_alias="GH_ANALYSIS_MODEL")  # PROVIDER:NAME
    retry_seconds: float = Field(default=0.5, gt=0, le=3600, validation_alias="GH_ANALYSIS_RETRY_SECONDS")
    # Every provider and GitHub call: seconds to connect, and to wait for each answer (then it is retried or fails).
    connect_timeout: float = Field(default=10.0, gt=0, le=600, validation_alias="GH_ANALYSIS_CONNECT_TIMEOUT")
    read_timeout: float = Field(default=60.0, gt=0, le=3600, validation_alias="GH_ANALYSIS_READ_TIMEOUT")
    github_api_url: str = Field(default="https://api.github.com", validation_alias="GITHUB_API_URL")
    prices_file: Path | None = Field(default=None, validation_alias="GH_ANALYSIS_PRICES_FILE")
    debug: bool = Field(default=False, validation_alias="GH_ANALYSIS_DEBUG")

    @field_validator("debug", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        return False if isinstance(value, str) and not value.strip() else value

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
    variable = str(first["loc"][0]) if first["loc"] else "a setting"
    message = str(first["msg"]).removeprefix("Value error, ")
    given = first.get("input")
    shown = f"='{given}'" if isinstance(given, str) and len(given) < 80 else ""
    allowed = _allowed_range(variable)
    return f"{variable}{shown}: {message}{allowed}; fix it in the environment or .env"


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
