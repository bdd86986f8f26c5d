"""Registering and reading customers over HTTP, on SQLite and PostgreSQL.

Clock: 2026-03-02 (business date).  Sample numbers are the published GB 11643 / GB 32100
examples."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from creditline.bootstrap import Container
from creditline.errors import Conflict
from creditline.parties.customers import Person, register_person
from creditline.parties.identity import id_check_char
from creditline.store.tables.foundation import audit_log, customers, outbox
from tests.conftest import ADMIN, auth

ZHANG = {
    "kind": "person", "name": "Zhang San", "id_number": "11010519491231002X",
    "phone": "13812341234", "email": "zhang.san@example.com", "monthly_income": "12000.00",
    "employment": "employed", "region": "Beijing",
    "consents": {"credit_check": True, "data_processing": True, "emergency_contact": True},
}
WANG = {**ZHANG, "name": "Wang Wu", "id_number": "360426199101010071", "phone": "13900001111",
        "email": None}
TRADING = {
    "kind": "enterprise", "name": "Example Trading Co., Ltd.", "uscc": "91110000600037341L",
    "industry": "F", "registered_on": "2012-05-08", "legal_representative": "Li Si",
}


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def counts(container: Container) -> tuple[int, int, int]:
    """(customers, audit entries, outbox events) as stored."""
    with container.engine.connect() as c:
        return tuple(int(c.execute(select(func.count()).select_from(t)).scalar_one())  # type: ignore[return-value]
                     for t in (customers, audit_log, outbox))


def register(api: TestClient, body: dict[str, Any], headers: dict[str, str] = ADMIN) -> Any:
    r = api.post("/v1/customers", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


# -- persons and enterprises ---------------------------------------------------------------
@pytest.mark.parametrize("body", [ZHANG, WANG], ids=["11010519491231002X", "360426199101010071"])
def test_a_person_is_registered_and_read_back(api: TestClient, container: Container,
                                              role_headers: dict[str, dict[str, str]],
                                              body: dict[str, Any]) -> None:
    created = register(api, body, role_headers["risk_officer"])
    assert created["kind"] == "person" and created["pii"] == "full"
    assert created["id_number"] == body["id_number"] and created["phone"] == body["phone"]
    assert created["monthly_income"] == "12000.00"
    assert created["consents"] == {**body["consents"], "version": "v1",
                                   "given_at": "2026-03-02T02:00:00Z"}
    read = api.get(f"/v1/customers/{created['id']}", headers=role_headers["risk_officer"])
    assert read.status_code == 200 and read.json() == created
    assert counts(container) == (1, 1, 1)


def test_an_enterprise_is_registered_with_its_uscc(api: TestClient) -> None:
    created = register(api, {**TRADING, "registered_capital": "5000000", "employees": 35,
                             "consents": {"credit_check": True}})
    assert created["uscc"] == "91110000600037341L" and created["industry_name"].startswith("Wholesale")
    assert created["registered_capital"] == "5000000.00" and created["employees"] == 35
    assert created["consents"]["credit_check"] is True
    assert api.get(f"/v1/customers/{created['id']}", headers=ADMIN).json() == created


@pytest.mark.parametrize(("first", "second", "field"), [
    (ZHANG, {**ZHANG, "name": "Someone Else", "phone": "13700000000"}, "id_number"),
    (ZHANG, {**ZHANG, "id_number": "11010519491231002x"}, "id_number"),  # same number, lower case
    (TRADING, {**TRADING, "name": "Copy Co."}, "uscc"),
])
def test_a_duplicate_identity_is_a_conflict_and_writes_nothing(
        api: TestClient, container: Container, first: dict[str, Any], second: dict[str, Any],
        field: str) -> None:
    register(api, first)
    before = counts(container)
    r = api.post("/v1/customers", json=second, headers=ADMIN)
    assert r.status_code == 409 and r.json()["detail"][0]["loc"] == [field]
    assert counts(container) == before


def test_unknown_customer_is_404(sqlite_api: TestClient) -> None:
    r = sqlite_api.get("/v1/customers/no-such-id", headers=ADMIN)
    assert r.status_code == 404 and "no-such-id" in r.json()["message"]


# -- bad input: 422 naming the field and the rule, nothing written --------------------------
BAD_PERSONS = [
    ({"id_number": "110105194912310021"}, ["id_number"], "check character"),
    ({"id_number": "11010519491231002Y"}, ["id_number"], "17 digits followed by a digit or X"),
    ({"id_number": with_check("11010519490230002")}, ["id_number"], "not a real date"),
    ({"id_number": with_check("11010520080303001")}, ["id_number"], "18 or older on 2026-03-02"),
    ({"id_number": with_check("99010519491231002")}, ["id_number"], "region code"),
    ({"phone": "12812341234"}, ["phone"], "mainland mobile"),
    ({"phone": "1381234123"}, ["phone"], "mainland mobile"),
    ({"consents": {}}, ["consents", "credit_check"], "consent is required"),
    ({"consents": {"credit_check": True}}, ["consents", "data_processing"], "consent is required"),
    ({"consents": {"credit_check": "yes"}}, ["consents", "credit_check"], "valid boolean"),
    ({"monthly_income": "12.345"}, ["monthly_income"], "at most 2 decimal places"),
    ({"monthly_income": 12000.5}, ["monthly_income"], "valid string"),
    ({"monthly_income": "-1"}, ["monthly_income"], "not be negative"),
    ({"email": "not-an-email"}, ["email"], "e-mail address"),
    ({"employment": "astronaut"}, ["employment"], "must be one of"),
    ({"name": "  "}, ["name"], "not be blank"),
    ({"name": None}, ["name"], "valid string"),
    ({"nickname": "zs"}, ["nickname"], "Extra inputs"),
    ({"kind": "robot"}, ["kind"], "does not match any of the expected tags"),
]


@pytest.mark.parametrize(("change", "loc", "rule"), BAD_PERSONS,
                         ids=[f"{'.'.join(loc)}-{rule}" for _, loc, rule in BAD_PERSONS])
def test_a_bad_person_field_is_422_naming_it(sqlite_api: TestClient, sqlite_container: Container,
                                             change: dict[str, Any], loc: list[str],
                                             rule: str) -> None:
    r = sqlite_api.post("/v1/customers", json={**ZHANG, **change}, headers=ADMIN)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail[0]["loc"] == loc and rule in detail[0]["msg"], detail
    assert counts(sqlite_container) == (0, 0, 0)


def test_a_missing_field_is_422_naming_it(sqlite_api: TestClient) -> None:
    body = {k: v for k, v in ZHANG.items() if k != "id_number"}
    r = sqlite_api.post("/v1/customers", json=body, headers=ADMIN)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["id_number"]


def test_every_broken_rule_is_listed_in_one_answer(sqlite_api: TestClient) -> None:
    r = sqlite_api.post("/v1/customers", headers=ADMIN, json={
        **ZHANG, "id_number": "110105194912310021", "phone": "123", "consents": {}})
    assert [d["loc"] for d in r.json()["detail"]] == [
        ["id_number"], ["phone"], ["consents", "credit_check"], ["consents", "data_processing"]]


BAD_ENTERPRISES = [
    ({"uscc": "91110000600037341M"}, ["uscc"], "check character"),
    ({"uscc": "91110000600037341I"}, ["uscc"], "character set"),
    ({"industry": "Z"}, ["industry"], "GB/T 4754"),
    ({"registered_on": "2026-03-03"}, ["registered_on"], "must not be after"),
    ({"registered_on": "2026-02-30"}, ["registered_on"], "valid date"),
    ({"legal_representative": ""}, ["legal_representative"], "not be blank"),
    ({"employees": "many"}, ["employees"], "valid integer"),
]


@pytest.mark.parametrize(("change", "loc", "rule"), BAD_ENTERPRISES,
                         ids=[f"{'.'.join(loc)}-{rule}" for _, loc, rule in BAD_ENTERPRISES])
def test_a_bad_enterprise_field_is_422_naming_it(sqlite_api: TestClient,
                                                 sqlite_container: Container,
                                                 change: dict[str, Any], loc: list[str],
                                                 rule: str) -> None:
    r = sqlite_api.post("/v1/customers", json={**TRADING, **change}, headers=ADMIN)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == loc and rule in r.json()["detail"][0]["msg"]
    assert counts(sqlite_container) == (0, 0, 0)


# -- who may see and do what ----------------------------------------------------------------
@pytest.mark.parametrize(("role", "pii"), [
    ("admin", "full"), ("risk_officer", "full"), ("reviewer", "masked"),
    ("collector", "masked"), ("auditor", "masked"), ("service", None)])
def test_personal_data_is_masked_unless_the_role_may_see_it(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]], role: str,
        pii: str | None) -> None:
    cid = register(sqlite_api, ZHANG)["id"]
    answer = sqlite_api.get(f"/v1/customers/{cid}", headers=role_headers[role])
    if pii is None:  # a merchant checkout registers customers but does not browse them
        assert answer.status_code == 403 and "customers:read" in answer.json()["message"]
        return
    seen = answer.json()
    assert seen["pii"] == pii
    if pii == "full":
        assert (seen["id_number"], seen["phone"], seen["email"]) == (
            "11010519491231002X", "13812341234", "zhang.san@example.com")
    else:
        assert (seen["id_number"], seen["phone"], seen["email"]) == (
            "110105********002X", "138****1234", "z***@example.com")


def test_the_registering_service_gets_a_masked_answer(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    created = register(sqlite_api, ZHANG, role_headers["service"])
    assert created["pii"] == "masked" and created["id_number"] == "110105********002X"


def test_missing_or_bad_token_is_401_and_missing_right_is_403(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    no_token = sqlite_api.post("/v1/customers", json=ZHANG)
    assert no_token.status_code == 401 and no_token.headers["www-authenticate"] == "Bearer"
    assert sqlite_api.post("/v1/customers", json=ZHANG,
                           headers=auth("cl_not-a-real-token")).status_code == 401
    assert sqlite_api.post("/v1/customers", json=ZHANG,
                           headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    assert sqlite_api.get("/v1/customers/x").status_code == 401
    for role in ("reviewer", "collector", "auditor"):
        r = sqlite_api.post("/v1/customers", json=ZHANG, headers=role_headers[role])
        assert r.status_code == 403 and "customers:create" in r.json()["message"]
    assert counts(sqlite_container)[0] == 0


def test_a_bad_body_without_a_token_is_still_401(sqlite_api: TestClient) -> None:
    assert sqlite_api.post("/v1/customers", json={"kind": "robot"}).status_code == 401


# -- the audit trail ------------------------------------------------------------------------
def test_registrations_are_audited_without_personal_data(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    cid = register(api, ZHANG, role_headers["risk_officer"])["id"]
    eid = register(api, TRADING, role_headers["service"])["id"]
    auditor = role_headers["auditor"]
    entries = api.get("/v1/audit", params={"entity": "customer"}, headers=auditor).json()["items"]
    assert [(e["actor"], e["action"], e["entity_id"]) for e in entries] == [
        ("user-risk_officer", "customer.registered", cid),
        ("user-service", "customer.registered", eid)]
    assert entries[1]["details"]["uscc"] == "91110000600037341L"
    text = repr(entries)
    assert "11010519491231002X" not in text and "13812341234" not in text
    assert api.get("/v1/audit/verify", headers=auditor).json() == {
        "ok": True, "checked": 2, "first_bad_seq": None, "problem": None, "stream": None,
        "anchored": False}


def test_the_unique_index_catches_a_duplicate_the_service_check_missed(
        container: Container) -> None:
    """Two concurrent registrations can both pass the look-up; the index stops the second."""
    def zhang(customer_id: str) -> Person:
        return register_person(customer_id=customer_id, name="Zhang San",
                               id_number=ZHANG["id_number"], phone=ZHANG["phone"],
                               monthly_income="1", consents=ZHANG["consents"],
                               today=container.clock.today(), now=container.clock.now())

    with container.uow() as uow:
        uow.customers.add(zhang("first"))
        uow.commit()
    with container.uow() as uow, pytest.raises(Conflict, match="id_number"):
        uow.customers.add(zhang("second"))
    assert counts(container)[0] == 1
