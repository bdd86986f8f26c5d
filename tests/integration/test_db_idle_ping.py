"""PostgreSQL connections are pinged at checkout only after sitting idle, not on every
transaction (a round trip per transaction under load), and a connection the server dropped
while it sat in the pool is still replaced before a command sees it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from creditline.store import db


def test_a_busy_pool_does_not_ping_and_an_idle_dead_connection_is_replaced(
        pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.make_engine(pg_database, pool_size=1, max_overflow=0)
    pings: list[object] = []
    do_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or do_ping(c))
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, stmt, *_a: sent.append(stmt))
    try:
        for _ in range(3):  # back to back: no ping between transactions
            with engine.begin() as conn:
                conn.execute(text("SELECT 41 + 1"))
        assert sent == ["SELECT 41 + 1"] * 3
        assert pings == []
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        # the server drops the pooled connection while it is idle ...
        with db.make_engine(pg_database).connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            admin.commit()
        # ... and once it has been idle long enough, the next checkout notices and reconnects
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT 1 + 1")).scalar_one() == 2
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
        assert len(pings) == 1
    finally:
        engine.dispose()
