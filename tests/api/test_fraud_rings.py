"""Fraud caught at application, on both stores, as a fraud team meets it.

- A ring of three: three applicants list the organiser's phone as their emergency contact;
  each is referred (RING_SIZE) with the ring on the review screen.
- A ring forming over three weeks: Zhao applies alone on 2 March (approved: nobody shares
  anything with him yet); Qian applies on 9 March from Zhao's phone (a ring of two:
  approved); Sun applies on 23 March from Qian's home IP.  Sun makes it three: referred,
  and the lines already opened for Zhao and Qian are frozen in the same transaction
  (links across time: the ring window is 90 days, not one day's batch).
- Three applicants giving one home address (written three ways) are a ring; so are an
  applicant and the two others who list her own mobile as their emergency contact.
- A mobile number in service for 3 months (the carrier check) is referred (PHONE_NEW).
- A good applicant who shares nothing, with a mobile of four years, is approved with
  nothing fired; as a new customer, at the product's first limit of 3,000.00.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.store.tables.foundation import outbox
from tests.api.test_applications_support import (
    GOOD_BUREAU,
    add_contact,
    applied,
    apply,
    codes,
    person,
    register,
)
from tests.conftest import ADMIN

ORGANISER = "13911112222"


def _line(api: TestClient, line_id: str) -> dict[str, Any]:
    return dict(api.get(f"/v1/credit-lines/{line_id}", headers=ADMIN).json())


def test_a_ring_of_three_is_caught(api: TestClient,
                                   role_headers: dict[str, dict[str, str]]) -> None:
    ids = [register(api, person(70 + i)) for i in range(3)]
    for cid in ids:
        add_contact(api, cid, ORGANISER)
    answers = [applied(api, cid, bureau=GOOD_BUREAU, phone_tenure_months=40) for cid in ids]
    assert [a["decision"] for a in answers] == ["referred"] * 3
    assert all(codes(a)[0] == "RING_SIZE" for a in answers)
    item = api.get(f"/v1/reviews/{answers[2]['review_id']}",
                   headers=role_headers["reviewer"]).json()
    assert item["ring"]["size"] == 3 and sorted(
        m["customer_id"] for m in item["ring"]["members"]) == sorted(ids)
    assert {"code": "RING_SIZE", "action": "refer"} in item["checks"]["fired"]


def test_a_ring_forming_over_three_weeks_is_caught_and_its_early_lines_frozen(
        api: TestClient, container: Container, clock: FixedClock) -> None:
    zhao, qian, sun = (register(api, person(80 + i)) for i in range(3))
    first = applied(api, zhao, device_id="zhao-phone", ip="198.51.100.1", bureau=GOOD_BUREAU)
    assert first["decision"] == "approved"
    clock.advance(days=7)
    second = applied(api, qian, device_id="zhao-phone", ip="198.51.100.2", bureau=GOOD_BUREAU)
    assert second["decision"] == "approved"  # a ring of two: a couple could look like this
    clock.advance(days=14)
    third = applied(api, sun, device_id="sun-phone", ip="198.51.100.2", bureau=GOOD_BUREAU)
    assert third["decision"] == "referred" and codes(third)[0] == "RING_SIZE"
    assert third["line_id"] is None
    for early in (first, second):
        line = _line(api, early["line_id"])
        assert line["status"] == "frozen", line
    with container.engine.connect() as c:
        events = [r.payload for r in c.execute(select(outbox.c.payload).where(
            outbox.c.topic == "fraud.ring_detected"))]
    assert len(events) == 1 and events[0]["size"] == 3
    assert sorted(events[0]["held_lines"]) == sorted([first["line_id"], second["line_id"]])
    # a frozen line takes no purchase (the checkout is told why)
    r = api.post(f"/v1/credit-lines/{first['line_id']}/purchases",
                 headers={**ADMIN, "Idempotency-Key": "k1"},
                 json={"amount": "100.00", "merchant": "JD Mall", "merchant_category": "phones"})
    assert r.status_code == 409 and "frozen" in r.json()["message"]


def test_a_shared_home_address_links_a_ring(api: TestClient) -> None:
    ways = ("Room 301, 12 Jiefang Road, Wuhan", "room 301 12 jiefang road wuhan",
            "ROOM 301 - 12 JIEFANG ROAD, WUHAN.")
    answers = [applied(api, register(api, person(110 + i)), bureau=GOOD_BUREAU, address=a)
               for i, a in enumerate(ways)]
    assert [a["decision"] for a in answers] == ["approved", "approved", "referred"]
    assert codes(answers[2])[0] == "RING_SIZE"
    detail = api.get(f"/v1/applications/{answers[2]['id']}", headers=ADMIN).json()
    assert [link["kind"] for link in detail["ring"]["links"]] == ["address"]
    assert "Jiefang" not in str(detail)  # only the keyed hash is kept
    bad = apply(api, register(api, person(114)), bureau=GOOD_BUREAU, address=" ,. ")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "address"


def test_an_applicants_own_mobile_listed_by_two_others_links_a_ring(api: TestClient) -> None:
    hub = register(api, person(120))  # her own mobile is 13800000120
    answers = [applied(api, hub, bureau=GOOD_BUREAU)]
    for i in (121, 122):
        cid = register(api, person(i))
        add_contact(api, cid, "13800000120")
        answers.append(applied(api, cid, bureau=GOOD_BUREAU))
    assert [a["decision"] for a in answers] == ["approved", "approved", "referred"]
    assert codes(answers[2])[0] == "RING_SIZE"


def test_a_mobile_three_months_in_service_is_referred(api: TestClient) -> None:
    cid = register(api, person(90))
    a = applied(api, cid, bureau=GOOD_BUREAU, phone_tenure_months=3)
    assert a["decision"] == "referred" and codes(a)[0] == "PHONE_NEW"
    assert a["reasons"][0]["zh"] == "手机号码在网时长不足6个月"
    bad = apply(api, register(api, person(91)), bureau=GOOD_BUREAU, phone_tenure_months=-1)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "phone_tenure_months"


def test_a_good_applicant_sharing_nothing_is_not_flagged(api: TestClient) -> None:
    cid = register(api, person(95))
    add_contact(api, cid, "13955556666")
    a = applied(api, cid, device_id="own-phone", ip="192.0.2.55", bureau=GOOD_BUREAU,
                phone_tenure_months=48)
    assert a["decision"] == "approved"
    detail = api.get(f"/v1/applications/{a['id']}", headers=ADMIN).json()
    assert detail["checks"]["fired"] == [] and detail["checks"]["screening"]["ring_size"] == 1
    # a new customer: the limit ramp starts at the product's first limit
    assert a["limit"] == "3000.00" and codes(a)[0] == "FIRST_LIMIT"
    assert detail["policy"]["basis"]["binding"] == "FIRST_LIMIT"
