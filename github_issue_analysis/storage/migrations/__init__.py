"""Alembic migrations, run programmatically when the store opens (no alembic.ini needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

# The newest revision; tests check it against the scripts so opening an up-to-date store costs one query.
HEAD_REVISION = "0006_label_claims"


def alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "github_issue_analysis.storage:migrations")
    config.attributes["connection"] = connection
    return config
