"""Settings from the environment and `.env` (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from github_issue_analysis import defaults


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default=Path("data"), validation_alias="GH_ANALYSIS_DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="GH_ANALYSIS_DATABASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(default=None, validation_alias="ANTHROPIC_BASE_URL")
    github_token: SecretStr | None = Field(default=None, validation_alias="GITHUB_TOKEN")
    # The provider's documented limits, lower for accounts (or compatible services) that have lower ones.
    openai_max_requests_per_batch: int = Field(
        default=50_000, ge=1, validation_alias="GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH"
    )
    openai_max_bytes_per_batch: int = Field(
        default=200 * 1024 * 1024, ge=1, validation_alias="GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH"
    )
    openai_max_batches_per_hour: int = Field(
        default=2_000, ge=1, validation_alias="GH_ANALYSIS_OPENAI_MAX_BATCHES_PER_HOUR"
    )
    anthropic_max_requests_per_batch: int = Field(
        default=100_000, ge=1, validation_alias="GH_ANALYSIS_ANTHROPIC_MAX_REQUESTS_PER_BATCH"
    )
    anthropic_max_bytes_per_batch: int = Field(
        default=256 * 1024 * 1024, ge=1, validation_alias="GH_ANALYSIS_ANTHROPIC_MAX_BYTES_PER_BATCH"
    )
    model: str = Field(default=defaults.MODEL, validation_alias="GH_ANALYSIS_MODEL")  # PROVIDER:NAME
    retry_seconds: float = Field(default=0.5, gt=0, validation_alias="GH_ANALYSIS_RETRY_SECONDS")
    # Every provider and GitHub call: seconds to connect, and to wait for each answer (then it is retried or fails).
    connect_timeout: float = Field(default=10.0, gt=0, le=600, validation_alias="GH_ANALYSIS_CONNECT_TIMEOUT")
    read_timeout: float = Field(default=60.0, gt=0, le=3600, validation_alias="GH_ANALYSIS_READ_TIMEOUT")
    github_api_url: str = Field(default="https://api.github.com", validation_alias="GITHUB_API_URL")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gh-analysis.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
