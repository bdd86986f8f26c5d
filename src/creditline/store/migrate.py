"""Schema migrations with Alembic, driven from code (no alembic.ini needed).

Each bounded context owns one or more revisions; contexts branch from the foundation
revision and ``upgrade`` goes to ``heads``, so contexts can evolve independently."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine) -> list[str]:
    """Bring the schema to the newest revisions; returns the heads now applied."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    return current_heads(engine)


def current_heads(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(MigrationContext.configure(conn).get_current_heads())


def script_heads(engine: Engine) -> list[str]:
    return sorted(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def needs_upgrade(engine: Engine) -> bool:
    return current_heads(engine) != script_heads(engine)
