"""Browsing the book: lists with filters, search through the keyed hash, one cursor style.

The book (clock 2026-03-02 02:00 UTC, moved ten minutes per customer): five persons
"Applicant 1..5" and one enterprise "Firm 1 Co., Ltd."; Applicant 1 applies and is approved
(a consumer_bnpl line), Applicant 2 is declined, Applicant 3 referred; Applicants 4 and 5 get
lines opened by hand (5's a day later).  On Applicant 1's line: two purchases at Shop A and
one at Shop B; on Applicant 4's: one at Shop A, returned in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from creditline.parties import services as parties
from creditline.servicing import browse as sv_browse
from creditline.servicing import services as sv
from tests.api.test_applications_support import (
    GOOD_BUREAU,
    POOR_BUREAU,
    REFER_BUREAU,
    applied,
    enterprise,
    id_number,
    person,
    register,
    uscc,
)
from tests.conftest import ADMIN, create_user


@dataclass
class Book:
    persons: list[str]  # customer ids of Applicant 1..5
    firm: str
    apps: dict[str, str]  # decision -> application id
    lines: dict[int, str]  # applicant number -> line id
    purchases: dict[str, str]  # a1, a2, b1 (Applicant 1's line), a4 (Applicant 4's, returned)
    shop_a: dict[str, str]
    shop_b: dict[str, str]


def _buy(api: TestClient, line: str, merchant: str, key: str) -> str:
    r = api.post(f"/v1/credit-lines/{line}/purchases", headers={**ADMIN, "Idempotency-Key": key},
                 json={"amount": "100.00", "merchant": merchant,
                       "merchant_category": "electronics"})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.fixture
def book(api: TestClient, container: Container, clock: FixedClock) -> Book:
    persons = []
    for body in (person(1), person(2, income="3000.00", employment="unemployed"),
                 person(3, income="6000.00", employment="freelancer"), person(4), person(5)):
        persons.append(register(api, body))
        clock.advance(minutes=10)
    firm = register(api, enterprise(1))
    apps = {}
    for decision, who, bureau in (("approved", 0, GOOD_BUREAU), ("declined", 1, POOR_BUREAU),
                                  ("referred", 2, REFER_BUREAU)):
        clock.advance(minutes=1)
        apps[decision] = applied(api, persons[who], bureau=bureau)
        assert apps[decision]["decision"] == decision
    clock.advance(minutes=1)
    lines = {1: apps["approved"]["line_id"]}
    lines[4] = sv.open_line(sv.OpenLine(persons[3], "consumer_bnpl", "5000.00"),
                            container.uow(), SYSTEM).id
    clock.advance(days=1)
    lines[5] = sv.open_line(sv.OpenLine(persons[4], "consumer_bnpl", "5000.00"),
                            container.uow(), SYSTEM).id
    purchases = {}
    for name, line, merchant in (("a1", lines[1], "Shop A"), ("a2", lines[1], "Shop A"),
                                 ("b1", lines[1], "Shop B"), ("a4", lines[4], "Shop A")):
        clock.advance(minutes=1)
        purchases[name] = _buy(api, line, merchant, f"key-{name}")
    r = api.post(f"/v1/purchases/{purchases['a4']}/returns", json={"amount": "100.00"},
                 headers={**ADMIN, "Idempotency-Key": "r4"})
    assert r.status_code == 201, r.text
    return Book(persons, firm, {k: v["id"] for k, v in apps.items()}, lines, purchases,
                create_user(container, "shop-a", Role.SERVICE, ("Shop A",)),
                create_user(container, "shop-b", Role.SERVICE, ("Shop B",)))


def listed(api: TestClient, path: str, headers: dict[str, str] = ADMIN, **params: Any
           ) -> dict[str, Any]:
    r = api.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"items", "next_cursor", "total"}
    return dict(body)


def ids(body: dict[str, Any]) -> list[str]:
    return [x["id"] for x in body["items"]]


def every_page(api: TestClient, path: str, limit: int, **params: Any) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = listed(api, path, limit=limit, **params, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= limit
        seen += ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


# ----- customers ---------------------------------------------------------------------------

def test_customers_are_listed_oldest_first_and_filtered_by_kind_name_and_date(
        api: TestClient, book: Book) -> None:
    everyone = listed(api, "/v1/customers")
    assert ids(everyone) == [*book.persons, book.firm] and everyone["total"] == 6
    assert everyone["next_cursor"] is None
    assert ids(listed(api, "/v1/customers", kind="enterprise")) == [book.firm]
    named = listed(api, "/v1/customers", name="aPPlicant")
    assert ids(named) == book.persons and named["total"] == 5
    assert ids(listed(api, "/v1/customers", name="cant 3")) == [book.persons[2]]
    assert ids(listed(api, "/v1/customers", name="100%")) == []  # % is a character, not a wildcard
    assert listed(api, "/v1/customers", created_from="2026-03-03")["total"] == 0
    assert listed(api, "/v1/customers", created_from="2026-03-02",
                  created_to="2026-03-02")["total"] == 6


def test_customers_are_found_by_phone_identity_number_and_uscc_as_registration_writes_them(
        api: TestClient, book: Book, role_headers: dict[str, dict[str, str]]) -> None:
    def search(headers: dict[str, str] = ADMIN, **body: Any) -> list[dict[str, Any]]:
        r = api.post("/v1/customers/search", json=body, headers=headers)
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    # the same normalisation as registration: +86, spaces and dashes; lower-case x
    assert [c["id"] for c in search(phone="+86 138-0000-0002")] == [book.persons[1]]
    idn = id_number(4)
    assert [c["id"] for c in search(id_number=f" {idn.lower()} ")] == [book.persons[3]]
    assert [c["id"] for c in search(uscc=uscc(1).lower())] == [book.firm]
    assert search(phone="13899999999") == []
    both = search(name="applicant", phone="13800000005")
    assert [c["id"] for c in both] == [book.persons[4]]
    # full personal data for a risk officer, masked for a reviewer (the existing rules)
    [full] = search(phone="13800000002", headers=role_headers["risk_officer"])
    [masked] = search(phone="13800000002", headers=role_headers["reviewer"])
    assert full["phone"] == "13800000002" and full["pii"] == "full"
    assert masked["phone"] != "13800000002" and masked["pii"] == "masked"
    assert masked["id_number"] != id_number(2)
    bad = api.post("/v1/customers/search", json={"phone": "12345"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["phone"]


def test_a_search_by_phone_or_identity_number_sends_only_the_keyed_hash_to_the_database(
        api: TestClient, book: Book, container: Container) -> None:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        statements.append(f"{statement} {parameters!r}")

    idn = id_number(4)
    event.listen(container.engine, "before_cursor_execute", seen)
    try:
        for body in ({"phone": "13800000002"}, {"id_number": idn}):
            r = api.post("/v1/customers/search", json=body, headers=ADMIN)
            assert r.status_code == 200 and r.json()["total"] == 1
    finally:
        event.remove(container.engine, "before_cursor_execute", seen)
    sql = "\n".join(statements)
    assert "13800000002" not in sql and idn not in sql
    with container.uow() as uow:
        assert uow.cipher.blind_index("13800000002") in sql and uow.cipher.blind_index(idn) in sql


def test_paging_through_customers_has_no_duplicates_no_gaps_and_survives_inserts(
        api: TestClient, book: Book, clock: FixedClock) -> None:
    assert every_page(api, "/v1/customers", 1) == [*book.persons, book.firm]
    first = listed(api, "/v1/customers", limit=4)
    assert ids(first) == book.persons[:4] and first["total"] == 6
    late = register(api, person(9))  # registered while the client pages
    rest = listed(api, "/v1/customers", limit=4, cursor=first["next_cursor"])
    assert ids(rest) == [book.persons[4], book.firm, late] and rest["next_cursor"] is None
    assert rest["total"] == 7


def test_customers_registered_in_the_same_instant_page_by_id(api: TestClient,
                                                             clock: FixedClock) -> None:
    """The clock stands still: every row has one created_at, the id breaks the tie."""
    made = sorted(register(api, person(20 + i)) for i in range(5))
    assert every_page(api, "/v1/customers", 2) == made


def test_limits_and_cursors_outside_the_rules_are_422_naming_the_parameter(
        api: TestClient) -> None:
    for params, field in (({"limit": 0}, "limit"), ({"limit": 201}, "limit"),
                          ({"limit": "ten"}, "limit"), ({"cursor": "not a cursor"}, "cursor"),
                          ({"cursor": "WzEsMl0"}, "cursor"), ({"cursor": "%00"}, "cursor"),
                          ({"kind": "robot"}, "kind")):
        for path in ("/v1/customers", "/v1/credit-lines", "/v1/purchases", "/v1/applications"):
            if field == "kind" and path != "/v1/customers":
                continue
            r = api.get(path, params=params, headers=ADMIN)
            assert r.status_code == 422, (path, params, r.text)
            assert r.json()["detail"][0]["loc"][-1] == field, (path, r.text)


# ----- lines -------------------------------------------------------------------------------

def test_lines_are_listed_and_filtered_by_status_product_dpd_customer_and_opening_date(
        api: TestClient, book: Book, clock: FixedClock) -> None:
    lines = book.lines
    assert ids(listed(api, "/v1/credit-lines")) == [lines[1], lines[4], lines[5]]
    assert ids(listed(api, "/v1/credit-lines", customer_id=book.persons[3])) == [lines[4]]
    assert listed(api, "/v1/credit-lines", product="consumer_bnpl")["total"] == 3
    assert listed(api, "/v1/credit-lines", product="sme_revolving")["total"] == 0
    assert listed(api, "/v1/credit-lines", min_dpd=1)["total"] == 0
    assert listed(api, "/v1/credit-lines", max_dpd=0)["total"] == 3
    opened_5 = listed(api, "/v1/credit-lines", opened_from=str(date(2026, 3, 3)))
    assert ids(opened_5) == [lines[5]]
    assert ids(listed(api, "/v1/credit-lines", opened_to="2026-03-02")) == [lines[1], lines[4]]
    r = api.post(f"/v1/credit-lines/{lines[4]}/status", headers=ADMIN,
                 json={"status": "frozen", "reason": "customer asked"})
    assert r.status_code == 200, r.text
    assert ids(listed(api, "/v1/credit-lines", status="frozen")) == [lines[4]]
    assert every_page(api, "/v1/credit-lines", 1) == [lines[1], lines[4], lines[5]]
    bad = api.get("/v1/credit-lines", params={"min_dpd": 5, "max_dpd": 2}, headers=ADMIN)
    assert bad.status_code == 422 and "max_dpd" in bad.text
    bad = api.get("/v1/credit-lines", params={"status": "asleep"}, headers=ADMIN)
    assert bad.status_code == 422 and "status" in bad.text


# ----- purchases ---------------------------------------------------------------------------

def test_purchases_are_listed_and_filtered_by_line_customer_merchant_date_and_status(
        api: TestClient, book: Book, clock: FixedClock) -> None:
    p = book.purchases
    everything = listed(api, "/v1/purchases")
    assert ids(everything) == [p["a1"], p["a2"], p["b1"], p["a4"]] and everything["total"] == 4
    assert everything["items"][0]["schedule"]  # each with its installment schedule
    assert ids(listed(api, "/v1/purchases", line_id=book.lines[4])) == [p["a4"]]
    # a line's own list is the same page in the same shape
    assert listed(api, f"/v1/credit-lines/{book.lines[4]}/purchases") == listed(
        api, "/v1/purchases", line_id=book.lines[4])
    assert ids(listed(api, "/v1/purchases", customer_id=book.persons[0])) == [p["a1"], p["a2"], p["b1"]]
    assert ids(listed(api, "/v1/purchases", merchant="Shop B")) == [p["b1"]]
    assert ids(listed(api, "/v1/purchases", status="returned")) == [p["a4"]]
    assert ids(listed(api, "/v1/purchases", status="active")) == [p["a1"], p["a2"], p["b1"]]
    assert listed(api, "/v1/purchases", status="paid")["total"] == 0
    today = clock.today()
    assert listed(api, "/v1/purchases", made_from=str(today), made_to=str(today))["total"] == 4
    assert listed(api, "/v1/purchases", made_to=str(today - timedelta(days=1)))["total"] == 0
    assert every_page(api, "/v1/purchases", 3) == [p["a1"], p["a2"], p["b1"], p["a4"]]


def test_a_merchant_integration_lists_only_its_own_merchants_purchases(
        api: TestClient, book: Book, role_headers: dict[str, dict[str, str]]) -> None:
    p = book.purchases
    mine = listed(api, "/v1/purchases", headers=book.shop_a)
    assert ids(mine) == [p["a1"], p["a2"], p["a4"]] and mine["total"] == 3
    assert ids(listed(api, "/v1/purchases", headers=book.shop_b)) == [p["b1"]]
    # asking for another merchant's purchases gives an empty page, not a hint
    assert listed(api, "/v1/purchases", headers=book.shop_b, merchant="Shop A")["total"] == 0
    assert ids(listed(api, "/v1/purchases", headers=book.shop_a, line_id=book.lines[1])) == [
        p["a1"], p["a2"]]
    # a checkout does not browse lines, customers or applications
    for path in ("/v1/credit-lines", "/v1/customers", "/v1/applications"):
        assert api.get(path, headers=book.shop_a).status_code == 403, path
    assert api.get("/v1/applications", headers=role_headers["collector"]).status_code == 403


# ----- applications ------------------------------------------------------------------------

def test_applications_are_listed_and_filtered_by_decision_product_customer_and_date(
        api: TestClient, book: Book) -> None:
    apps = book.apps
    everything = listed(api, "/v1/applications")
    assert ids(everything) == [apps["approved"], apps["declined"], apps["referred"]]
    assert [a["decision"] for a in everything["items"]] == ["approved", "declined", "referred"]
    for decision, app_id in apps.items():
        assert ids(listed(api, "/v1/applications", status=decision)) == [app_id]
    assert ids(listed(api, "/v1/applications", customer_id=book.persons[1])) == [apps["declined"]]
    assert listed(api, "/v1/applications", product="consumer_bnpl")["total"] == 3
    assert listed(api, "/v1/applications", product="sme_revolving")["total"] == 0
    assert listed(api, "/v1/applications", created_from="2026-03-02",
                  created_to="2026-03-02")["total"] == 3
    assert listed(api, "/v1/applications", created_to="2026-03-01")["total"] == 0
    assert every_page(api, "/v1/applications", 2) == list(apps.values())
    old = api.get("/v1/applications", params={"status": "approve"}, headers=ADMIN)
    assert old.status_code == 422 and "approved" in old.text


def test_a_nul_byte_or_a_lone_surrogate_in_a_filter_is_refused_naming_it_on_both_stores(
        api: TestClient, container: Container) -> None:
    """The API's input guard answers 400 before any route runs; the list services refuse
    the same values themselves (422 through the CLI or any other caller)."""
    for path, field in (("/v1/customers", "name"), ("/v1/credit-lines", "customer_id"),
                        ("/v1/credit-lines", "product"), ("/v1/purchases", "merchant"),
                        ("/v1/purchases", "line_id"), ("/v1/applications", "customer_id"),
                        ("/v1/applications", "product")):
        r = api.get(path, params={field: "a\x00b"}, headers=ADMIN)
        assert r.status_code == 400 and field in r.text, (path, field, r.text)
    r = api.post("/v1/customers/search", content=b'{"name": "\\ud800"}',
                 headers={**ADMIN, "Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    admin = Principal(user_id="u", name="admin", role=Role.ADMIN)
    for cmd, field in ((parties.ListCustomers(name="a\x00b"), "name"),
                       (parties.ListCustomers(name="\ud800"), "name"),
                       (sv_browse.ListPurchases(merchant="a\x00"), "merchant")):
        with pytest.raises(ValidationError) as err:
            if isinstance(cmd, parties.ListCustomers):
                parties.list_customers(cmd, container.uow(), admin)
            else:
                sv_browse.list_purchases(cmd, container.uow(), admin)
        assert err.value.field == field
