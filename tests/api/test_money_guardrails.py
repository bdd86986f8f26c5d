"""Money guardrails over HTTP, on SQLite and PostgreSQL: each attack from issue 11 is a worked
example here.  A customer with a 1,000.00 BNPL line buys a 100.00 phone (one payment):

- a "repayment" of 9,999,999,999,999.99 is refused, naming the most the line accepts
  (payoff 100.00 + the 1.00 tolerance); 100.50 is taken, and 0.50 stays as a credit balance;
- a credit balance goes back to the customer through a refund (Dr customer credit / Cr customer
  refund payable), retried safely with its Idempotency-Key;
- a return needs an Idempotency-Key: retried, it is booked once;
- a manual limit stays within the product's range (500.00 to 50,000.00), and a raise of more
  than 1,000.00 is a proposal another officer approves or rejects.
"""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from tests.api.test_lines import buy, open_line
from tests.conftest import ADMIN


def _key(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def _line(api: TestClient, line_id: str) -> dict:
    return api.get(f"/v1/credit-lines/{line_id}", headers=ADMIN).json()


def _clean_ledger(api: TestClient) -> None:
    check = api.get("/v1/ledger/check", headers=ADMIN).json()
    assert check["ok"], check
    assert api.get("/v1/ledger/trial-balance", headers=ADMIN).json()["balanced"]


def test_an_overpayment_beyond_the_payoff_plus_tolerance_is_refused_and_writes_nothing(
        api: TestClient, container: Container) -> None:
    line = open_line(api, container)
    assert buy(api, line["id"], "100.00").status_code == 201
    before = _line(api, line["id"])
    entries_before = api.get("/v1/ledger/entries", headers=ADMIN,
                             params={"line_id": line["id"]}).json()

    r = api.post(f"/v1/credit-lines/{line['id']}/repayments", headers=_key(ADMIN, "huge"),
                 json={"amount": "9999999999999.99"})
    assert r.status_code == 422, r.text
    assert "amount" in r.text and "must not exceed 101.00" in r.json()["message"]
    assert _line(api, line["id"]) == before
    assert api.get("/v1/ledger/entries", headers=ADMIN,
                   params={"line_id": line["id"]}).json() == entries_before
    # the refused key was not used up: it can carry an acceptable amount afterwards
    over = api.post(f"/v1/credit-lines/{line['id']}/repayments", headers=_key(ADMIN, "huge"),
                    json={"amount": "101.01"})
    assert over.status_code == 422 and "101.00" in over.json()["message"]

    # within the tolerance: as before, the excess stays as a credit balance
    ok = api.post(f"/v1/credit-lines/{line['id']}/repayments", headers=_key(ADMIN, "p1"),
                  json={"amount": "100.50"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["allocation"]["credit_balance"] == "0.50"
    after = _line(api, line["id"])
    assert (after["balances"]["total_owed"], after["balances"]["credit_balance"],
            after["payoff_amount"]) == ("0.00", "0.50", "0.00")
    # owing nothing, the line takes at most the tolerance
    assert api.post(f"/v1/credit-lines/{line['id']}/repayments", headers=_key(ADMIN, "p2"),
                    json={"amount": "1.01"}).status_code == 422
    _clean_ledger(api)


def test_a_credit_balance_is_refunded_once_with_balanced_postings(
        api: TestClient, container: Container, role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(api, container)
    lid = line["id"]
    p = buy(api, lid, "100.00").json()
    assert api.post(f"/v1/credit-lines/{lid}/repayments", headers=_key(ADMIN, "pay"),
                    json={"amount": "100.00"}).status_code == 201
    # the phone goes back after it was paid for: the 100.00 becomes a credit balance
    back = api.post(f"/v1/purchases/{p['id']}/returns", headers=_key(ADMIN, "ret"),
                    json={"amount": "100.00"})
    assert back.status_code == 201, back.text
    assert _line(api, lid)["balances"]["credit_balance"] == "100.00"

    url = f"/v1/credit-lines/{lid}/refunds"
    assert api.post(url, headers=_key(role_headers["collector"], "f1"),
                    json={"amount": "60.00"}).status_code == 403
    assert api.post(url, headers=ADMIN, json={"amount": "60.00"}).status_code == 422  # no key
    too_much = api.post(url, headers=_key(ADMIN, "f0"), json={"amount": "100.01"})
    assert too_much.status_code == 422 and "100.00" in too_much.json()["message"]
    assert "amount" in too_much.text

    first = api.post(url, headers=_key(role_headers["risk_officer"], "f1"),
                     json={"amount": "60.00"})
    assert first.status_code == 201, first.text
    assert (first.json()["amount"], first.json()["credit_balance"],
            first.json()["replayed"]) == ("60.00", "40.00", False)
    again = api.post(url, headers=_key(role_headers["risk_officer"], "f1"),
                     json={"amount": "60.00"})
    assert again.status_code == 201
    assert (again.json()["id"], again.json()["replayed"]) == (first.json()["id"], True)
    assert api.post(url, headers=_key(ADMIN, "f1"), json={"amount": "10.00"}).status_code == 409
    assert _line(api, lid)["balances"]["credit_balance"] == "40.00"

    rest = api.post(url, headers=_key(ADMIN, "f2"), json={})  # no amount: all that is left
    assert (rest.status_code, rest.json()["amount"], rest.json()["credit_balance"]) == (
        201, "40.00", "0.00")
    assert api.post(url, headers=_key(ADMIN, "f3"), json={}).status_code == 422  # nothing left

    tb = {a["account"]: a for a in
          api.get("/v1/ledger/trial-balance", headers=ADMIN).json()["accounts"]}
    assert tb["payable:customer_refund"]["credit"] == "100.00"
    assert Decimal(tb["liability:customer_credit"]["balance"]) == 0  # nothing left to owe back
    _clean_ledger(api)
    audit = api.get("/v1/audit", headers=ADMIN, params={"entity_id": first.json()["id"]}).json()
    rows = audit["items"]
    assert [e["action"] for e in rows] == ["refund.created"]


def test_a_retried_return_is_booked_once_and_a_changed_body_is_409(
        api: TestClient, container: Container) -> None:
    line = open_line(api, container)
    p = buy(api, line["id"], "300.00", installments=3).json()
    url = f"/v1/purchases/{p['id']}/returns"
    missing = api.post(url, headers=ADMIN, json={"amount": "100.00"})
    assert missing.status_code == 422 and "Idempotency-Key" in missing.text
    first = api.post(url, headers=_key(ADMIN, "ret-1"), json={"amount": "100.00"})
    retry = api.post(url, headers=_key(ADMIN, "ret-1"), json={"amount": "100.00"})
    assert (first.status_code, retry.status_code) == (201, 201)
    assert (retry.json()["id"], retry.json()["replayed"]) == (first.json()["id"], True)
    assert api.post(url, headers=_key(ADMIN, "ret-1"),
                    json={"amount": "50.00"}).status_code == 409
    assert api.get(f"/v1/purchases/{p['id']}", headers=ADMIN).json()["returned"] == "100.00"
    assert _line(api, line["id"])["used"] == "200.00"
    _clean_ledger(api)


def test_manual_limits_stay_in_the_product_range_and_large_raises_need_a_second_person(
        api: TestClient, container: Container, role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(api, container)
    lid = line["id"]
    officer, other = role_headers["risk_officer"], ADMIN
    url = f"/v1/credit-lines/{lid}/limit"
    low = api.post(url, headers=officer, json={"limit": "10.00", "reason": "typo"})
    assert low.status_code == 422 and "at least 500.00" in low.json()["message"]
    high = api.post(url, headers=officer, json={"limit": "50000.01", "reason": "x"})
    assert high.status_code == 422 and "must not exceed 50000.00" in high.json()["message"]

    # a raise of 500.00 is within one officer's reach
    small = api.post(url, headers=officer, json={"limit": "1500.00", "reason": "good payer"})
    assert (small.status_code, small.json()["limit"]) == (200, "1500.00")

    # 15,000.00 is a raise of 13,500.00: only a proposal, the limit stays
    prop = api.post(url, headers=officer, json={"limit": "15000.00", "reason": "salary up"})
    assert prop.status_code == 202, prop.text
    pid = prop.json()["id"]
    assert (prop.json()["status"], prop.json()["proposed_by"]) == ("pending", "user-risk_officer")
    assert _line(api, lid)["limit"] == "1500.00"
    pending = api.get("/v1/limit-proposals", headers=role_headers["auditor"]).json()
    assert [x["id"] for x in pending["items"]] == [pid] and pending["total"] == 1
    assert api.get("/v1/limit-proposals", headers=role_headers["collector"]).status_code == 403

    decide = f"/v1/limit-proposals/{pid}/approve"
    own = api.post(decide, headers=officer, json={"note": "looks fine to me"})
    assert own.status_code == 403 and "second person" in own.json()["message"]
    assert api.post(decide, headers=role_headers["reviewer"],
                    json={"note": "ok"}).status_code == 403
    assert _line(api, lid)["limit"] == "1500.00"
    ok = api.post(decide, headers=other, json={"note": "payslips checked"})
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["decided_by"]) == ("approved", "test-admin")
    assert _line(api, lid)["limit"] == "15000.00"
    assert api.post(decide, headers=other, json={"note": "again"}).status_code == 409
    assert api.get("/v1/limit-proposals", headers=ADMIN).json() == {
        "items": [], "next_cursor": None, "total": 0}
    last = api.get(f"/v1/credit-lines/{lid}/limit-history", headers=ADMIN).json()["items"][-1]
    assert (last["source"], last["old_limit"], last["new_limit"], last["actor"]) == (
        "manual", "1500.00", "15000.00", "test-admin")
    assert "user-risk_officer" in last["note"] and "test-admin" in last["note"]

    # a rejected proposal leaves the limit alone
    prop2 = api.post(url, headers=other, json={"limit": "30000.00", "reason": "vip"}).json()
    rej = api.post(f"/v1/limit-proposals/{prop2['id']}/reject", headers=officer,
                   json={"note": "no income proof"})
    assert (rej.status_code, rej.json()["status"]) == (200, "rejected")
    assert _line(api, lid)["limit"] == "15000.00"
    decided = api.get("/v1/limit-proposals", headers=ADMIN, params={"status": "rejected"}).json()
    assert [x["id"] for x in decided["items"]] == [prop2["id"]]

    # a cut below what is used is allowed at once: available 0
    assert buy(api, lid, "800.00", key="b1").status_code == 201
    cut = api.post(url, headers=officer, json={"limit": "500.00", "reason": "risk score fell"})
    assert (cut.status_code, cut.json()["limit"], cut.json()["used"], cut.json()["available"]) == (
        200, "500.00", "800.00", "0.00")
