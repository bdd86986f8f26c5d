"""Merchant-category caps (ESG), per product: what a purchase in a category may do.

A product file may carry a ``categories`` section (absent: no caps)::

    "categories": {
      "prohibited": ["gambling", "lottery"],
      "high_energy": {"categories": ["travel", "home_appliances"], "cap_share": "0.40"},
      "green": {"categories": ["green_energy"], "fee_discount": "0.50"}
    }

* prohibited categories are refused outright;
* high-energy categories are capped at ``cap_share`` of the limit in force: the principal
  still owed on the line's high-energy purchases plus the new one may not pass it;
* green categories are preferred: their installment fee is ``fee_discount`` lower.

Checked at purchase time (``servicing.services.purchase``); a refusal names the cap.  A line
copies the section with its product's terms, so editing the catalogue never changes an
existing line's caps.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditline.errors import BusinessRuleViolation, ValidationError
from creditline.money import ZERO, money_str, quantize, to_rate

RATE_QUANTUM = Decimal("0.00000001")  # the catalogue's fee rates keep at most 8 decimals


@dataclass(frozen=True)
class CategoryCaps:
    prohibited: frozenset[str] = frozenset()
    high_energy: frozenset[str] = frozenset()
    high_energy_share: Decimal = Decimal("1")
    green: frozenset[str] = frozenset()
    green_fee_discount: Decimal = ZERO

    def kind(self, category: str) -> str:
        """``prohibited``, ``high_energy``, ``green`` or ``standard``."""
        if category in self.prohibited:
            return "prohibited"
        if category in self.high_energy:
            return "high_energy"
        if category in self.green:
            return "green"
        return "standard"

    def to_json(self) -> dict[str, Any]:
        return {"prohibited": sorted(self.prohibited),
                "high_energy": {"categories": sorted(self.high_energy),
                                "cap_share": str(self.high_energy_share)},
                "green": {"categories": sorted(self.green),
                          "fee_discount": str(self.green_fee_discount)}}


def _codes(value: object, field: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise ValidationError(field, "must be a list of merchant category codes")
    return frozenset(value)


def _share(value: object, field: str, what: str) -> Decimal:
    if not isinstance(value, str):
        raise ValidationError(field, "must be a decimal string such as \"0.40\"")
    share = to_rate(value, field)
    if share > 1:
        raise ValidationError(field, f"must be at most 1 (100 %): {what} above 100 % means nothing")
    return share


def parse_caps(raw: object, field: str) -> CategoryCaps | None:
    """Check a product's ``categories`` section (None when it has none); errors name the
    field, e.g. ``products.consumer_bnpl.categories.high_energy.cap_share``."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValidationError(field, "must be an object with prohibited, high_energy, green")
    unknown = set(raw) - {"prohibited", "high_energy", "green"}
    if unknown:
        raise ValidationError(f"{field}.{sorted(unknown)[0]}", "is not a known section "
                                                              "(prohibited, high_energy, green)")
    high = raw.get("high_energy") or {}
    green = raw.get("green") or {}
    if not isinstance(high, dict) or not isinstance(green, dict):
        raise ValidationError(field, "high_energy and green must be objects")
    caps = CategoryCaps(
        prohibited=_codes(raw.get("prohibited"), f"{field}.prohibited"),
        high_energy=_codes(high.get("categories"), f"{field}.high_energy.categories"),
        high_energy_share=_share(high.get("cap_share", "1"), f"{field}.high_energy.cap_share",
                                 "a cap"),
        green=_codes(green.get("categories"), f"{field}.green.categories"),
        green_fee_discount=_share(green.get("fee_discount", "0"),
                                  f"{field}.green.fee_discount", "a discount"))
    sets = (caps.prohibited, caps.high_energy, caps.green)
    for i, a in enumerate(sets):
        for b in sets[i + 1:]:
            if a & b:
                raise ValidationError(field, f"category {sorted(a & b)[0]} is in two sections")
    return caps


def check_purchase(caps: CategoryCaps | None, product: str, category: str, amount: Decimal,
                   limit: Decimal, high_energy_owed: Decimal) -> None:
    """Refuse a purchase its category's cap does not allow (422 naming the cap).
    ``high_energy_owed``: principal still owed on the line's high-energy purchases."""
    if caps is None:
        return
    kind = caps.kind(category)
    if kind == "prohibited":
        raise BusinessRuleViolation(
            f"merchant_category {category!r} is prohibited on {product} (category cap: "
            "prohibited categories)", reason="category_prohibited",
            details=[{"loc": ["merchant_category"], "msg": "prohibited category",
                      "cap": "prohibited"}])
    if kind == "high_energy":
        cap = quantize(limit * caps.high_energy_share)
        room = max(ZERO, cap - high_energy_owed)
        if amount > room:
            pct = f"{(caps.high_energy_share * 100).normalize():f} %"
            raise BusinessRuleViolation(
                f"merchant_category {category!r} is high-energy: {product} caps high-energy "
                f"spending at {pct} of the limit ({money_str(cap)}); {money_str(high_energy_owed)}"
                f" is owed on such purchases, so at most {money_str(room)} more",
                reason="category_cap",
                details=[{"loc": ["amount"], "msg": "exceeds the high-energy category cap",
                          "cap": "high_energy", "cap_share": str(caps.high_energy_share),
                          "cap_amount": money_str(cap), "room": money_str(room)}])


def fee_rate(caps: CategoryCaps | None, category: str, rate: Decimal) -> Decimal:
    """The installment fee rate of a purchase: a green category's is lower by the discount."""
    if caps is None or caps.kind(category) != "green" or caps.green_fee_discount == 0:
        return rate
    return (rate * (1 - caps.green_fee_discount)).quantize(RATE_QUANTUM)
