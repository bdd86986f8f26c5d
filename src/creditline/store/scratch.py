"""Scratch PostgreSQL databases: created empty on a server, dropped with whatever is still
connected to them.  The tests give each test its own; the benchmarks one per run."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def create_database(server_url: str, prefix: str, template: str | None = None) -> str:
    """A new database on the server of ``server_url``: empty, or a file-level copy of the
    database of the URL ``template`` (which must have no session open); its URL."""
    name = f"{prefix}{uuid.uuid4().hex[:16]}"
    copy = "" if template is None else f' TEMPLATE "{make_url(template).database}"'
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, server_url: str) -> None:
    """Drop the database of ``url`` through ``server_url`` (a no-op for anything but
    PostgreSQL), ending its sessions first."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = :n AND pid <> pg_backend_pid()"),
                      {"n": parsed.database})
            c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
    finally:
        admin.dispose()
