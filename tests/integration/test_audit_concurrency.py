"""The audit chain is extended at commit: a command's entries are chained in the order it
made them, a rolled-back command leaves none, and writers committing at the same time
(threads on real connections, both stores) still leave one unbroken chain."""

from __future__ import annotations

from creditline.audit import verify_chain
from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.parties import services
from tests.api.test_applications_support import id_number
from tests.integration.test_concurrency_servicing import hammer


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
        assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
        assert verify_chain(rows).ok


def test_simultaneous_registrations_leave_one_unbroken_chain(container: Container) -> None:
    def register(i: int) -> str:
        return services.register_customer(services.RegisterPerson(
            name=f"P{i}", id_number=id_number(i), phone=f"1381234{i:04d}", monthly_income="5000",
            consents={"credit_check": True, "data_processing": True,
                      "emergency_contact": True}), container.uow(), SYSTEM).id

    results = hammer(12, register)
    assert all(isinstance(r, str) for r in results), results
    with container.uow() as uow:
        report = verify_chain(uow.audit_log.iterate())
        assert report.ok and report.checked == 12 and uow.head_seq() == 12
