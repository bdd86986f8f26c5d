"""Emergency contacts over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from creditline.parties import services
from tests.api.test_customers import TRADING, WANG, ZHANG, register
from tests.conftest import ADMIN


def contacts_url(cid: str) -> str:
    return f"/v1/customers/{cid}/emergency-contacts"


def test_contacts_carry_consent_and_verification_and_are_listed(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    cid = register(api, ZHANG)["id"]
    officer = role_headers["risk_officer"]
    added = []
    for name, relation, phone in [("Zhang Wei", "parent", "13900000001"),
                                  ("Liu Fang", "Spouse", "+86 139 0000 0002"),
                                  ("Chen Jie", "colleague", "13900000003")]:
        r = api.post(contacts_url(cid), json={"name": name, "relation": relation, "phone": phone},
                     headers=officer)
        assert r.status_code == 201, r.text
        added.append(r.json())
    assert added[1]["relation"] == "spouse" and added[1]["phone"] == "13900000002"
    listed = api.get(contacts_url(cid), headers=officer).json()
    assert listed["customer_id"] == cid and listed["contacts"] == added
    assert [c["position"] for c in added] == [1, 2, 3]
    for c in listed["contacts"]:
        assert c["consent"] == "emergency_contact:v1"
        assert c["consented_at"] == "2026-03-02T02:00:00Z"
        assert c["verification"] == "unverified" and c["pii"] == "full"

    fourth = api.post(contacts_url(cid), headers=officer,
                      json={"name": "Zhao Lei", "relation": "friend", "phone": "13900000004"})
    assert fourth.status_code == 422 and fourth.json()["reason"] == "contact_limit"
    assert len(api.get(contacts_url(cid), headers=officer).json()["contacts"]) == 3


def test_a_collector_sees_contact_phones_masked(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    cid = register(api, ZHANG)["id"]
    api.post(contacts_url(cid), headers=ADMIN,
             json={"name": "Zhang Wei", "relation": "parent", "phone": "13900001234"})
    seen = api.get(contacts_url(cid), headers=role_headers["collector"]).json()["contacts"][0]
    assert seen["phone"] == "139****1234" and seen["pii"] == "masked"
    assert seen["name"] == "Zhang Wei"


def test_contact_rules_answer_422_or_409_and_write_nothing(
        api: TestClient, container: Container) -> None:
    cid = register(api, ZHANG)["id"]
    ok = {"name": "Zhang Wei", "relation": "parent", "phone": "13900000001"}
    assert api.post(contacts_url(cid), json=ok, headers=ADMIN).status_code == 201
    with container.uow() as uow:
        audited = uow.audit_log.count()

    own = api.post(contacts_url(cid), json={**ok, "phone": "138 1234 1234"}, headers=ADMIN)
    assert own.status_code == 422 and own.json()["detail"][0]["loc"] == ["phone"]
    assert "own phone" in own.json()["message"]
    same = api.post(contacts_url(cid), json={**ok, "name": "Someone"}, headers=ADMIN)
    assert same.status_code == 409 and same.json()["detail"][0]["loc"] == ["phone"]
    for change, loc in [({"relation": "landlord"}, ["relation"]), ({"phone": "5551234"}, ["phone"]),
                        ({"name": ""}, ["name"]), ({"email": "x@y.cn"}, ["email"])]:
        r = api.post(contacts_url(cid), json={**ok, "phone": "13900000009", **change},
                     headers=ADMIN)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc, r.text

    assert len(api.get(contacts_url(cid), headers=ADMIN).json()["contacts"]) == 1
    with container.uow() as uow:
        assert uow.audit_log.count() == audited


def test_contacts_need_the_emergency_contact_consent(sqlite_api: TestClient) -> None:
    cid = register(sqlite_api, {**ZHANG, "consents": {"credit_check": True,
                                                      "data_processing": True}})["id"]
    r = sqlite_api.post(contacts_url(cid), headers=ADMIN,
                        json={"name": "Zhang Wei", "relation": "parent", "phone": "13900000001"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["consents", "emergency_contact"]


def test_enterprises_have_no_contacts_and_unknown_customers_are_404(sqlite_api: TestClient) -> None:
    eid = register(sqlite_api, TRADING)["id"]
    body = {"name": "Zhang Wei", "relation": "parent", "phone": "13900000001"}
    r = sqlite_api.post(contacts_url(eid), json=body, headers=ADMIN)
    assert r.status_code == 422 and r.json()["reason"] == "not_a_person"
    assert sqlite_api.post(contacts_url("nope"), json=body, headers=ADMIN).status_code == 404
    assert sqlite_api.get(contacts_url("nope"), headers=ADMIN).status_code == 404


def test_contact_permissions(sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    cid = register(sqlite_api, ZHANG)["id"]
    body = {"name": "Zhang Wei", "relation": "parent", "phone": "13900000001"}
    assert sqlite_api.post(contacts_url(cid), json=body).status_code == 401
    assert sqlite_api.post(contacts_url(cid), json=body,
                           headers=role_headers["collector"]).status_code == 403
    assert sqlite_api.post(contacts_url(cid), json=body,
                           headers=role_headers["service"]).status_code == 201
    assert sqlite_api.get(contacts_url(cid), headers=role_headers["service"]).status_code == 403
    assert sqlite_api.get(contacts_url(cid), headers=role_headers["auditor"]).status_code == 200


def test_contact_additions_are_audited_and_the_chain_verifies(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    cid = register(api, ZHANG)["id"]
    r = api.post(contacts_url(cid), headers=role_headers["service"],
                 json={"name": "Zhang Wei", "relation": "parent", "phone": "13900000001"})
    entries = api.get("/v1/audit", params={"entity_id": cid},
                      headers=role_headers["auditor"]).json()["items"]
    assert [e["action"] for e in entries] == ["customer.registered",
                                              "customer.emergency_contact_added"]
    added = entries[1]
    assert added["actor"] == "user-service"
    assert added["details"] == {"contact_id": r.json()["id"], "relation": "parent",
                                "consent": "emergency_contact:v1", "verification": "unverified"}
    assert api.get("/v1/audit/verify", headers=role_headers["auditor"]).json()["ok"] is True


def test_customers_sharing_a_contact_phone_are_found_by_its_hash(
        api: TestClient, container: Container) -> None:
    """The fraud screen links applicants through phones without decrypting anything."""
    zhang = register(api, ZHANG)["id"]
    wang = register(api, WANG)["id"]
    shared = {"name": "Li Ming", "relation": "friend", "phone": "13700000000"}
    api.post(contacts_url(zhang), json=shared, headers=ADMIN)
    api.post(contacts_url(wang), json=shared, headers=ADMIN)
    api.post(contacts_url(wang), headers=ADMIN,
             json={"name": "Zhang San", "relation": "colleague", "phone": ZHANG["phone"]})
    with container.uow() as uow:
        h = uow.customers.phone_hash("13700000000")
        assert sorted(uow.customers.ids_by_contact_phone_hash(h)) == sorted([zhang, wang])
        assert uow.customers.ids_by_phone_hash(uow.customers.phone_hash(ZHANG["phone"])) == [zhang]
        assert uow.customers.id_by_id_number(WANG["id_number"]) == wang
    links = services.phone_links(zhang, container.uow())
    assert links.listed_as_contact_by == [wang] and links.shared_contact == [wang]
