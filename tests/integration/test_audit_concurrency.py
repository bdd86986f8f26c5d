"""The audit chain is extended at commit, one stream at a time: a command's entries are
chained in the order it made them, a rolled-back command leaves none, writers committing at
the same time (threads on real connections, both stores) still leave unbroken chains, and on
PostgreSQL writers in different streams do not wait for each other while a reader paging
through the log never steps over an entry still being committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from creditline.audit import stream_of
from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.parties import services
from tests.api.test_applications_support import id_number
from tests.conftest import make_container
from tests.integration.test_concurrency_servicing import hammer


@pytest.fixture
def pg(pg_database: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    c = make_container(pg_database, tmp_path, clock)
    yield c
    c.dispose()


def entity_in(stream: int, avoid: str = "") -> str:
    """An entity id whose entries go to ``stream``."""
    return next(f"t{i}{avoid}" for i in range(10_000) if stream_of(f"t{i}{avoid}") == stream)


def test_entries_of_one_transaction_are_chained_in_the_order_made(container: Container) -> None:
    with container.uow() as uow:
        for i in range(3):
            uow.audit(SYSTEM, f"step.{i}", "thing", "t1", {"i": i})
        uow.commit()
    with container.uow() as uow:
        uow.audit(SYSTEM, "never", "thing", "t2")
        uow.rollback()
    with container.uow() as uow:
        rows = list(uow.audit_log.iterate())
        assert [r.action for r in rows] == ["step.0", "step.1", "step.2"]
        assert [r.seq for r in rows] == [1, 2, 3] and uow.head_seq() == 3
        assert {r.stream for r in rows} == {stream_of("t1")}
        assert [r.stream_seq for r in rows] == [1, 2, 3]
        assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
        assert uow.audit_log.verify().ok


def test_simultaneous_registrations_leave_unbroken_chains(container: Container) -> None:
    def register(i: int) -> str:
        return services.register_customer(services.RegisterPerson(
            name=f"P{i}", id_number=id_number(i), phone=f"1381234{i:04d}", monthly_income="5000",
            consents={"credit_check": True, "data_processing": True,
                      "emergency_contact": True}), container.uow(), SYSTEM).id

    results = hammer(12, register)
    assert all(isinstance(r, str) for r in results), results
    with container.uow() as uow:
        report = uow.audit_log.verify()
        assert report.ok and report.checked == 12 and uow.head_seq() == 12
        entries = list(uow.audit_log.iterate())
    assert len({e.stream for e in entries}) > 1  # the writers were spread over streams
    assert len({e.seq for e in entries}) == 12
    # a reader paging with after= sees every entry once, in global order
    seen: list[int] = []
    after = 0
    while True:
        with container.uow() as uow:
            page = uow.audit_log.page(after=after, limit=5)
        if not page:
            break
        seen += [e.seq for e in page]
        after = page[-1].seq
    assert seen == sorted(e.seq for e in entries)


def _hold_stream(container: Container, entity_id: str, held: threading.Event,
                 release: threading.Event) -> None:
    """A writer that has chained its entry (so holds its stream's head and has drawn its
    global seq) and waits before committing."""
    with container.uow() as uow:
        uow.audit(SYSTEM, "slow.write", "thing", entity_id)
        uow._flush_audit()
        held.set()
        release.wait(30)
        uow.commit()


def _commit_one(container: Container, entity_id: str) -> None:
    with container.uow() as uow:
        uow.audit(SYSTEM, "quick.write", "thing", entity_id)
        uow.commit()


def _run(fn: object, *args: object) -> threading.Thread:
    t = threading.Thread(target=fn, args=args)  # type: ignore[arg-type]
    t.start()
    return t


def test_writers_in_different_streams_do_not_wait_for_each_other(pg: Container) -> None:
    held, release = threading.Event(), threading.Event()
    slow = _run(_hold_stream, pg, entity_in(1), held, release)
    try:
        assert held.wait(30)
        other = _run(_commit_one, pg, entity_in(2))
        other.join(10)
        assert not other.is_alive(), "a writer in stream 2 queued behind one in stream 1"
        same = _run(_commit_one, pg, entity_in(1, "b"))
        same.join(0.5)
        assert same.is_alive(), "two writers of stream 1 must take turns"
    finally:
        release.set()
        slow.join(30)
    same.join(30)
    with pg.uow() as uow:
        assert uow.audit_log.verify().ok and uow.head_seq() == 3


def test_a_reader_never_steps_over_an_entry_still_being_committed(pg: Container) -> None:
    held, release = threading.Event(), threading.Event()
    slow = _run(_hold_stream, pg, entity_in(1), held, release)
    pages: list[list[int]] = []
    try:
        assert held.wait(30)  # it drew seq 1 and has not committed
        _commit_one(pg, entity_in(2))  # seq 2, committed

        def read() -> None:
            with pg.uow() as uow:
                pages.append([e.seq for e in uow.audit_log.page(after=0)])

        reader = _run(read)
        time.sleep(0.3)
        assert not pages, "the page must wait for the writer in flight, not skip its seq"
    finally:
        release.set()
        slow.join(30)
    reader.join(30)
    assert pages == [[1, 2]]
