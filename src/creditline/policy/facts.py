"""The facts a policy decides on, gathered before the tables run: who applies for what, what
screening found, the A-card score, and for enterprises the statements and collateral.

Facts are stored with every application (``to_json``), so a changed ruleset can be replayed
over past applications exactly (``from_json``).  ``context`` is the view the decision tables
see: numbers as plain JSON numbers, because the tables only compare them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from creditline.fraud.velocity import VELOCITY_FIELDS
from creditline.money import ZERO, money_str
from creditline.policy.assets import Asset, Obligation, declared_monthly_debt
from creditline.policy.enterprise import Collateral, FinancialStatements, Ratios
from creditline.policy.mitigants import Mitigant
from creditline.policy.profile import Profile
from creditline.policy.statements import Trends, YearStatements, trends


def _num(value: Decimal | None) -> float | None:
    """Decimal to a JSON number for comparisons in the tables (never for money results)."""
    return None if value is None else float(value)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Screening:
    """What the fraud checks found; the knock-out table turns it into decisions."""

    id_valid: bool = True
    phone_valid: bool = True
    blacklist_id: bool = False
    blacklist_phone: bool = False
    blacklist_device: bool = False
    velocity: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(VELOCITY_FIELDS, 0))
    ring_size: int = 1
    days_since_decline: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id_valid": self.id_valid, "phone_valid": self.phone_valid,
                "blacklist_id": self.blacklist_id, "blacklist_phone": self.blacklist_phone,
                "blacklist_device": self.blacklist_device, "velocity": dict(self.velocity),
                "ring_size": self.ring_size, "days_since_decline": self.days_since_decline}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Screening:
        return cls(id_valid=bool(d.get("id_valid", True)), phone_valid=bool(d.get("phone_valid", True)),
                   blacklist_id=bool(d.get("blacklist_id")),
                   blacklist_phone=bool(d.get("blacklist_phone")),
                   blacklist_device=bool(d.get("blacklist_device")),
                   velocity={**dict.fromkeys(VELOCITY_FIELDS, 0), **dict(d.get("velocity") or {})},
                   ring_size=int(d.get("ring_size", 1)),
                   days_since_decline=d.get("days_since_decline"))


@dataclass(frozen=True)
class Applicant:
    """A person's facts.  ``monthly_debt`` is what existing installments already take."""

    age: int | None
    monthly_income: Decimal | None
    monthly_debt: Decimal = ZERO  # the credit bureau's figure
    employment: str | None = None
    assets: tuple[Asset, ...] = ()  # declared on the application (issue 12)
    obligations: tuple[Obligation, ...] = ()

    @property
    def debt_payments(self) -> Decimal:
        """Monthly payments the debt-burden cap counts: the larger of the bureau's figure and
        the declared obligations (see ``policy.assets``)."""
        return max(self.monthly_debt, declared_monthly_debt(self.obligations))

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "age": self.age,
            "monthly_income": None if self.monthly_income is None else money_str(self.monthly_income),
            "monthly_debt": money_str(self.monthly_debt), "employment": self.employment}
        if self.assets:
            out["assets"] = [a.as_json() for a in self.assets]
        if self.obligations:
            out["obligations"] = [o.as_json() for o in self.obligations]
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Applicant:
        return cls(age=d.get("age"), monthly_income=_dec(d.get("monthly_income")),
                   monthly_debt=_dec(d.get("monthly_debt")) or ZERO, employment=d.get("employment"),
                   assets=tuple(Asset.from_json(a) for a in d.get("assets") or ()),
                   obligations=tuple(Obligation.from_json(o) for o in d.get("obligations") or ()))


@dataclass(frozen=True)
class Enterprise:
    industry: str | None
    years_in_business: Decimal | None
    statements: FinancialStatements | None  # the latest year's
    collateral: tuple[Collateral, ...] = ()
    history: tuple[YearStatements, ...] = ()  # 2-3 years, oldest first, when given
    profile: Profile | None = None  # business model, purpose, order book, licence
    mitigants: tuple[Mitigant, ...] = ()

    def ratios(self) -> Ratios:
        if self.statements is None:
            return Ratios(None, None, None, None)
        return self.statements.ratios()

    def trends(self) -> Trends | None:
        return trends(self.history) if len(self.history) > 1 else None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "industry": self.industry,
            "years_in_business": None if self.years_in_business is None else str(self.years_in_business),
            "statements": None if self.statements is None else self.statements.as_json(),
            "collateral": [c.as_json() for c in self.collateral]}
        if self.history:
            out["history"] = [y.as_json() for y in self.history]
        if self.profile is not None:
            out["profile"] = self.profile.as_json()
        if self.mitigants:
            out["mitigants"] = [m.as_json() for m in self.mitigants]
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Enterprise:
        st, profile = d.get("statements"), d.get("profile")
        return cls(industry=d.get("industry"), years_in_business=_dec(d.get("years_in_business")),
                   statements=None if st is None else FinancialStatements(
                       **{k: Decimal(v) for k, v in st.items()}),
                   collateral=tuple(Collateral(c["kind"], Decimal(c["appraised_value"]))
                                    for c in d.get("collateral") or ()),
                   history=tuple(YearStatements.from_json(y) for y in d.get("history") or ()),
                   profile=None if profile is None else Profile.from_json(profile),
                   mitigants=tuple(Mitigant.from_json(m) for m in d.get("mitigants") or ()))


