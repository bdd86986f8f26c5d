"""Engines for SQLite (embedded default) and PostgreSQL (production).

SQLite: WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for every transaction
(not for a read-only unit of work's single-statement reads)
so writers queue instead of failing on lock upgrade — the embedded store serialises
writes, which is what makes "check available credit then post" safe there.
PostgreSQL: READ COMMITTED with row locks (``SELECT ... FOR UPDATE``) taken by the
repositories that need them.  A pooled connection is pinged before use only when it has sat
idle for ``IDLE_PING_SECONDS`` (a restarted server is still noticed before a command runs),
not on every checkout: under load that ping was one extra round trip per transaction, two
per HTTP decision (the token's read and the decision).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from creditline.errors import ValidationError


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except Exception:
        raise ValidationError("db", f"not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _rec: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            if parsed.database not in (None, "", ":memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # a read-only unit of work reads without a transaction (its statements are
            # each atomic in WAL mode) and must not queue behind the writers
            if not conn.get_execution_options().get("creditline_read_only"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if backend == "postgresql":
        kwargs.setdefault("pool_size", 20)
        kwargs.setdefault("max_overflow", 40)
        engine = create_engine(url, **kwargs)
        if not kwargs.get("pool_pre_ping"):
            _ping_when_idle(engine)
        return engine
    raise ValidationError("db", f"unsupported database {backend!r}: use sqlite or postgresql")


IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Ping a connection at checkout only if it has been idle for a while; a dead one is
    replaced by a fresh one before the command sees it (as ``pool_pre_ping`` would)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as err:
            raise exc.DisconnectionError(f"pooled connection failed its ping: {err}") from err


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
