"""Who sees and changes which object, as a table: role x object owner x route.

The book: one line with two purchases, one at "Shop A" and one at "Shop B".  ``shop_a`` is a
``service`` user bound to Shop A (the owner of purchase A), ``shop_b`` one bound to Shop B
(not its owner).  A merchant integration sees and changes only its own merchant's purchases
and returns, buys only as its own merchant, and does nothing a checkout does not need (no
repayments, no line, statement, customer or application browsing).  Another merchant's
purchase answers 404, exactly as a missing one, so purchase ids do not leak; a route the role
may not use at all answers 403 naming the permission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.errors import Forbidden, NotFound
from creditline.servicing import services as sv
from tests.api.test_customers import ZHANG, register
from tests.conftest import ADMIN, create_user
from tests.integration.servicing_support import open_line

ROLES = ("admin", "risk_officer", "reviewer", "collector", "auditor", "shop_a", "shop_b")


@dataclass
class Book:
    line_id: str
    customer_id: str
    purchase_a: str
    purchase_b: str
    headers: dict[str, dict[str, str]]


def _buy(api: TestClient, line_id: str, merchant: str, headers: dict[str, str],
         key: str) -> Any:
    return api.post(f"/v1/credit-lines/{line_id}/purchases",
                    headers={**headers, "Idempotency-Key": key},
                    json={"amount": "100.00", "merchant": merchant,
                          "merchant_category": "electronics"})


@pytest.fixture
def book(sqlite_api: TestClient, sqlite_container: Container,
         role_headers: dict[str, dict[str, str]]) -> Book:
    customer_id = register(sqlite_api, ZHANG)["id"]
    line = sv.open_line(sv.OpenLine(customer_id, "consumer_bnpl", "10000.00"),
                        sqlite_container.uow(), SYSTEM)
    headers = {r: h for r, h in role_headers.items() if r != "service"}
    headers["admin"] = ADMIN
    headers["shop_a"] = create_user(sqlite_container, "shop-a", Role.SERVICE, ("Shop A",))
    headers["shop_b"] = create_user(sqlite_container, "shop-b", Role.SERVICE, ("Shop B",))
    a = _buy(sqlite_api, line.id, "Shop A", headers["shop_a"], "seed-a")
    b = _buy(sqlite_api, line.id, "Shop B", headers["shop_b"], "seed-b")
    assert a.status_code == b.status_code == 201, (a.text, b.text)
    return Book(line.id, line.customer_id, a.json()["id"], b.json()["id"], headers)


def call(api: TestClient, book: Book, route: str, headers: dict[str, str]) -> Any:
    line, pa = book.line_id, book.purchase_a
    if route == "read purchase A":
        return api.get(f"/v1/purchases/{pa}", headers=headers)
    if route == "return purchase A":
        return api.post(f"/v1/purchases/{pa}/returns", json={"amount": "10.00"},
                        headers={**headers, "Idempotency-Key": "ret-1"})
    if route == "buy as Shop A":
        return _buy(api, line, "Shop A", headers, "buy-1")
    if route == "repay the line":
        return api.post(f"/v1/credit-lines/{line}/repayments", json={"amount": "10.00"},
                        headers={**headers, "Idempotency-Key": "pay-1"})
    if route == "read the line":
        return api.get(f"/v1/credit-lines/{line}", headers=headers)
    if route == "read statements":
        return api.get(f"/v1/credit-lines/{line}/statements", headers=headers)
    if route == "read the customer":
        return api.get(f"/v1/customers/{book.customer_id}", headers=headers)
    if route == "list applications":
        return api.get("/v1/applications", params={"customer_id": book.customer_id},
                       headers=headers)
    raise AssertionError(route)


# expected status per role, in ROLES order
TABLE: dict[str, tuple[int, ...]] = {
    #                      admin risk  revw  coll  audit shop_a shop_b
    "read purchase A":    (200,  200,  200,  200,  200,  200,   404),
    "return purchase A":  (201,  201,  403,  403,  403,  201,   404),
    "buy as Shop A":      (201,  201,  403,  403,  403,  201,   403),
    "repay the line":     (201,  201,  403,  201,  403,  403,   403),
    "read the line":      (200,  200,  200,  200,  200,  403,   403),
    "read statements":    (200,  200,  200,  200,  200,  403,   403),
    "read the customer":  (200,  200,  200,  200,  200,  403,   403),
    "list applications":  (200,  200,  200,  403,  200,  403,   403),
}
CASES = [(route, role, status) for route, row in TABLE.items()
         for role, status in zip(ROLES, row, strict=True)]


@pytest.mark.parametrize(("route", "role", "status"), CASES,
                         ids=[f"{route}-{role}" for route, role, _ in CASES])
def test_role_by_owner_by_route(sqlite_api: TestClient, book: Book, route: str, role: str,
                                status: int) -> None:
    r = call(sqlite_api, book, route, book.headers[role])
    assert r.status_code == status, r.text
    if status == 404:  # the same answer as for an id that does not exist
        missing = sqlite_api.get("/v1/purchases/no-such-purchase", headers=book.headers[role])
        assert r.json()["message"] == f"purchase {book.purchase_a} not found"
        assert missing.json()["message"] == "purchase no-such-purchase not found"
    if status == 403:
        assert r.json()["code"] == "forbidden"


def test_a_refused_merchant_writes_nothing(sqlite_api: TestClient, book: Book) -> None:
    before = sqlite_api.get(f"/v1/credit-lines/{book.line_id}", headers=ADMIN).json()
    r = _buy(sqlite_api, book.line_id, "Shop A", book.headers["shop_b"], "buy-as-a")
    assert r.status_code == 403 and "only as its merchants (Shop B)" in r.json()["message"]
    back = sqlite_api.post(f"/v1/purchases/{book.purchase_a}/returns", json={"amount": "100.00"},
                           headers={**book.headers["shop_b"], "Idempotency-Key": "ret-b"})
    assert back.status_code == 404
    after = sqlite_api.get(f"/v1/credit-lines/{book.line_id}", headers=ADMIN).json()
    assert after == before
    assert sqlite_api.get(f"/v1/purchases/{book.purchase_a}",
                          headers=ADMIN).json()["returned"] == "0.00"


@pytest.mark.parametrize(("role", "merchants"), [
    ("admin", {"Shop A", "Shop B"}), ("collector", {"Shop A", "Shop B"}),
    ("shop_a", {"Shop A"}), ("shop_b", {"Shop B"})])
def test_a_line_s_purchases_are_filtered_to_what_the_caller_may_see(
        sqlite_api: TestClient, book: Book, role: str, merchants: set[str]) -> None:
    r = sqlite_api.get(f"/v1/credit-lines/{book.line_id}/purchases", headers=book.headers[role])
    assert r.status_code == 200 and {p["merchant"] for p in r.json()["items"]} == merchants
    assert r.json()["total"] == len(r.json()["items"])  # the count is of what they may see


def test_the_services_enforce_it_for_every_entrypoint(container: Container) -> None:
    """The checks sit where the purchase is loaded, so the CLI and the API share them (both
    stores)."""
    line = open_line(container)
    shop_a = Principal("a", "shop-a", Role.SERVICE, frozenset({"Shop A"}))
    shop_b = Principal("b", "shop-b", Role.SERVICE, frozenset({"Shop B"}))
    bought = sv.purchase(sv.Purchase(line.id, "50.00", "Shop A", "electronics"),
                         container.uow(), shop_a)
    with pytest.raises(Forbidden, match="merchant"):
        sv.purchase(sv.Purchase(line.id, "50.00", "Shop A", "electronics"),
                    container.uow(), shop_b)
    with pytest.raises(NotFound):
        sv.get_purchase(bought.id, container.uow(), shop_b)
    with pytest.raises(NotFound):
        sv.return_goods(sv.ReturnGoods(bought.id, "5.00"), container.uow(), shop_b)
    assert sv.purchases_of_line(line.id, container.uow(), shop_b) == []
    assert sv.get_purchase(bought.id, container.uow(), shop_a).id == bought.id
    assert sv.return_goods(sv.ReturnGoods(bought.id, "5.00"), container.uow(),
                           shop_a).amount == 5
