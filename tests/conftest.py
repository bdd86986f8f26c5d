"""Shared fixtures.  Storage tests run against SQLite and PostgreSQL: the ``store_url``
fixture is parametrised over both; each test gets a fresh database (a new SQLite file, or a
new PostgreSQL database created from the server in ``CREDITLINE_TEST_PG_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``).  Where PostgreSQL is unreachable
the PostgreSQL cases are skipped locally but fail in CI (``CI`` set), so CI proves both."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from creditline.auth import Role, hash_token
from creditline.bootstrap import Container, bootstrap
from creditline.clock import FixedClock
from creditline.settings import Settings
from creditline.store.db import make_engine
from creditline.store.migrate import upgrade
from creditline.store.scratch import create_database, drop_database

PG_URL = os.environ.get("CREDITLINE_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# ``ADMIN_TOKEN`` is the token of a named admin user, "test-admin", that every container made
# here starts with (``seed_admin``); ``BOOTSTRAP_TOKEN`` is the environment token
# (CREDITLINE_ADMIN_TOKEN), which may only create admins and list users.
ADMIN_NAME = "test-admin"
ADMIN_TOKEN = "cl_test-admin-Xq7vR2mK9pL4sT8wZ3nB6cF1hJ5"
BOOTSTRAP_TOKEN = "bootstrap-Vb7Qe2Lr9Tz4Mx8Kc3Hn6Wd1Pf5Gy0Js"
SECRET = "test-secret-key-for-field-encryption"
AUDIT_KEY = "test-audit-key-kept-apart-from-the-data-key"


def _pg_available() -> bool:
    try:
        eng = create_engine(PG_URL)
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
        return True
    except Exception:
        return False


_PG_OK: bool | None = None


def pg_ok() -> bool:
    global _PG_OK
    if _PG_OK is None:
        _PG_OK = _pg_available()
    return _PG_OK


def _need_pg() -> None:
    if not pg_ok():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable at {PG_URL} (required in CI)")
        pytest.skip("PostgreSQL not reachable")


class MigratedTemplates:
    """One database per store migrated to the newest revisions by ``upgrade`` from empty,
    once per test process, that each test's database is copied from (a file copy for
    SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL).  Why: migrating ~25
    revisions took 0.4 s (SQLite) to 1.5 s (PostgreSQL) per test on a busy CI machine, a
    few minutes of every CI run; the copy is the same schema, and the revisions still run
    from empty every session (and ``test_migrations`` checks what they build)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: Path | None = None
        self._pg: str | None = None

    def sqlite(self) -> Path:
        if self._sqlite is None:
            path = self.folder / "migrated.db"
            engine = make_engine(f"sqlite:///{path}")
            upgrade(engine)
            engine.dispose()  # the last connection closed: the WAL is folded into the file
            self._sqlite = path
        return self._sqlite

    def postgres(self) -> str:
        if self._pg is None:
            url = create_database(PG_URL, "cl_tpl_")
            engine = make_engine(url)
            try:
                upgrade(engine)
            finally:
                engine.dispose()  # a template must have no session open
            self._pg = url
        return self._pg

    def close(self) -> None:
        if self._pg is not None:
            drop_database(self._pg, PG_URL)


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated"))
    yield templates
    templates.close()


@pytest.fixture
def pg_database(migrated: MigratedTemplates) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, already at the newest revisions; dropped
    afterwards."""
    _need_pg()
    url = create_database(PG_URL, "cl_", template=migrated.postgres())
    try:
        yield url
    finally:
        drop_database(url, PG_URL)


@pytest.fixture
def empty_pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (for tests of the revisions themselves)."""
    _need_pg()
    url = create_database(PG_URL, "cl_")
    try:
        yield url
    finally:
        drop_database(url, PG_URL)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A database URL for each store in turn, already at the newest revisions."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture(params=["sqlite", "postgres"])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database for each store in turn (for tests of the revisions themselves)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return str(request.getfixturevalue("empty_pg_database"))


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated: MigratedTemplates) -> str:
    """A SQLite file for one test, already at the newest revisions."""
    path = tmp_path / "creditline.db"
    shutil.copyfile(migrated.sqlite(), path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


# Tests move the clock months and years ahead (cool-downs, end of day), so the fixtures' tokens
# live ten years; tests of expiry set their own lifetimes.
LONG_TOKENS = {f"token_days_{r.value}": 3650 for r in Role}


def make_container(url: str, tmp_path: Path, clock: FixedClock, **settings_over: Any,
                   ) -> Container:
    settings = Settings(database_url=url, admin_token=BOOTSTRAP_TOKEN, secret_key=SECRET,
                        audit_key=AUDIT_KEY, data_dir=tmp_path, **LONG_TOKENS, **settings_over)
    container = bootstrap(settings, clock=clock)
    seed_admin(container)
    return container


def seed_admin(container: Container) -> None:
    """The named admin behind ``ADMIN`` (no audit entry, like any fixture user)."""
    with container.uow() as uow:
        if not uow.users.exists(ADMIN_NAME):
            uow.users.add(ADMIN_NAME, Role.ADMIN, hash_token(ADMIN_TOKEN))
            uow.commit()


@pytest.fixture
def container(store_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """A migrated container on each store (SQLite and PostgreSQL)."""
    c = make_container(store_url, tmp_path, clock)
    yield c
    c.dispose()


@pytest.fixture
def sqlite_container(sqlite_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    c = make_container(sqlite_url, tmp_path, clock)
    yield c
    c.dispose()


def _client(container: Container) -> TestClient:
    from creditline.api.app import create_app

    return TestClient(create_app(container))


@pytest.fixture
def api(container: Container) -> Iterator[TestClient]:
    """An HTTP client (no credentials) on each store."""
    with _client(container) as c:
        yield c


@pytest.fixture
def sqlite_api(sqlite_container: Container) -> Iterator[TestClient]:
    """An HTTP client on SQLite only, for API behaviour that does not depend on the store."""
    with _client(sqlite_container) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


ADMIN = auth(ADMIN_TOKEN)
BOOTSTRAP = auth(BOOTSTRAP_TOKEN)


# the merchant the fixture's ``service`` user sells for
SERVICE_MERCHANT = "Fixture Mart"


def create_user(container: Container, name: str, role: Role | str,
                merchants: tuple[str, ...] | None = None) -> dict[str, str]:
    """Create a user directly in the store and return its auth header; a service user is
    bound to ``SERVICE_MERCHANT`` unless ``merchants`` says otherwise."""
    token = f"tok-{name}-{uuid.uuid4().hex}"
    role = Role(role)
    if merchants is None:
        merchants = (SERVICE_MERCHANT,) if role is Role.SERVICE else ()
    with container.uow() as uow:
        uow.users.add(name, role, hash_token(token), merchants=merchants)
        uow.commit()
    return auth(token)


@pytest.fixture
def role_headers(request: pytest.FixtureRequest) -> dict[str, dict[str, str]]:
    """Auth headers for one user of every role, in whichever container the test uses."""
    names = request.fixturenames
    c: Container = request.getfixturevalue(
        "container" if "container" in names or "api" in names else "sqlite_container")
    return {r.value: create_user(c, f"user-{r.value}", r) for r in Role}
