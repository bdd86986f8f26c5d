"""Applying over HTTP: the three outcomes, every screening check, and bad input.

Clock: 2026-03-02 02:00 UTC.  Score bands of the shipped A-card and default ruleset:
>= 600 approves (band A), 555-570 refers, < 555 declines."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.policy.ruleset import default_ruleset
from creditline.store.tables.foundation import audit_log, outbox
from tests.api.test_applications_support import (
    GOOD_BUREAU,
    POOR_BUREAU,
    REFER_BUREAU,
    add_contact,
    applied,
    apply,
    codes,
    enterprise,
    person,
    register,
)
from tests.conftest import ADMIN


def test_a_good_applicant_is_approved_with_a_line_and_a_full_answer(
        api: TestClient, container: Container, role_headers: dict[str, dict[str, str]]) -> None:
    cid = register(api, person(1))
    # a new customer may ask for up to the product's first limit (3,000.00)
    a = applied(api, cid, requested_limit="2000.00", device_id="dev-1", ip="203.0.113.7",
                bureau=GOOD_BUREAU)
    assert a["decision"] == "approved" and a["band"] == "A"
    assert a["limit"] == "2000.00" and codes(a)[0] == "REQUESTED_LIMIT"
    assert 600 <= a["score"] < 700 and 0 < a["pd"] < 0.05
    assert 1 <= len(a["reasons"]) <= 4
    assert all(r["en"] and r["zh"] for r in a["reasons"])
    assert a["model"]["name"] == "bnpl_a_card" and a["model"]["version"] == 1
    rs = default_ruleset()
    assert a["rules"] == {"version": rs.version, "hash": rs.hash}
    assert a["elapsed_ms"] > 0 and a["line_id"]
    with container.engine.connect() as c:
        topics = [r.topic for r in c.execute(select(outbox.c.topic))]
        actions = [r.action for r in c.execute(select(audit_log.c.action))]
    assert "notification.requested" in topics
    assert "application.approved" in actions and "model.promoted" in actions
    detail = api.get(f"/v1/applications/{a['id']}", headers=role_headers["auditor"]).json()
    assert detail["features"]["inquiries_6m"] == 0 and detail["checks"]["fired"] == []
    assert detail["policy"]["basis"]["binding"] == "REQUESTED_LIMIT"


def test_a_poor_file_is_declined_with_the_score_reasons_first(sqlite_api: TestClient) -> None:
    cid = register(sqlite_api, person(2, income="3000.00", employment="unemployed"))
    a = applied(sqlite_api, cid, bureau=POOR_BUREAU)
    assert a["decision"] == "declined" and a["limit"] == "0.00" and a["line_id"] is None
    assert codes(a)[0] == "SCORE_BELOW_CUTOFF"
    assert set(codes(a)[1:]) <= {"A_INQUIRIES_6M", "A_DELINQUENCIES_24M", "A_EMPLOYMENT",
                                 "A_MONTHLY_INCOME", "A_REVOLVING_UTILIZATION",
                                 "A_CREDIT_HISTORY_MONTHS"}
    assert len(a["reasons"]) == 4
    zh = {r["code"]: r["zh"] for r in a["reasons"]}
    assert zh["SCORE_BELOW_CUTOFF"] == "信用评分低于审批门槛"


def test_the_refer_band_queues_a_review_with_a_proposed_limit(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    cid = register(api, person(3, income="6000.00", employment="freelancer"))
    a = applied(api, cid, bureau=REFER_BUREAU)
    assert a["decision"] == "referred" and a["band"] == "D" and a["review_id"]
    assert a["limit"] == "3000.00" and codes(a)[0] == "SCORE_REFER_BAND"
    queue = api.get("/v1/reviews?status=pending", headers=role_headers["reviewer"]).json()["items"]
    assert [item["id"] for item in queue] == [a["review_id"]]
    # a second application while this one waits is a conflict
    again = apply(api, cid, bureau=REFER_BUREAU)
    assert again.status_code == 409 and a["id"] in again.json()["message"]


def test_blacklisted_identity_phone_and_device_are_declined(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    officer = role_headers["risk_officer"]
    people = [person(10), person(11), person(12)]
    ids = [register(api, p) for p in people]
    for kind, value in (("id_number", people[0]["id_number"]), ("phone", people[1]["phone"]),
                        ("device", "stolen-device-9")):
        r = api.post("/v1/blacklist", headers=officer,
                     json={"kind": kind, "value": value, "reason": "confirmed fraud"})
        assert r.status_code == 201, r.text
        assert value not in r.json()["value"] or kind == "device"
    dup = api.post("/v1/blacklist", headers=officer, json={
        "kind": "phone", "value": people[1]["phone"], "reason": "again"})
    assert dup.status_code == 409
    assert codes(applied(api, ids[0], bureau=GOOD_BUREAU))[0] == "BLACKLIST_ID"
    assert codes(applied(api, ids[1], bureau=GOOD_BUREAU))[0] == "BLACKLIST_PHONE"
    third = applied(api, ids[2], bureau=GOOD_BUREAU, device_id="stolen-device-9")
    assert third["decision"] == "declined" and codes(third)[0] == "BLACKLIST_DEVICE"
    listed = api.get("/v1/blacklist", headers=role_headers["reviewer"]).json()["items"]
    assert {e["kind"] for e in listed} == {"id_number", "phone", "device"}
    assert api.get("/v1/blacklist", headers=role_headers["service"]).status_code == 403


def test_removing_a_blacklist_entry_lets_the_next_application_through(
        sqlite_api: TestClient, clock: FixedClock) -> None:
    cid = register(sqlite_api, person(13))
    entry = sqlite_api.post("/v1/blacklist", headers=ADMIN, json={
        "kind": "device", "value": "dev-x", "reason": "test"}).json()
    assert applied(sqlite_api, cid, device_id="dev-x", bureau=GOOD_BUREAU)["decision"] == "declined"
    removed = sqlite_api.delete(f"/v1/blacklist/{entry['id']}", headers=ADMIN).json()
    assert removed["active"] is False and removed["removed_by"] == "test-admin"
    clock.advance(days=31)  # past the cool-down
    assert applied(sqlite_api, cid, device_id="dev-x", bureau=GOOD_BUREAU)["decision"] == "approved"


def test_a_fourth_application_from_one_device_in_a_day_is_declined(
        api: TestClient, clock: FixedClock) -> None:
    answers = []
    for i in range(4):
        cid = register(api, person(20 + i))
        answers.append(applied(api, cid, device_id="shared-phone", bureau=GOOD_BUREAU))
        clock.advance(hours=1)
    # the third on the device makes a ring of three (referred); the fourth is one too many
    assert [a["decision"] for a in answers[:3]] == ["approved", "approved", "referred"]
    assert codes(answers[2])[0] == "RING_SIZE"
    assert answers[3]["decision"] == "declined"
    assert codes(answers[3])[0] == "VELOCITY_DEVICE_24H"


def test_a_decline_starts_a_cool_down(api: TestClient, clock: FixedClock) -> None:
    cid = register(api, person(30, income="3000.00", employment="unemployed"))
    assert applied(api, cid, bureau=POOR_BUREAU)["decision"] == "declined"
    clock.advance(days=3)
    again = applied(api, cid, bureau=GOOD_BUREAU)
    assert again["decision"] == "declined" and codes(again)[0] == "COOLDOWN"
    clock.advance(days=30)
    later = applied(api, cid, bureau=GOOD_BUREAU)
    assert "COOLDOWN" not in codes(later)


def test_five_applicants_sharing_one_emergency_contact_phone_are_all_referred_as_a_ring(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    ids = [register(api, person(40 + i)) for i in range(5)]
    for cid in ids:
        add_contact(api, cid, "13999990000")
    answers = [applied(api, cid, bureau=GOOD_BUREAU) for cid in ids]
    assert [a["decision"] for a in answers] == ["referred"] * 5
    assert all(codes(a)[0] == "RING_SIZE" for a in answers)
    item = api.get(f"/v1/reviews/{answers[0]['review_id']}",
                   headers=role_headers["reviewer"]).json()
    ring = item["ring"]
    assert ring["size"] == 5
    assert sorted(m["customer_id"] for m in ring["members"]) == sorted(ids)
    assert all("*" in m["name"] and "*" in m["phone"] for m in ring["members"])
    assert ring["links"][0]["kind"] == "contact_phone" and len(ring["links"][0]["members"]) == 5
    assert "13999990000" not in str(item)  # only hashes, never the phone
    assert {"code": "RING_SIZE", "action": "refer"} in item["checks"]["fired"]


def test_two_applicants_sharing_a_contact_are_not_a_ring(api: TestClient) -> None:
    """Siblings listing the same parent are two; rings run three to eight."""
    ids = [register(api, person(50 + i)) for i in range(2)]
    for cid in ids:
        add_contact(api, cid, "13999991111")
    assert [applied(api, cid, bureau=GOOD_BUREAU)["decision"] for cid in ids] == ["approved"] * 2


def test_bad_input_answers_404_422_and_409(sqlite_api: TestClient) -> None:
    assert apply(sqlite_api, "no-such-customer").status_code == 404
    pid = register(sqlite_api, person(60))
    wrong = apply(sqlite_api, pid, product="sme_line")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["product"]
    unknown = apply(sqlite_api, pid, product="mortgage")
    assert unknown.status_code == 422 and "unknown product" in unknown.json()["message"]
    eid = register(sqlite_api, enterprise(61, credit_check=False))
    no_consent = apply(sqlite_api, eid, product="sme_line", financials={
        "revenue": "1.00", "net_profit": "1.00", "current_assets": "1.00",
        "current_liabilities": "1.00", "total_assets": "1.00", "total_liabilities": "0.00",
        "operating_cash_flow": "1.00", "debt_service": "0.00"})
    assert no_consent.status_code == 422
    assert no_consent.json()["detail"][0]["loc"] == ["consents", "credit_check"]
    for body, field in (({"requested_limit": "12.345"}, "requested_limit"),
                        ({"ip": "999.1.1.1"}, "ip"), ({"channel": "Mobile App!"}, "channel"),
                        ({"bureau": {"inquiries_6m": -1}}, "bureau")):
        r = apply(sqlite_api, pid, **body)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][0] == field, r.text
    with_statements = apply(sqlite_api, pid, financials={"revenue": "1.00"})
    assert with_statements.status_code == 422


def test_an_enterprise_limit_is_the_lowest_of_cash_flow_collateral_and_industry_cap(
        api: TestClient) -> None:
    from tests.api.test_applications_support import STATEMENTS

    eid = register(api, enterprise(70, industry="C"))
    a = applied(api, eid, product="sme_line", financials=STATEMENTS,
                collateral=[{"kind": "inventory", "appraised_value": "1000000.00"}])
    assert a["decision"] == "approved" and a["limit"] == "300000.00"
    assert codes(a)[0] == "COLLATERAL_SHORTFALL" and a["model"]["name"] == "sme_a_card"
    eid2 = register(api, enterprise(71, industry="C"))
    b = applied(api, eid2, product="sme_line", financials=STATEMENTS,
                collateral=[{"kind": "property", "appraised_value": "2000000.00"}])
    # band B: target DSCR 1.40, so 1,500,000 / 1.40 - 600,000 = 471,428.57, rounded down
    assert b["band"] == "B" and b["limit"] == "471400.00"
    assert codes(b)[0] == "CASHFLOW_CAPACITY"


def test_special_terms_need_a_second_officer_and_then_set_the_limit(
        api: TestClient, container: Container) -> None:
    from tests.api.test_applications_support import STATEMENTS
    from tests.conftest import create_user

    maker = create_user(container, "risk-maker", "risk_officer")
    checker = create_user(container, "risk-checker", "risk_officer")
    eid = register(api, enterprise(72, industry="C"))
    proposed = api.post("/v1/special-terms", headers=maker, json={
        "customer_id": eid, "limit": "2000000.00", "terms": "quarterly statements; DSCR >= 1.2",
        "valid_until": "2026-12-31"})
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    tid = proposed.json()["id"]
    own = api.post(f"/v1/special-terms/{tid}/approve", headers=maker, json={})
    assert own.status_code == 403 and "maker-checker" in own.json()["message"]
    # not yet approved: the standard limit applies
    std = applied(api, eid, product="sme_line", financials=STATEMENTS,
                  collateral=[{"kind": "property", "appraised_value": "2000000.00"}])
    assert std["limit"] == "471400.00" and codes(std)[0] == "CASHFLOW_CAPACITY"
    ok = api.post(f"/v1/special-terms/{tid}/approve", headers=checker, json={"comment": "agreed"})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert ok.json()["decided_by"] == "risk-checker"
    eid2 = register(api, enterprise(73, industry="C"))
    terms2 = api.post("/v1/special-terms", headers=maker, json={
        "customer_id": eid2, "limit": "2000000.00", "terms": "group guarantee"}).json()
    api.post(f"/v1/special-terms/{terms2['id']}/approve", headers=checker, json={})
    special = applied(api, eid2, product="sme_line", financials=STATEMENTS, collateral=[])
    assert special["decision"] == "approved" and special["limit"] == "2000000.00"
    assert codes(special)[0] == "SPECIAL_TERMS"
    person_id = register(api, person(74))
    bad = api.post("/v1/special-terms", headers=maker, json={
        "customer_id": person_id, "limit": "1000.00", "terms": "x"})
    assert bad.status_code == 422
    # the book of special terms, newest first, a page at a time
    listed = api.get("/v1/special-terms", headers=maker).json()
    assert listed["total"] == 2 and listed["next_cursor"] is None
    assert {x["id"] for x in listed["items"]} == {tid, terms2["id"]}
    first = api.get("/v1/special-terms", params={"limit": 1}, headers=maker).json()
    assert first["items"] == listed["items"][:1] and first["total"] == 2
    rest = api.get("/v1/special-terms", params={"limit": 1, "cursor": first["next_cursor"]},
                   headers=maker).json()
    assert rest["items"] == listed["items"][1:] and rest["next_cursor"] is None
    one = api.get("/v1/special-terms", params={"customer_id": eid}, headers=maker).json()
    assert [x["id"] for x in one["items"]] == [tid] and one["total"] == 1


def test_scores_are_shadowed_by_a_challenger_when_one_is_set(
        sqlite_api: TestClient, sqlite_container: Container, role_headers: dict[str, dict[str, str]]) -> None:
    import json

    from creditline.origination.scorer import shipped_card

    cid = register(sqlite_api, person(80))
    applied(sqlite_api, cid, bureau=GOOD_BUREAU)  # installs the default champion
    officer = role_headers["risk_officer"]
    r = sqlite_api.post("/v1/models", headers=officer, json={
        "name": "bnpl_a_card", "model": json.loads(shipped_card("bnpl_a_card"))})
    assert r.status_code == 201, r.text
    assert sqlite_api.post(f"/v1/models/{r.json()['id']}/challenger", headers=officer,
                    json={"share": 1.0}).status_code == 200
    cid2 = register(sqlite_api, person(81))
    a = applied(sqlite_api, cid2, bureau=GOOD_BUREAU)
    detail = sqlite_api.get(f"/v1/applications/{a['id']}", headers=ADMIN).json()
    assert detail["shadow"]["model_id"] == r.json()["id"]
    assert abs(detail["shadow"]["score"] - a["score"]) < 0.01


def test_an_identity_that_no_longer_passes_its_check_is_declined(
        sqlite_api: TestClient, sqlite_container: Container) -> None:
    """Registration refuses bad identity numbers, so this can only come from data changed
    behind the platform's back (an import, a manual fix): screening checks again."""
    from sqlalchemy import update

    from creditline.store.tables.foundation import customers

    cid = register(sqlite_api, person(90))
    with sqlite_container.engine.begin() as c:
        c.execute(update(customers).where(customers.c.id == cid).values(
            id_number_enc=sqlite_container.cipher.encrypt("110105198501010001")))  # wrong check char
    a = applied(sqlite_api, cid, bureau=GOOD_BUREAU)
    assert a["decision"] == "declined" and codes(a)[0] == "ID_INVALID"
