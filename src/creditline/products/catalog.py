"""The product catalogue: one home for every product's terms, read by origination (who a
product is for, the limits a decision may grant, the second-review threshold) and by
servicing (plans, rates, statements, the repayment waterfall).

Products are data the risk team edits (DESIGN principle 6): ``data/`` is a versioned folder,
a ``manifest.json`` listing one file per product, identified like the policy ruleset by
version + SHA-256 of its bytes (``creditline.versioned``).  Every policy decision records the
catalogue's ``label``; a line records it too and copies the terms of its product
(``product_terms``), so editing the catalogue never rewrites an existing line.

Rates keep at most 8 decimals so that every daily accrual is an exact integer count of
hundred-millionths of a cent (``RATE_SCALE``) in both the Decimal and the vectorized path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from creditline.errors import ValidationError

# a line's repayment terms (lines.terms), re-exported: the product files are written in them
from creditline.lines.terms import EXCESS
from creditline.lines.terms import KINDS as KINDS
from creditline.lines.terms import Waterfall as Waterfall
from creditline.money import money_str, to_money, to_rate
from creditline.products.categories import CategoryCaps, parse_caps
from creditline.versioned import read_versioned

CATALOG_DIR = Path(__file__).parent / "data"

RATE_DECIMALS = 8
RATE_SCALE = 10**RATE_DECIMALS
MAX_DAILY_RATE = Decimal("0.001")  # 36.5 % a year: above any lawful consumer rate in China
METHODS = ("single", "even", "annuity", "interest_only")
FEE_REFUND = ("pro_rata", "unbilled_only")
CUSTOMER_KINDS = {"bnpl": "person", "sme": "enterprise"}  # product kind -> who it is for
# The statement calendar (``servicing.calendar``) bills a purchase on the first statement
# strictly after it, at most 31 days later, due ``grace_days`` after that: a single-payment
# purchase is interest-free for at most 31 + grace_days days.  The product file states the
# figure (customers are promised it) and the catalogue refuses a file whose figure the
# calendar would not keep.
LONGEST_CYCLE_DAYS = 31


@dataclass(frozen=True)
class Plan:
    """One installment offer: how many periods, how principal is split, the fee per period."""

    periods: int
    method: str
    methods: tuple[str, ...]
    fee_rate: Decimal


@dataclass(frozen=True)
class Product:
    """One product's terms.  ``limit_min``..``limit_max`` bound a granted or opened limit
    (origination declines below the minimum; servicing refuses to open a line outside the
    range or to raise one above the maximum); a manual approval above
    ``second_review_above`` needs a second reviewer.  ``second_review_above`` is None only
    on terms copied onto a line before the catalogue carried it (servicing never reads it)."""

    code: str
    name: str
    kind: str
    customer_kind: str
    currency: str
    statement_day: int
    grace_days: int
    limit_min: Decimal
    limit_max: Decimal
    second_review_above: Decimal | None
    plans: dict[int, Plan]
    interest_daily_rate: Decimal
    penalty_daily_rate: Decimal
    min_principal_share: Decimal
    min_floor: Decimal
    waterfall: Waterfall
    fee_refund: str
    block_when_past_due: bool
    # merchant-category caps (ESG, ``products.categories``); None: the product has none
    categories: CategoryCaps | None = None
    # explicit terms shown at checkout (catalogue 2026.11.3); None / zero on terms copied
    # onto a line before the catalogue carried them
    interest_free_days: int | None = None  # single-payment purchases: the longest period
    late_fee: Decimal = Decimal("0.00")  # flat fee per missed due date (none is charged yet)
    first_limit_max: Decimal | None = None  # a new customer's first limit (the limit ramp)
    ramp_growth: Decimal | None = None  # ... and its growth per clean statement (a share)
    review_sla_hours: int | None = None  # a referred application is decided within this

    def plan(self, periods: object, method: object = None) -> Plan:
        """The plan for a requested installment count (and method), or a 422 naming it."""
        offered = ", ".join(str(p) for p in sorted(self.plans))
        if isinstance(periods, bool) or not isinstance(periods, int) or periods not in self.plans:
            raise ValidationError("installments", f"must be one of {offered} for {self.code}")
        plan = self.plans[periods]
        if method is None:
            return plan
        if method not in plan.methods:
            raise ValidationError("method", f"must be one of {', '.join(plan.methods)} for "
                                            f"{periods} installments of {self.code}")
        return Plan(plan.periods, str(method), plan.methods, plan.fee_rate)


@dataclass(frozen=True)
class Catalog:
    """The products of one catalogue version; ``label`` (``version+hash12``) is what a
    decision or a line records."""

    version: str
    products: dict[str, Product]
    hash: str = ""

    @property
    def label(self) -> str:
        return f"{self.version}+{self.hash[:12]}" if self.hash else self.version

    def get(self, code: object) -> Product:
        if not isinstance(code, str) or code not in self.products:
            raise ValidationError("product", f"must be one of {', '.join(sorted(self.products))}")
        return self.products[code]

    def find(self, code: str) -> Product | None:
        return self.products.get(code)


def _rate(value: object, field: str, ceiling: Decimal | None = None) -> Decimal:
    if not isinstance(value, str):
        raise ValidationError(field, "must be a decimal string")
    r = to_rate(value, field)
    exp = r.as_tuple().exponent
    assert isinstance(exp, int)
    if -exp > RATE_DECIMALS:
        raise ValidationError(field, f"must have at most {RATE_DECIMALS} decimal places")
    if ceiling is not None and r > ceiling:
        raise ValidationError(field, f"must not exceed {ceiling} per day")
    return r


def _int(value: object, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValidationError(field, f"must be an integer from {lo} to {hi}")
    return value


def _product(code: str, raw: dict[str, Any], *, copied: bool = False) -> Product:
    """Check one product document.  ``copied`` = terms copied onto a line, which may predate
    ``customer_kind`` and ``second_review_above`` (catalogue 2026.11.1 had neither)."""
    f = f"products.{code}"
    if not isinstance(raw, dict):
        raise ValidationError(f, "must be a JSON object of product terms")
    kind = raw.get("kind")
    if kind not in CUSTOMER_KINDS:
        raise ValidationError(f"{f}.kind", "must be bnpl or sme")
    customer_kind = raw.get("customer_kind", CUSTOMER_KINDS[kind] if copied else None)
    if customer_kind != CUSTOMER_KINDS[kind]:
        raise ValidationError(f"{f}.customer_kind",
                              f"must be {CUSTOMER_KINDS[kind]} for a {kind} product")
    plans: dict[int, Plan] = {}
    raw_plans = raw.get("plans")
    if not isinstance(raw_plans, dict) or not raw_plans:
        raise ValidationError(f"{f}.plans", "must map installment counts to plans")
    for key, p in raw_plans.items():
        pf = f"{f}.plans.{key}"
        if not key.isdigit() or not 1 <= int(key) <= 60:
            raise ValidationError(pf, "key must be an installment count from 1 to 60")
        n = int(key)
        method = p.get("method")
        methods = tuple(p.get("methods", [method]))
        if method not in METHODS or any(m not in METHODS for m in methods) or method not in methods:
            raise ValidationError(f"{pf}.method", f"must be one of {', '.join(METHODS)}")
        if (method == "single") != (n == 1):
            raise ValidationError(f"{pf}.method", "single is the method of 1 installment only")
        plans[n] = Plan(n, method, methods, _rate(p.get("fee_rate", "0"), f"{pf}.fee_rate",
                                                   Decimal("0.05")))
    lim = raw.get("limit", {})
    limit_min = to_money(lim.get("min"), f"{f}.limit.min")
    limit_max = to_money(lim.get("max"), f"{f}.limit.max")
    if limit_max < limit_min or limit_max > Decimal("100000000"):
        raise ValidationError(f"{f}.limit.max", "must be at least limit.min and at most 100000000")
    second: Decimal | None = None
    if not copied or lim.get("second_review_above") is not None:
        second = to_money(lim.get("second_review_above"), f"{f}.limit.second_review_above")
        if not limit_min <= second <= limit_max:
            raise ValidationError(f"{f}.limit.second_review_above",
                                  "must be between limit.min and limit.max")
    mp = raw.get("minimum_payment", {})
    share = _rate(mp.get("principal_share"), f"{f}.minimum_payment.principal_share")
    if share > 1:
        raise ValidationError(f"{f}.minimum_payment.principal_share", "must be at most 1")
    wf = raw.get("waterfall", {})
    order = tuple(wf.get("order", KINDS))
    if sorted(order) != sorted(KINDS):
        raise ValidationError(f"{f}.waterfall.order", f"must order each of {', '.join(KINDS)} once")
    if wf.get("by", "kind") not in ("kind", "due"):
        raise ValidationError(f"{f}.waterfall.by", "must be kind or due")
    if wf.get("excess", "prepay") not in EXCESS:
        raise ValidationError(f"{f}.waterfall.excess", f"must be one of {', '.join(EXCESS)}")
    grace = _int(raw.get("grace_days"), f"{f}.grace_days", 0, 25)
    free_days = _interest_free_days(raw, f, plans, grace, copied)
    late_fee = to_money(raw.get("late_fee", "0.00"), f"{f}.late_fee", allow_zero=True)
    if late_fee != 0:
        raise ValidationError(f"{f}.late_fee", "must be 0.00: servicing charges lateness by "
                                               "penalty_daily_rate only (no flat late fee yet)")
    first_max: Decimal | None = None
    growth: Decimal | None = None
    if lim.get("first_limit_max") is not None:
        first_max = to_money(lim.get("first_limit_max"), f"{f}.limit.first_limit_max")
        if not limit_min <= first_max <= limit_max:
            raise ValidationError(f"{f}.limit.first_limit_max",
                                  "must be between limit.min and limit.max")
        growth = _rate(lim.get("ramp_growth"), f"{f}.limit.ramp_growth")
        if not 0 < growth <= 1:
            raise ValidationError(f"{f}.limit.ramp_growth", "must be a share above 0 and at "
                                                             "most 1 (growth per statement)")
    sla: int | None = None
    if not copied or raw.get("review_sla_hours") is not None:
        sla = _int(raw.get("review_sla_hours"), f"{f}.review_sla_hours", 1, 720)
    fee_refund = raw.get("returns", {}).get("fee_refund", "pro_rata")
    if fee_refund not in FEE_REFUND:
        raise ValidationError(f"{f}.returns.fee_refund", f"must be one of {', '.join(FEE_REFUND)}")
    return Product(
        code=code, name=str(raw.get("name", code)), kind=kind, customer_kind=customer_kind,
        currency=str(raw.get("currency", "CNY")),
        statement_day=_int(raw.get("statement_day"), f"{f}.statement_day", 1, 28),
        grace_days=grace,
        limit_min=limit_min, limit_max=limit_max, second_review_above=second, plans=plans,
        interest_daily_rate=_rate(raw.get("interest_daily_rate", "0"), f"{f}.interest_daily_rate",
                                  MAX_DAILY_RATE),
        penalty_daily_rate=_rate(raw.get("penalty_daily_rate", "0"), f"{f}.penalty_daily_rate",
                                 MAX_DAILY_RATE),
        min_principal_share=share,
        min_floor=to_money(mp.get("floor", "0"), f"{f}.minimum_payment.floor", allow_zero=True),
        waterfall=Waterfall(order, wf.get("by", "kind"), wf.get("excess", "prepay")),
        fee_refund=fee_refund,
        block_when_past_due=bool(raw.get("block_purchases_when_past_due", True)),
        categories=parse_caps(raw.get("categories"), f"{f}.categories"),
        interest_free_days=free_days, late_fee=late_fee, first_limit_max=first_max,
        ramp_growth=growth, review_sla_hours=sla,
    )


def _interest_free_days(raw: dict[str, Any], f: str, plans: dict[int, Plan], grace: int,
                        copied: bool) -> int | None:
    """The stated interest-free period of single-payment purchases: required with a
    single plan (absent otherwise), and what the statement calendar keeps."""
    value = raw.get("interest_free_days")
    if 1 not in plans:
        if value is not None:
            raise ValidationError(f"{f}.interest_free_days",
                                  "is only stated for a product with a single-payment plan")
        return None
    if value is None and copied:
        return None
    longest = LONGEST_CYCLE_DAYS + grace
    if isinstance(value, bool) or not isinstance(value, int) or value != longest:
        raise ValidationError(f"{f}.interest_free_days",
                              f"must be {longest}: a single payment is billed on the next "
                              f"statement (at most {LONGEST_CYCLE_DAYS} days on) and due "
                              f"grace_days ({grace}) later")
    return value


def parse_catalog(raw: dict[str, Any], hash_: str = "") -> Catalog:
    """Check a catalogue document ``{"version": ..., "products": {code: terms}}`` and build
    the catalogue; errors name the bad field."""
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ValidationError("version", "must be a non-empty string")
    products = raw.get("products")
    if not isinstance(products, dict) or not products:
        raise ValidationError("products", "must name at least one product")
    return Catalog(version, {code: _product(code, p) for code, p in products.items()}, hash_)


def load_catalog(folder: Path | str | None = None) -> Catalog:
    """The catalogue in ``folder`` (default: the one shipped in the package): a manifest
    listing one JSON file per product, each naming its ``code``."""
    data = read_versioned(folder if folder is not None else CATALOG_DIR,
                          files_key="products", what="products")
    products: dict[str, Any] = {}
    for name, doc in data.files:
        code = doc.get("code") if isinstance(doc, dict) else None
        if not isinstance(code, str) or not code.isidentifier():
            raise ValidationError("products", f"{name} needs a 'code' (letters, digits, _)")
        if code in products:
            raise ValidationError("products", f"{name}: product {code} is defined twice")
        products[code] = {k: v for k, v in doc.items() if k != "code"}
    return parse_catalog({"version": data.version, "products": products}, data.hash)


@lru_cache(maxsize=8)
def _cached(folder: str) -> Catalog:
    return load_catalog(folder)


def default_catalog() -> Catalog:
    """The shipped catalogue, loaded and checked once per process."""
    return _cached(str(CATALOG_DIR))


def product_terms(p: Product) -> dict[str, Any]:
    """The product as a JSON document in the file's own shape: the terms a line copies when it
    is opened, parsed back with ``terms_product``."""
    limit = {"min": money_str(p.limit_min), "max": money_str(p.limit_max)}
    if p.second_review_above is not None:
        limit["second_review_above"] = money_str(p.second_review_above)
    if p.first_limit_max is not None:
        limit["first_limit_max"] = money_str(p.first_limit_max)
        limit["ramp_growth"] = str(p.ramp_growth)
    explicit: dict[str, Any] = {"late_fee": money_str(p.late_fee)}
    if p.review_sla_hours is not None:
        explicit["review_sla_hours"] = p.review_sla_hours
    if p.interest_free_days is not None:
        explicit["interest_free_days"] = p.interest_free_days
    terms: dict[str, Any] = {
        "name": p.name, "kind": p.kind, "customer_kind": p.customer_kind,
        "currency": p.currency, "statement_day": p.statement_day, "grace_days": p.grace_days,
        "limit": limit,
        "plans": {str(n): {"method": pl.method, "methods": list(pl.methods),
                           "fee_rate": str(pl.fee_rate)} for n, pl in sorted(p.plans.items())},
        "interest_daily_rate": str(p.interest_daily_rate),
        "penalty_daily_rate": str(p.penalty_daily_rate),
        "minimum_payment": {"principal_share": str(p.min_principal_share),
                            "floor": f"{p.min_floor:.2f}"},
        "waterfall": {"order": list(p.waterfall.order), "by": p.waterfall.by,
                      "excess": p.waterfall.excess},
        "returns": {"fee_refund": p.fee_refund},
        "block_purchases_when_past_due": p.block_when_past_due,
        **explicit,
    }
    if p.categories is not None:
        terms["categories"] = p.categories.to_json()
    return terms


def terms_product(code: str, terms: dict[str, Any]) -> Product:
    """The product as copied onto a line.  Parsed once per distinct terms (every purchase
    and return needs it; parsing the rates and plans again each time cost ~0.2 ms)."""
    return _terms_product(code, json.dumps(terms, sort_keys=True))


@lru_cache(maxsize=512)
def _terms_product(code: str, terms_json: str) -> Product:
    return _product(code, json.loads(terms_json), copied=True)
