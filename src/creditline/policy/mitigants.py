"""An enterprise's risk mitigants beyond pledged collateral (issue 12): guarantee insurance,
a pledge of receivables, corporate and personal guarantors.  Each counts at its amount times
its own advance rate, from the same decision table as collateral
(``collateral_haircuts.json``), towards the secured cover of the line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditline.errors import ValidationError
from creditline.money import money_str
from creditline.policy.inputs import amount, choice, parse_list, text

MITIGANT_KINDS: tuple[str, ...] = ("guarantee_insurance", "receivables_pledge",
                                   "corporate_guarantee", "personal_guarantee")


@dataclass(frozen=True)
class Mitigant:
    kind: str
    amount: Decimal  # the sum insured, pledged or guaranteed
    provider: str  # the insurer, the pledged debtors, or the guarantor's name

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], field: str) -> Mitigant:
        kind = choice(data, "kind", field, MITIGANT_KINDS)
        value = amount(data, "amount", field)
        provider = text(data, "provider", field, max_len=200, required=True)
        assert value is not None and provider is not None
        return cls(kind, value, provider)

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "amount": money_str(self.amount), "provider": self.provider}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Mitigant:
        return cls(d["kind"], Decimal(d["amount"]), d["provider"])


def parse_mitigants(items: object, receivables: Decimal | None, field: str = "mitigants"
                    ) -> tuple[Mitigant, ...]:
    """The mitigants; a receivables pledge cannot exceed the receivables declared."""
    found = parse_list(items, field, Mitigant.from_mapping, what="{kind, amount, provider}")
    pledged = sum((m.amount for m in found if m.kind == "receivables_pledge"), Decimal(0))
    if pledged and (receivables is None or pledged > receivables):
        i = next(i for i, m in enumerate(found) if m.kind == "receivables_pledge")
        raise ValidationError(f"{field}.{i}.amount",
                              f"receivables pledged ({money_str(pledged)}) exceed the "
                              f"receivables declared ({'none' if receivables is None else money_str(receivables)})")
    return found
