"""Credit lines over HTTP: opening, purchasing with idempotency keys, refusals with reasons,
returns, repayments with their allocation, statements, end of day and the ledger."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.conftest import ADMIN
from tests.integration.servicing_support import add_customer


def open_line(api: TestClient, container: Container, limit: str = "1000.00",
              product: str = "consumer_bnpl") -> dict:
    r = api.post("/v1/credit-lines", headers=ADMIN, json={
        "customer_id": add_customer(container), "product": product, "limit": limit})
    assert r.status_code == 201, r.text
    return r.json()


def buy(api: TestClient, line_id: str, amount: str = "100.00", key: str = "k1", **extra: object):
    return api.post(f"/v1/credit-lines/{line_id}/purchases", headers={**ADMIN, "Idempotency-Key": key},
                    json={"amount": amount, "merchant": "JD Mall", "merchant_category": "phones",
                          **extra})


def test_a_line_opens_with_its_balances_and_product_version(
        sqlite_api: TestClient, sqlite_container: Container) -> None:
    line = open_line(sqlite_api, sqlite_container, "8000.00")
    assert (line["status"], line["limit"], line["used"], line["available"]) == (
        "active", "8000.00", "0.00", "8000.00")
    assert line["product_version"] and line["days_past_due"] == 0
    assert set(line["balances"]) >= {"principal_billed", "principal_unbilled", "fees",
                                      "interest_billed", "penalties", "credit_balance"}
    got = sqlite_api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()
    assert got["id"] == line["id"] and got["as_of"] == "2026-03-01"


@pytest.mark.parametrize(("body", "field"), [
    ({"limit": "abc"}, "limit"), ({"limit": "10.001"}, "limit"), ({"limit": 1000}, "limit"),
    ({"limit": 1000.5}, "limit"), ({"limit": "-5.00"}, "limit"), ({"limit": "0"}, "limit"),
    ({"limit": "99999999.00"}, "limit"), ({"product": "gold_card"}, "product"),
    ({"statement_day": 30}, "statement_day"),
])
def test_opening_refuses_bad_input_naming_the_field(
        sqlite_api: TestClient, sqlite_container: Container, body: dict, field: str) -> None:
    payload = {"customer_id": add_customer(sqlite_container), "product": "consumer_bnpl",
               "limit": "1000.00", **body}
    r = sqlite_api.post("/v1/credit-lines", headers=ADMIN, json=payload)
    assert r.status_code == 422 and field in r.text


def test_only_admins_and_risk_officers_open_lines_and_unknown_customers_are_404(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    body = {"customer_id": add_customer(sqlite_container), "product": "consumer_bnpl",
            "limit": "500.00"}
    assert sqlite_api.post("/v1/credit-lines", headers=role_headers["reviewer"], json=body).status_code == 403
    assert sqlite_api.post("/v1/credit-lines", headers=role_headers["risk_officer"], json=body).status_code == 201
    body["customer_id"] = "no-such-customer"
    assert sqlite_api.post("/v1/credit-lines", headers=ADMIN, json=body).status_code == 404


@pytest.mark.parametrize("amount", ["100.001", "1e3", "-1.00", "0.00", " ", "1,000.00", 100, 99.5, None])
def test_amounts_are_positive_decimal_strings_with_at_most_two_decimals(
        sqlite_api: TestClient, sqlite_container: Container, amount: object) -> None:
    line = open_line(sqlite_api, sqlite_container)
    r = buy(sqlite_api, line["id"], amount)  # type: ignore[arg-type]
    assert r.status_code == 422 and "amount" in r.text
    assert sqlite_api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()["used"] == "0.00"


def test_a_retried_purchase_returns_the_same_purchase_and_a_changed_body_is_409(
        api: TestClient, container: Container) -> None:
    line = open_line(api, container)
    first = buy(api, line["id"], "120.00", key="order-7", installments=3)
    assert first.status_code == 201
    p = first.json()
    assert [i["principal"] for i in p["schedule"]] == ["40.00", "40.00", "40.00"]
    assert [i["fee"] for i in p["schedule"]] == ["0.60", "0.60", "0.60"]
    again = buy(api, line["id"], "120.00", key="order-7", installments=3)
    assert again.status_code == 201 and again.json()["id"] == p["id"] and again.json()["replayed"]
    assert buy(api, line["id"], "130.00", key="order-7", installments=3).status_code == 409
    assert api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()["used"] == "120.00"
    with container.uow() as uow:
        assert len(uow.ledger.entries(line_id=line["id"])) == 1
    assert buy(api, line["id"], key="").status_code == 422  # the key is required
    r = api.post(f"/v1/credit-lines/{line['id']}/purchases", headers=ADMIN,
                 json={"amount": "1.00", "merchant": "m", "merchant_category": "c"})
    assert r.status_code == 422 and "Idempotency-Key" in r.text


def test_refusals_carry_a_reason_and_post_nothing(sqlite_api: TestClient,
                                                   sqlite_container: Container) -> None:
    line = open_line(sqlite_api, sqlite_container, "500.00")
    over = buy(sqlite_api, line["id"], "500.01", key="a")
    assert over.status_code == 422 and over.json()["reason"] == "insufficient_available_credit"
    bad_plan = buy(sqlite_api, line["id"], "100.00", key="b", installments=5)
    assert bad_plan.status_code == 422 and "1, 3, 6, 12, 24" in bad_plan.json()["message"]
    frozen = sqlite_api.post(f"/v1/credit-lines/{line['id']}/status", headers=ADMIN,
                             json={"status": "frozen", "reason": "suspected fraud"})
    assert frozen.status_code == 200 and frozen.json()["status"] == "frozen"
    r = buy(sqlite_api, line["id"], "10.00", key="c")
    assert r.status_code == 409 and "frozen" in r.json()["message"]
    tb = sqlite_api.get("/v1/ledger/trial-balance", headers=ADMIN).json()
    assert tb["accounts"] == [] and tb["balanced"]


def test_purchase_return_repayment_statement_and_ledger_over_http(
        api: TestClient, container: Container, clock: FixedClock,
        role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(api, container, "2000.00")
    lid = line["id"]
    p = buy(api, lid, "600.00", key="p1", installments=6).json()
    ret = api.post(f"/v1/purchases/{p['id']}/returns", headers={**ADMIN, "Idempotency-Key": "r1"},
                   json={"amount": "200.00"})
    assert ret.status_code == 201 and ret.json()["effect"]["unbilled_principal"] == "200.00"
    schedule = api.get(f"/v1/purchases/{p['id']}", headers=role_headers["auditor"]).json()["schedule"]
    assert [i["principal"] for i in schedule] == ["100.00"] * 4 + ["0.00"] * 2
    assert api.post(f"/v1/purchases/{p['id']}/returns",
                    headers={**ADMIN, "Idempotency-Key": "r2"},
                    json={"amount": "400.01"}).json()["reason"] == "exceeds_returnable"

    clock.set_date(date(2026, 4, 1))
    assert api.post("/v1/eod", headers=role_headers["risk_officer"],
                    json={"business_date": "2026-04-01"}).status_code == 403
    eod = api.post("/v1/eod", headers=ADMIN, json={"business_date": "2026-04-01"}).json()
    assert eod["days"][-1] == {"business_date": "2026-04-01", "lines": 1, "skipped": 0,
                               "changed": 1, "statements": 1, "postings": 4}
    # nothing was due between the purchase day and the statement day: those days only moved on
    assert [d["skipped"] for d in eod["days"]] == [0] + [1] * 29 + [0]
    assert api.post("/v1/eod", headers=ADMIN, json={"business_date": "2026-04-01"}).json()["days"] == []
    [st] = api.get(f"/v1/credit-lines/{lid}/statements", headers=ADMIN).json()["items"]
    assert (st["opening_balance"], st["purchases"], st["returns"], st["fees"],
            st["closing_balance"], st["amount_due"], st["minimum_payment"], st["due_date"]) == (
        "0.00", "600.00", "200.00", "3.00", "403.00", "103.00", "50.00", "2026-04-10")

    pay = api.post(f"/v1/credit-lines/{lid}/repayments",
                   headers={**ADMIN, "Idempotency-Key": "r1"}, json={"amount": "150.00"})
    assert pay.status_code == 201
    assert pay.json()["allocation"] == {"penalty": "0.00", "fee": "3.00", "interest": "0.00",
                                        "principal": "100.00", "prepaid_interest": "0.00",
                                        "prepaid_principal": "47.00", "credit_balance": "0.00"}
    assert api.post(f"/v1/credit-lines/{lid}/repayments", headers={**ADMIN, "Idempotency-Key": "r1"},
                    json={"amount": "150.00"}).json()["id"] == pay.json()["id"]
    v = api.get(f"/v1/credit-lines/{lid}", headers=ADMIN).json()
    assert (v["used"], v["available"], v["amount_due"]) == ("253.00", "1747.00", "0.00")

    tb = api.get("/v1/ledger/trial-balance", headers=role_headers["auditor"]).json()
    assert tb["balanced"] and tb["total"] == "0.00" and tb["total_debit"] == tb["total_credit"]
    assert api.get("/v1/ledger/trial-balance", headers=role_headers["collector"]).status_code == 403
    assert api.get("/v1/ledger/check", headers=ADMIN).json()["ok"] is True
    kinds = [e["kind"] for e in api.get(f"/v1/ledger/entries?line_id={lid}", headers=ADMIN).json()]
    assert sorted(kinds) == ["eod", "purchase", "repayment", "return"]


def test_statements_page_one_at_a_time_oldest_first_and_refuse_a_forged_cursor(
        api: TestClient, container: Container, clock: FixedClock) -> None:
    """A purchase in March, end of day run to 1 June: statements on 1 April, 1 May and
    1 June, read one per page, each once, in date order; a made-up cursor is a 422."""
    line = open_line(api, container, "2000.00")
    lid = line["id"]
    assert buy(api, lid, "600.00", key="p1", installments=6).status_code == 201
    clock.set_date(date(2026, 6, 1))
    assert api.post("/v1/eod", headers=ADMIN,
                    json={"business_date": "2026-06-01"}).status_code == 200
    url = f"/v1/credit-lines/{lid}/statements"
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = api.get(url, headers=ADMIN, params=params).json()
        assert body["total"] == 3 and len(body["items"]) == 1
        seen.append(body["items"][0]["statement_date"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["2026-04-01", "2026-05-01", "2026-06-01"]
    assert [s["statement_date"] for s in api.get(url, headers=ADMIN).json()["items"]] == seen
    for bad in ("nope!", "eyJhIjoxfQ", "WzEsImEiXQ"):  # not base64url; {"a":1}; a (time, id) key
        r = api.get(url, headers=ADMIN, params={"cursor": bad})
        assert r.status_code == 422 and "cursor" in r.text, r.text