def _trend_context(t: Trends | None) -> dict[str, Any]:
    return {"statement_years": 1 if t is None else t.years,
            "revenue_growth": None if t is None else _num(t.revenue_growth),
            "margin_trend": None if t is None else _num(t.margin_trend),
            "leverage_trend": None if t is None else _num(t.leverage_trend)}


def _profile_context(p: Profile | None) -> dict[str, Any]:
    return {"business_category": None if p is None else p.business_category,
            "order_book": None if p is None else _num(p.order_book),
            "receivables": None if p is None else _num(p.receivables),
            "has_licence": p is not None and p.licence is not None}


@dataclass(frozen=True)
class PolicyFacts:
    product: str
    kind: str  # person | enterprise
    score: float
    pd: float
    screening: Screening = field(default_factory=Screening)
    applicant: Applicant | None = None
    enterprise: Enterprise | None = None
    requested_limit: Decimal | None = None
    special_terms_limit: Decimal | None = None
    score_reasons: tuple[str, ...] = ()  # the A-card's adverse factors, worst first

    def context(self) -> dict[str, Any]:
        """The input of the decision tables."""
        ctx: dict[str, Any] = {
            "product": self.product, "kind": self.kind, "score": self.score, "pd": self.pd,
            "screening": self.screening.as_json(),
            "requested_limit": _num(self.requested_limit),
            "special_terms": self.special_terms_limit is not None,
            "applicant": None, "enterprise": None, "collateral": [], "assets": [],
        }
        if self.applicant is not None:
            a = self.applicant
            ctx["applicant"] = {"age": a.age, "monthly_income": _num(a.monthly_income),
                                "monthly_debt": _num(a.debt_payments), "employment": a.employment,
                                "asset_value": _num(sum((x.value for x in a.assets), ZERO))}
            ctx["assets"] = [{"kind": x.kind, "value": _num(x.value), "verified": x.verified}
                             for x in a.assets]
        if self.enterprise is not None:
            e = self.enterprise
            r = e.ratios()
            ctx["enterprise"] = {
                "industry": e.industry, "years_in_business": _num(e.years_in_business),
                "current_ratio": _num(r.current_ratio), "debt_to_asset": _num(r.debt_to_asset),
                "dscr": _num(r.dscr), "margin": _num(r.margin),
                "collateral_value": _num(sum((c.appraised_value for c in e.collateral), ZERO)),
                "mitigant_value": _num(sum((m.amount for m in e.mitigants), ZERO)),
                **_trend_context(e.trends()), **_profile_context(e.profile),
            }
            # mitigants go through the collateral haircut table by their own kinds
            ctx["collateral"] = [{"kind": c.kind, "value": _num(c.appraised_value)}
                                 for c in e.collateral] + \
                [{"kind": m.kind, "value": _num(m.amount)} for m in e.mitigants]
        return ctx

    def as_json(self) -> dict[str, Any]:
        return {
            "product": self.product, "kind": self.kind, "score": self.score, "pd": self.pd,
            "screening": self.screening.as_json(),
            "applicant": None if self.applicant is None else self.applicant.as_json(),
            "enterprise": None if self.enterprise is None else self.enterprise.as_json(),
            "requested_limit": None if self.requested_limit is None else money_str(self.requested_limit),
            "special_terms_limit": None if self.special_terms_limit is None
            else money_str(self.special_terms_limit),
            "score_reasons": list(self.score_reasons),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PolicyFacts:
        return cls(
            product=d["product"], kind=d["kind"], score=float(d["score"]), pd=float(d["pd"]),
            screening=Screening.from_json(d.get("screening") or {}),
            applicant=None if d.get("applicant") is None else Applicant.from_json(d["applicant"]),
            enterprise=None if d.get("enterprise") is None else Enterprise.from_json(d["enterprise"]),
            requested_limit=_dec(d.get("requested_limit")),
            special_terms_limit=_dec(d.get("special_terms_limit")),
            score_reasons=tuple(d.get("score_reasons") or ()),
        )
