"""A person's assets and existing obligations, as declared on an application (issue 12).

Assets raise what a person can carry: each asset adds its value times an advance rate from
the decision table ``asset_haircuts.json`` (by kind, and lower when only declared than when
verified) to the debt-burden capacity.  Obligations are monthly payments on existing debt;
the debt-burden cap counts the larger of the credit bureau's figure and the declared total
(the bureau misses private and new loans; a declared loan is usually also in the bureau, so
the two are not added)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditline.errors import ValidationError
from creditline.money import ZERO, money_str
from creditline.policy.inputs import amount, choice, parse_list, text

ASSET_KINDS: tuple[str, ...] = ("property", "vehicle", "deposit", "investment")
OBLIGATION_KINDS: tuple[str, ...] = ("mortgage", "car_loan", "credit_card", "consumer_loan",
                                     "business_loan", "other")


@dataclass(frozen=True)
class Asset:
    kind: str
    declared_value: Decimal
    verified_value: Decimal | None = None  # what a check found (registry, bank statement)
    source: str | None = None  # who or what verified it; required with a verified value

    @property
    def verified(self) -> bool:
        return self.verified_value is not None

    @property
    def value(self) -> Decimal:
        """The value the policy counts: the verified one when there is one."""
        return self.declared_value if self.verified_value is None else self.verified_value

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], field: str) -> Asset:
        kind = choice(data, "kind", field, ASSET_KINDS)
        declared = amount(data, "declared_value", field)
        assert declared is not None
        verified = amount(data, "verified_value", field, required=False, allow_zero=True)
        source = text(data, "source", field, max_len=100)
        if verified is not None and source is None:
            raise ValidationError(f"{field}.source", "is required with a verified_value: "
                                                     "who or what verified it")
        return cls(kind, declared, verified, source)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "declared_value": money_str(self.declared_value),
                "verified_value": None if self.verified_value is None
                else money_str(self.verified_value), "source": self.source}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Asset:
        v = d.get("verified_value")
        return cls(d["kind"], Decimal(d["declared_value"]),
                   None if v is None else Decimal(v), d.get("source"))


@dataclass(frozen=True)
class Obligation:
    kind: str
    monthly_payment: Decimal
    outstanding: Decimal | None = None
    lender: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], field: str) -> Obligation:
        kind = choice(data, "kind", field, OBLIGATION_KINDS)
        monthly = amount(data, "monthly_payment", field, allow_zero=True)
        assert monthly is not None
        return cls(kind, monthly, amount(data, "outstanding", field, required=False,
                                         allow_zero=True),
                   text(data, "lender", field, max_len=100))

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "monthly_payment": money_str(self.monthly_payment),
                "outstanding": None if self.outstanding is None
                else money_str(self.outstanding), "lender": self.lender}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Obligation:
        o = d.get("outstanding")
        return cls(d["kind"], Decimal(d["monthly_payment"]), None if o is None else Decimal(o),
                   d.get("lender"))


def parse_assets(items: object, field: str = "assets") -> tuple[Asset, ...]:
    return parse_list(items, field, Asset.from_mapping,
                      what="{kind, declared_value, verified_value?, source?}")


def parse_obligations(items: object, field: str = "obligations") -> tuple[Obligation, ...]:
    return parse_list(items, field, Obligation.from_mapping,
                      what="{kind, monthly_payment, outstanding?, lender?}")


def declared_monthly_debt(obligations: tuple[Obligation, ...]) -> Decimal:
    return sum((o.monthly_payment for o in obligations), ZERO)
