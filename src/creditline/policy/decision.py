"""From table answers to a decision: approved / declined / referred, the limit and the
ranked reason codes.

Order of precedence: any knock-out that declines; a score below the decline cut-off; a limit
below the product minimum; then any knock-out that refers or a score in the refer band;
otherwise approval.  Reasons are ranked the same way, the A-card's adverse factors placed
right after the score reason they explain.

Who a product is for and the limits a decision may grant come from the product catalogue
(``creditline.products``), the same terms servicing opens the line on; the decision records
the catalogue's version+hash beside the ruleset's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditline.errors import ValidationError
from creditline.money import ZERO, money_str
from creditline.policy import limits
from creditline.policy.facts import PolicyFacts
from creditline.policy.ruleset import Ruleset
from creditline.products.catalog import Catalog, Product, default_catalog

APPROVED, DECLINED, REFERRED = "approved", "declined", "referred"
_ACTIONS = {"decline", "refer"}


@dataclass(frozen=True)
class PolicyDecision:
    decision: str
    limit: Decimal  # granted (approved), proposed (referred) or zero (declined)
    band: str | None
    reasons: tuple[str, ...]
    knockouts: tuple[tuple[str, str], ...]
    basis: limits.LimitBasis | None
    min_limit: Decimal
    max_limit: Decimal
    second_review_above: Decimal
    rules_version: str
    rules_hash: str
    products_version: str  # the catalogue's version+hash12

    def as_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision, "limit": money_str(self.limit), "band": self.band,
            "reasons": list(self.reasons),
            "knockouts": [{"code": c, "action": a} for c, a in self.knockouts],
            "basis": None if self.basis is None else self.basis.as_json(),
            "min_limit": money_str(self.min_limit), "max_limit": money_str(self.max_limit),
            "second_review_above": money_str(self.second_review_above),
            "rules_version": self.rules_version, "rules_hash": self.rules_hash,
            "products_version": self.products_version,
        }


def _dec(value: Any, what: str) -> Decimal:
    if value is None or isinstance(value, bool):
        raise ValidationError("rules", f"table output {what} is missing")
    return Decimal(str(value))


def product_for(catalog: Catalog, facts: PolicyFacts) -> Product:
    """The product applied for; unknown products and the wrong kind of customer are bad
    input."""
    product = catalog.find(facts.product)
    if product is None:
        raise ValidationError("product", f"unknown product {facts.product!r}")
    if product.customer_kind != facts.kind:
        raise ValidationError(
            "product", f"{facts.product} is for {product.customer_kind} customers; "
                       f"this customer is a {facts.kind}")
    return product


def _limit(ruleset: Ruleset, facts: PolicyFacts, result: Mapping[str, Any],
           max_limit: Decimal) -> limits.LimitBasis:
    step = Decimal(str(ruleset.parameters.get("limit_step", "100.00")))
    head: list[tuple[str, Decimal | None]] = [("REQUESTED_LIMIT", facts.requested_limit)]
    if facts.special_terms_limit is not None:
        return limits.lowest([*head, ("SPECIAL_TERMS", facts.special_terms_limit)], step)
    head.append(("PRODUCT_MAX", max_limit))
    if facts.kind == "person":
        a = facts.applicant
        burden = result.get("burden") or {}
        capacity = limits.debt_burden_capacity(
            None if a is None else a.monthly_income, ZERO if a is None else a.debt_payments,
            _dec(burden.get("max_ratio"), "burden.max_ratio"),
            int(_dec(burden.get("tenor_months"), "burden.tenor_months")))
        # a person's assets carry part of a line beside income (policy.assets)
        capacity += limits.collateral_value(
            [(Decimal(str(x["value"])), _dec(x.get("advance_rate"), "asset advance_rate"))
             for x in result.get("asset_terms") or ()])
        matrix = _dec((result.get("matrix") or {}).get("limit"), "matrix.limit")
        return limits.lowest([*head, ("LIMIT_MATRIX", matrix), ("DEBT_BURDEN", capacity)], step)
    e = facts.enterprise
    st = None if e is None else e.statements
    target = _dec((result.get("capacity") or {}).get("target_dscr"), "capacity.target_dscr")
    cash = ZERO if st is None else limits.cash_flow_capacity(
        st.operating_cash_flow, st.debt_service, target)
    pledged = [(Decimal(str(c["value"])), _dec(c.get("advance_rate"), "collateral advance_rate"))
               for c in result.get("collateral_terms") or ()]
    cap = _dec((result.get("industry") or {}).get("cap"), "industry.cap")
    return limits.lowest([*head, ("INDUSTRY_CAP", cap), ("CASHFLOW_CAPACITY", cash),
                          ("COLLATERAL_SHORTFALL", limits.collateral_value(pledged))], step)


def interpret(ruleset: Ruleset, facts: PolicyFacts, result: Mapping[str, Any],
              catalog: Catalog | None = None) -> PolicyDecision:
    catalog = catalog or default_catalog()
    product = product_for(catalog, facts)
    min_limit, max_limit = product.limit_min, product.limit_max
    second = product.second_review_above
    if second is None:  # only terms copied onto an old line lack it, never the catalogue
        raise ValidationError("product", f"{product.code} has no second_review_above")
    knockouts = tuple((str(k["code"]), str(k["action"])) for k in result.get("knockouts") or ()
                      if k.get("action") in _ACTIONS)
    declines = [c for c, a in knockouts if a == "decline"]
    refers = [c for c, a in knockouts if a == "refer"]
    cutoff = result.get("cutoff") or {}
    band = cutoff.get("band")
    cut = cutoff.get("decision", "decline")
    basis = _limit(ruleset, facts, result, max_limit)
    score = list(facts.score_reasons)

    reasons: list[str]
    if declines:
        decision, reasons = DECLINED, [*declines, *refers, *score]
    elif cut == "decline":
        decision, reasons = DECLINED, ["SCORE_BELOW_CUTOFF", *score, *refers]
    elif basis.limit < min_limit:
        decision, reasons = DECLINED, ["LIMIT_BELOW_MIN", basis.binding, *refers, *score]
    elif refers or cut == "refer":
        decision = REFERRED
        reasons = [*refers, *(["SCORE_REFER_BAND", *score] if cut == "refer" else []),
                   basis.binding, *score]
    else:
        decision, reasons = APPROVED, [basis.binding, *score]
    limit = ZERO if decision == DECLINED else basis.limit
    return PolicyDecision(
        decision=decision, limit=limit, band=band, reasons=tuple(dict.fromkeys(reasons)),
        knockouts=knockouts, basis=basis, min_limit=min_limit, max_limit=max_limit,
        second_review_above=second, rules_version=ruleset.version, rules_hash=ruleset.hash,
        products_version=catalog.label)


def decide(ruleset: Ruleset, facts: PolicyFacts, catalog: Catalog | None = None) -> PolicyDecision:
    return interpret(ruleset, facts, ruleset.evaluate(facts.context()), catalog)


def decide_many(ruleset: Ruleset, facts: Sequence[PolicyFacts],
                catalog: Catalog | None = None) -> list[PolicyDecision]:
    results = ruleset.evaluate_many([f.context() for f in facts])
    return [interpret(ruleset, f, r, catalog) for f, r in zip(facts, results, strict=True)]
