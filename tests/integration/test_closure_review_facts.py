"""The closure review sees what the other contexts know about the line: a purchase a
real-time trigger holds for a reviewer (lines.triggers), and an open collection case
(collections' ageing stage) each send the request to a person instead of approving it."""

from __future__ import annotations

from datetime import date

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.closure import services as cs
from creditline.servicing import services as sv
from tests.integration.closure_support import CUSTOMER, OFFICER, person_line
from tests.integration.servicing_support import eod_through


def test_a_held_purchase_refers_the_closure_request(container: Container,
                                                    clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(container, 21)
    for _ in range(3):  # the customer's usual purchase: 100.00
        sv.purchase(sv.Purchase(line.id, "100.00", "Suning", "electronics"), container.uow(),
                    OFFICER)
    held = sv.purchase(sv.Purchase(line.id, "2000.00", "Suning", "electronics"),
                       container.uow(), OFFICER)
    assert held.status == "held"  # twenty times the usual amount waits for a reviewer
    req = cs.submit_request(cs.SubmitRequest(line.id, ("no_longer_needed",), "", "close"),
                            container.uow(), CUSTOMER)
    assert req["status"] == "manual_review"
    assert "PENDING_PURCHASES" in [f["code"] for f in req["review"]["findings"]]


def test_an_open_collection_case_refers_the_closure_request(container: Container,
                                                            clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(container, 22)
    sv.purchase(sv.Purchase(line.id, "1200.00", "Suning", "electronics", 3), container.uow(),
                OFFICER)
    eod_through(container, clock, date(2026, 5, 10))  # the first minimum was never paid
    with container.uow() as uow:
        case = uow.collection_cases.active_for_line(line.id)
    assert case is not None
    req = cs.submit_request(cs.SubmitRequest(line.id, ("no_longer_needed",), "", "close"),
                            container.uow(), CUSTOMER)
    assert req["status"] in ("manual_review", "rejected")
    assert "COLLECTION_CASE" in [f["code"] for f in req["review"]["findings"]]
