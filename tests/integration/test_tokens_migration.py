"""0008_tokens on a store that already has users (both stores): existing tokens keep working
and count their age from the user's creation; a user deactivated by hand before there was
revocation reads as revoked."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert, select, text

from creditline.access.tokens import as_utc
from creditline.store.db import make_engine
from creditline.store.migrate import alembic_config, upgrade
from creditline.store.tables.foundation import users


def test_existing_users_get_an_issue_time_and_revocation(empty_store_url: str) -> None:
    engine = make_engine(empty_store_url)
    try:
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001_foundation")
        made = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (id, name, role, token_hash, active, created_at) VALUES "
                "('u1', 'ann', 'auditor', 'h1', :t, :at), ('u2', 'bob', 'admin', 'h2', :f, :at)"
            ), {"t": True, "f": False, "at": made})
        upgrade(engine)
        with engine.connect() as conn:
            rows = {r.name: r for r in conn.execute(select(users))}
        assert as_utc(rows["ann"].token_issued_at) == made and rows["ann"].revoked_at is None
        assert as_utc(rows["bob"].revoked_at) == made and rows["bob"].revoked_by == "unknown"
        with engine.begin() as conn:  # the new column is required from now on
            conn.execute(insert(users).values(id="u3", name="cy", role="auditor",
                                              token_hash="h3", active=True, created_at=made,
                                              token_issued_at=made))
    finally:
        engine.dispose()
