"""Alembic migrations, run programmatically when the store opens (no alembic.ini needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

# The newest revision; tests check it against the scripts so opening an up-to-date store costs one query.
HEAD_REVISION = "0011_store_generation"
SCRIPT_LOCATION = "github_issue_analysis.storage:migrations"


def alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    """Every revision this version's scripts know (a store at another one was written by a newer version)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
