"""Every API request reads its bearer token's row: one statement outside a transaction
(a read-only unit of work), so it costs one round trip on PostgreSQL and does not queue
behind a writer on SQLite, and a revocation is still seen by the very next request."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text

from creditline.access.services import Authenticate, RevokeUser, authenticate, revoke
from creditline.access.tokens import TokenPolicy
from creditline.auth import SYSTEM, Role, hash_token
from creditline.bootstrap import Container
from creditline.errors import Unauthorized


def _service_user(container: Container, token: str) -> None:
    with container.uow() as uow:
        uow.users.add("till-7", Role.SERVICE, hash_token(token), merchants=("m-2", "m-1"))
        uow.commit()


def test_a_checkout_token_is_read_by_one_statement_with_its_merchants(
        container: Container) -> None:
    _service_user(container, "cl_till_7_secret")
    sent: list[str] = []

    def record(_c: object, _cur: object, statement: str, *_: object) -> None:
        sent.append(statement)

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        who = authenticate(Authenticate("cl_till_7_secret", TokenPolicy()),
                           container.uow(read_only=True))
    finally:
        event.remove(container.engine, "before_cursor_execute", record)
    assert (who.name, who.role, who.merchants) == ("till-7", Role.SERVICE,
                                                   frozenset({"m-1", "m-2"}))
    assert len(sent) == 1 and sent[0].startswith("SELECT")  # no BEGIN, no second read


def test_a_revoked_token_is_refused_on_the_next_read(container: Container) -> None:
    _service_user(container, "cl_till_7_secret")
    revoke(RevokeUser("till-7"), container.uow(), SYSTEM)
    with pytest.raises(Unauthorized, match="invalid or revoked"):
        authenticate(Authenticate("cl_till_7_secret", TokenPolicy()),
                     container.uow(read_only=True))


def test_a_read_only_unit_of_work_cannot_commit(container: Container) -> None:
    with container.uow(read_only=True) as uow, pytest.raises(RuntimeError, match="read-only"):
        uow.commit()


def test_on_sqlite_the_token_read_does_not_wait_for_a_writer(
        sqlite_container: Container) -> None:
    """A long write holds SQLite's write lock; the token read goes through meanwhile."""
    _service_user(sqlite_container, "cl_till_7_secret")
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with sqlite_container.uow() as uow:  # BEGIN IMMEDIATE: the write lock
            uow.session.execute(text("UPDATE users SET active = active"))  # type: ignore[union-attr]
            holding.set()
            release.wait(10)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        who = authenticate(Authenticate("cl_till_7_secret", TokenPolicy()),
                           sqlite_container.uow(read_only=True))
        assert who.name == "till-7" and time.monotonic() - started < 2.0
    finally:
        release.set()
        t.join()
