"""Issue 12's applicant data, decided end to end over HTTP on SQLite and PostgreSQL.

Persons: two applicants alike in everything (6,000.00 a month, obligations of 2,500.00 a month
declared) except that one holds a verified bank deposit and a car.  Debt burden allows the
first (50 % of income) - 2,500.00 = 500.00 a month, over 12 months 6,000.00; the second adds
48,000.00 verified deposit x 0.50 = 24,000.00 (a declared-only car counts 0.00), 30,000.00,
so the score-by-income matrix (15,000.00) binds instead.

Enterprises: a precision-machinery manufacturer files three years of statements, its business
licence (a PDF uploaded first), its business model, the equipment the money is for, its order
book and receivables, and risk mitigants beyond a pledged property.  The secured cover is
property 1,000,000.00 x 0.60 + guarantee insurance 500,000.00 x 0.80 + receivables pledge
300,000.00 x 0.50 + personal guarantee 200,000.00 x 0.20 = 600,000 + 400,000 + 150,000 +
40,000 = 1,190,000.00, which binds below the cash-flow capacity (band B, target DSCR 1.40:
2,800,000.00 / 1.40 - 600,000.00 = 1,400,000.00)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from creditline.bootstrap import Container
from creditline.store.tables.foundation import audit_log
from creditline.store.tables.origination import applications
from tests.api.test_applications_support import GOOD_BUREAU, enterprise, person, register
from tests.conftest import ADMIN
from tests.documents_support import pdf

DEPOSIT = {"kind": "deposit", "declared_value": "50000.00", "verified_value": "48000.00",
           "source": "bank statement, ICBC, 2026-02"}
CAR = {"kind": "vehicle", "declared_value": "90000.00"}
OBLIGATIONS = [{"kind": "car_loan", "monthly_payment": "1800.00", "outstanding": "40000.00",
                "lender": "SAIC Finance"},
               {"kind": "credit_card", "monthly_payment": "700.00"}]


def apply_person(api: TestClient, i: int, **extra: Any) -> dict[str, Any]:
    cid = register(api, person(i, income="6000.00"))
    r = api.post("/v1/applications", headers=ADMIN, json={
        "customer_id": cid, "product": "consumer_bnpl", "channel": "app",
        "bureau": GOOD_BUREAU, "obligations": OBLIGATIONS, **extra})
    assert r.status_code == 201, r.text
    detail = api.get(f"/v1/applications/{r.json()['id']}", headers=ADMIN)
    return dict(detail.json())


def test_a_person_with_assets_gets_a_higher_capacity(api: TestClient) -> None:
    plain = apply_person(api, 41)
    wealthy = apply_person(api, 42, assets=[DEPOSIT, CAR])
    assert plain["band"] == wealthy["band"] == "A"

    assert plain["decision"] == "approved" and plain["limit"] == "6000.00"
    assert plain["policy"]["basis"] == {
        "limit": "6000.00", "binding": "DEBT_BURDEN",
        "components": {"PRODUCT_MAX": "50000.00", "LIMIT_MATRIX": "15000.00",
                       "DEBT_BURDEN": "6000.00"}}
    assert wealthy["decision"] == "approved" and wealthy["limit"] == "15000.00"
    assert wealthy["policy"]["basis"] == {
        "limit": "15000.00", "binding": "LIMIT_MATRIX",
        "components": {"PRODUCT_MAX": "50000.00", "LIMIT_MATRIX": "15000.00",
                       "DEBT_BURDEN": "30000.00"}}
    # reviewers see what was declared
    assert wealthy["declared"]["assets"] == [
        {**DEPOSIT}, {**CAR, "verified_value": None, "source": None}]
    assert wealthy["declared"]["obligations"][1] == {
        "kind": "credit_card", "monthly_payment": "700.00", "outstanding": None, "lender": None}


YEARS = [  # 2023, 2024, 2025: revenue up 20 % in two years, margin up, leverage down
    {"year": 2023, "revenue": "10000000.00", "net_profit": "800000.00",
     "current_assets": "3000000.00", "current_liabilities": "2000000.00",
     "total_assets": "8000000.00", "total_liabilities": "4000000.00",
     "total_equity": "4000000.00", "operating_cash_flow": "1500000.00",
     "debt_service": "600000.00"},
    {"year": 2024, "revenue": "11000000.00", "net_profit": "935000.00",
     "current_assets": "3300000.00", "current_liabilities": "2000000.00",
     "total_assets": "8500000.00", "total_liabilities": "4000000.00",
     "total_equity": "4500000.00", "operating_cash_flow": "2000000.00",
     "debt_service": "600000.00"},
    {"year": 2025, "revenue": "12000000.00", "net_profit": "1080000.00",
     "current_assets": "3600000.00", "current_liabilities": "2000000.00",
     "total_assets": "9000000.00", "total_liabilities": "4050000.00",
     "total_equity": "4950000.00", "operating_cash_flow": "2800000.00",
     "debt_service": "600000.00"},
]
MITIGANTS = [
    {"kind": "guarantee_insurance", "amount": "500000.00",
     "provider": "PICC Property and Casualty"},
    {"kind": "receivables_pledge", "amount": "300000.00", "provider": "three OEM customers"},
    {"kind": "personal_guarantee", "amount": "200000.00", "provider": "Li Si (legal "
                                                                     "representative)"},
]


def upload_licence(api: TestClient, firm: str, content: bytes, purpose: str = "business_licence",
                   ) -> dict[str, Any]:
    r = api.post("/v1/documents", headers=ADMIN, files={"file": ("营业执照.pdf", content,
                                                                 "application/pdf")},
                 data={"owner_kind": "customer", "owner_id": firm, "purpose": purpose})
    assert r.status_code == 201, r.text
    return dict(r.json())


def sme_request(firm: str, licence_id: str | None, **over: Any) -> dict[str, Any]:
    return {"customer_id": firm, "product": "sme_line", "channel": "web",
            "statements": YEARS,
            "business_model": {"category": "manufacturer",
                               "description": "precision machinery parts for automotive OEMs"},
            "purpose": {"kind": "equipment", "description": "a five-axis CNC machining centre",
                        "amount": "1800000.00"},
            "order_book": "6500000.00", "receivables": "2400000.00",
            "collateral": [{"kind": "property", "appraised_value": "1000000.00"}],
            "mitigants": MITIGANTS, "business_licence_document_id": licence_id, **over}


def test_an_enterprise_with_three_years_of_statements_and_a_licence(api: TestClient) -> None:
    firm = register(api, enterprise(43))
    licence = upload_licence(api, firm, pdf("Business licence"))
    r = api.post("/v1/applications", headers=ADMIN, json=sme_request(firm, licence["id"]))
    assert r.status_code == 201, r.text
    app = api.get(f"/v1/applications/{r.json()['id']}", headers=ADMIN).json()

    assert app["band"] == "B"
    assert app["policy"]["basis"]["binding"] == "COLLATERAL_SHORTFALL"
    assert app["policy"]["basis"]["components"] == {
        "PRODUCT_MAX": "5000000.00", "INDUSTRY_CAP": "3000000.00",
        "CASHFLOW_CAPACITY": "1400000.00", "COLLATERAL_SHORTFALL": "1190000.00"}
    assert app["limit"] == "1190000.00"
    # above the product's 1,000,000.00 second-review threshold or not, the limit is proposed
    assert app["decision"] in ("approved", "referred")

    declared = app["declared"]
    assert declared["trends"] == {"years": 3, "revenue_growth": "0.0954",
                                  "margin_trend": "0.0100", "leverage_trend": "-0.0500"}
    assert [y["year"] for y in declared["statements"]] == [2023, 2024, 2025]
    assert declared["financials"]["revenue"] == "12000000.00"  # the latest year decides
    assert declared["profile"] == {
        "business_model": {"category": "manufacturer",
                           "description": "precision machinery parts for automotive OEMs"},
        "purpose": {"kind": "equipment", "description": "a five-axis CNC machining centre",
                    "amount": "1800000.00"},
        "order_book": "6500000.00", "receivables": "2400000.00",
        "licence": {"document_id": licence["id"], "media_type": "application/pdf",
                    "sha256": licence["sha256"]}}
    assert declared["mitigants"] == MITIGANTS

    # the same firm's cover without the mitigants: the pledged property alone binds
    firm2 = register(api, enterprise(44))
    r2 = api.post("/v1/applications", headers=ADMIN,
                  json=sme_request(firm2, None, mitigants=None))
    assert r2.status_code == 201, r2.text
    assert r2.json()["limit"] == "600000.00"


def counts(container: Container) -> tuple[int, int]:
    with container.engine.connect() as c:
        return (int(c.execute(select(func.count()).select_from(applications)).scalar_one()),
                int(c.execute(select(func.count()).select_from(audit_log)).scalar_one()))


def test_bad_applicant_data_is_refused_naming_the_field_and_writes_nothing(
        sqlite_api: TestClient, sqlite_container: Container) -> None:
    api = sqlite_api
    cid = register(api, person(45, income="6000.00"))
    firm = register(api, enterprise(46))
    proof = upload_licence(api, firm, pdf("Annual report"), purpose="financial_statements")
    before = counts(sqlite_container)

    def refused(body: dict[str, Any]) -> list[Any]:
        r = api.post("/v1/applications", headers=ADMIN, json=body)
        assert r.status_code == 422, r.text
        return list(r.json()["detail"][0]["loc"])

    person_app = {"customer_id": cid, "product": "consumer_bnpl", "channel": "app"}
    assert refused({**person_app, "assets": [{**DEPOSIT, "declared_value": "-50000.00"}]}) \
        == ["assets", 0, "declared_value"]
    assert refused({**person_app, "assets": [{**CAR, "declared_value": "ninety thousand"}]}) \
        == ["assets", 0, "declared_value"]
    assert refused({**person_app, "assets": [{**DEPOSIT, "source": None}]}) \
        == ["assets", "0", "source"]
    assert refused({**person_app, "statements": YEARS}) == ["statements"]

    unbalanced = [*YEARS[:2], {**YEARS[2], "total_equity": "4000000.00"}]
    assert refused(sme_request(firm, None, statements=unbalanced)) \
        == ["statements", "2", "total_assets"]
    assert refused(sme_request(firm, None, statements=YEARS[2:])) == ["statements"]
    assert refused(sme_request(firm, proof["id"])) == ["business_licence_document_id"]
    assert refused(sme_request(firm, "no-such-document")) == ["business_licence_document_id"]
    over_pledged = [{**MITIGANTS[1], "amount": "3000000.00"}]
    assert refused(sme_request(firm, None, mitigants=over_pledged)) \
        == ["mitigants", "0", "amount"]
    assert counts(sqlite_container) == before
