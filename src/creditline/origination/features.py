"""The A-card features an application supplies, built the same way for training and serving.

Persons: age and employment from the customer record, declared income, the number of
emergency contacts, and the credit-bureau block of the application (existing repayments,
file length, accounts, utilisation, inquiries, delinquencies) — what a lender pulls under
the applicant's credit-check consent.  Enterprises: industry and age from the register,
the financial statements and the collateral pledged with the application.

A bureau figure that was not supplied is ``None`` and takes the card's missing bin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditline.errors import ValidationError
from creditline.money import ZERO, to_money
from creditline.policy.enterprise import Collateral, FinancialStatements

PERSON_CARD = "bnpl_a_card"
ENTERPRISE_CARD = "sme_a_card"
CARD_FOR_KIND = {"person": PERSON_CARD, "enterprise": ENTERPRISE_CARD}

PERSON_FEATURES: tuple[str, ...] = (
    "age", "employment", "monthly_income", "existing_debt_monthly", "debt_to_income",
    "credit_history_months", "num_credit_accounts", "revolving_utilization", "inquiries_6m",
    "delinquencies_24m", "num_contacts",
)
ENTERPRISE_FEATURES: tuple[str, ...] = (
    "industry", "firm_age_years", "employees", "annual_revenue", "net_margin", "net_income",
    "total_assets", "total_liabilities", "leverage", "current_assets", "current_liabilities",
    "current_ratio", "operating_cash_flow", "annual_debt_service", "dscr", "collateral_kind",
    "collateral_value",
)
_COUNTS = ("credit_history_months", "num_credit_accounts", "inquiries_6m", "delinquencies_24m")


@dataclass(frozen=True)
class Bureau:
    """The credit-bureau file sent with a person's application (all optional)."""

    existing_debt_monthly: Decimal | None = None
    credit_history_months: int | None = None
    num_credit_accounts: int | None = None
    revolving_utilization: float | None = None
    inquiries_6m: int | None = None
    delinquencies_24m: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, field: str = "bureau") -> Bureau:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValidationError(field, "must be an object of credit-bureau figures")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValidationError(f"{field}.{unknown[0]}", "is not a credit-bureau field")
        values: dict[str, Any] = {}
        if data.get("existing_debt_monthly") is not None:
            values["existing_debt_monthly"] = to_money(
                data["existing_debt_monthly"], f"{field}.existing_debt_monthly", allow_zero=True)
        for name in _COUNTS:
            v = data.get(name)
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10_000:
                raise ValidationError(f"{field}.{name}", "must be a whole number from 0 to 10000")
            values[name] = v
        u = data.get("revolving_utilization")
        if u is not None:
            if isinstance(u, bool) or not isinstance(u, (int, float)) or not 0 <= u <= 10:
                raise ValidationError(f"{field}.revolving_utilization",
                                      "must be a number from 0 to 10 (1 = fully used)")
            values["revolving_utilization"] = float(u)
        return cls(**values)

    def as_json(self) -> dict[str, Any]:
        return {k: (None if v is None else (f"{v:.2f}" if isinstance(v, Decimal) else v))
                for k, v in self.__dict__.items()}


def person_features(*, age: int, employment: str | None, monthly_income: Decimal,
                    num_contacts: int, bureau: Bureau) -> dict[str, Any]:
    debt = bureau.existing_debt_monthly
    dti = None
    if debt is not None and monthly_income > 0:
        dti = round(float(debt / monthly_income), 4)
    return {
        "age": age, "employment": employment, "monthly_income": float(monthly_income),
        "existing_debt_monthly": None if debt is None else float(debt), "debt_to_income": dti,
        "credit_history_months": bureau.credit_history_months,
        "num_credit_accounts": bureau.num_credit_accounts,
        "revolving_utilization": bureau.revolving_utilization,
        "inquiries_6m": bureau.inquiries_6m, "delinquencies_24m": bureau.delinquencies_24m,
        "num_contacts": num_contacts,
    }


def enterprise_features(*, industry: str, firm_age_years: int, employees: int | None,
                        statements: FinancialStatements,
                        collateral: tuple[Collateral, ...]) -> dict[str, Any]:
    r = statements.ratios()
    pledged = sum((c.appraised_value for c in collateral), ZERO)
    main = max(collateral, key=lambda c: c.appraised_value).kind if collateral else "none"

    def f(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    return {
        "industry": industry, "firm_age_years": firm_age_years, "employees": employees,
        "annual_revenue": f(statements.revenue), "net_margin": f(r.margin),
        "net_income": f(statements.net_profit), "total_assets": f(statements.total_assets),
        "total_liabilities": f(statements.total_liabilities), "leverage": f(r.debt_to_asset),
        "current_assets": f(statements.current_assets),
        "current_liabilities": f(statements.current_liabilities),
        "current_ratio": f(r.current_ratio), "operating_cash_flow": f(statements.operating_cash_flow),
        "annual_debt_service": f(statements.debt_service), "dscr": f(r.dscr),
        "collateral_kind": main, "collateral_value": float(pledged),
    }
