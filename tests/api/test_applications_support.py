"""Applicants for the origination API tests (no tests here): valid identity numbers,
phones and USCCs made from an index, and credit-bureau files that land in each score band
of the shipped A-card (band A >= 600 approves, 555-570 refers, < 555 declines)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from creditline.parties.identity import id_check_char, uscc_check_char
from tests.conftest import ADMIN

GOOD_BUREAU = {"existing_debt_monthly": "500.00", "credit_history_months": 140,
               "num_credit_accounts": 3, "revolving_utilization": 0.1, "inquiries_6m": 0,
               "delinquencies_24m": 0}
REFER_BUREAU = {"revolving_utilization": 0.5, "inquiries_6m": 1}  # freelancer, 6,000 a month
POOR_BUREAU = {"credit_history_months": 6, "revolving_utilization": 0.9, "inquiries_6m": 5,
               "delinquencies_24m": 3}
STATEMENTS = {"revenue": "10000000.00", "net_profit": "800000.00",
              "current_assets": "3000000.00", "current_liabilities": "2000000.00",
              "total_assets": "8000000.00", "total_liabilities": "4000000.00",
              "operating_cash_flow": "1500000.00", "debt_service": "600000.00"}


def id_number(i: int) -> str:
    first17 = f"110105198501{1 + i % 28:02d}{i % 1000:03d}"
    return first17 + id_check_char(first17)


def uscc(i: int) -> str:
    first17 = f"91110000{i:09d}"
    return first17 + uscc_check_char(first17)


def person(i: int, *, income: str = "12000.00", employment: str = "employed",
           credit_check: bool = True) -> dict[str, Any]:
    return {"kind": "person", "name": f"Applicant {i}", "id_number": id_number(i),
            "phone": f"138{i:08d}", "monthly_income": income, "employment": employment,
            "consents": {"credit_check": credit_check, "data_processing": True,
                         "emergency_contact": True}}


def enterprise(i: int, *, industry: str = "C", credit_check: bool = True) -> dict[str, Any]:
    return {"kind": "enterprise", "name": f"Firm {i} Co., Ltd.", "uscc": uscc(i),
            "industry": industry, "registered_on": "2018-04-01",
            "legal_representative": "Li Si", "employees": 40,
            "consents": {"credit_check": credit_check, "data_processing": True}}


def register(api: TestClient, body: dict[str, Any]) -> str:
    r = api.post("/v1/customers", json=body, headers=ADMIN)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def add_contact(api: TestClient, customer_id: str, phone: str) -> None:
    r = api.post(f"/v1/customers/{customer_id}/emergency-contacts", headers=ADMIN,
                 json={"name": "Contact", "relation": "friend", "phone": phone})
    assert r.status_code == 201, r.text


def apply(api: TestClient, customer_id: str, headers: dict[str, str] = ADMIN,
          **body: Any) -> Any:
    payload = {"customer_id": customer_id, "product": "consumer_bnpl", "channel": "app", **body}
    return api.post("/v1/applications", json=payload, headers=headers)


def applied(api: TestClient, customer_id: str, **body: Any) -> dict[str, Any]:
    r = apply(api, customer_id, **body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def codes(answer: dict[str, Any]) -> list[str]:
    return [r["code"] for r in answer["reasons"]]
