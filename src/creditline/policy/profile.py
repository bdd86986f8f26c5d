"""What an enterprise application says about the business beyond its numbers (issue 12):
its business model, what the money is for, its order book and receivables, and the business
licence it uploaded (a ``documents`` record: id, type and hash, checked by origination)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditline.errors import ValidationError
from creditline.money import money_str
from creditline.policy.inputs import amount, choice, text

BUSINESS_CATEGORIES: tuple[str, ...] = (
    "manufacturer", "foreign_trade", "wholesale", "retail", "services", "technology",
    "construction", "agriculture", "logistics", "other")
PURPOSE_KINDS: tuple[str, ...] = ("working_capital", "equipment", "project", "trade_finance")


@dataclass(frozen=True)
class Licence:
    """The uploaded business licence, as recorded when the application was made."""

    document_id: str
    media_type: str
    sha256: str

    def as_json(self) -> dict[str, str]:
        return {"document_id": self.document_id, "media_type": self.media_type,
                "sha256": self.sha256}


@dataclass(frozen=True)
class Profile:
    business_category: str | None = None
    business_description: str | None = None
    purpose_kind: str | None = None
    purpose_description: str | None = None
    purpose_amount: Decimal | None = None  # the price of the equipment or project
    order_book: Decimal | None = None  # contracted orders not yet invoiced
    receivables: Decimal | None = None  # trade receivables outstanding
    licence: Licence | None = None

    def as_json(self) -> dict[str, Any]:
        def m(v: Decimal | None) -> str | None:
            return None if v is None else money_str(v)

        return {"business_model": None if self.business_category is None else {
                    "category": self.business_category,
                    "description": self.business_description},
                "purpose": None if self.purpose_kind is None else {
                    "kind": self.purpose_kind, "description": self.purpose_description,
                    "amount": m(self.purpose_amount)},
                "order_book": m(self.order_book), "receivables": m(self.receivables),
                "licence": None if self.licence is None else self.licence.as_json()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Profile:
        def m(v: Any) -> Decimal | None:
            return None if v is None else Decimal(v)

        bm, p, lic = d.get("business_model") or {}, d.get("purpose") or {}, d.get("licence")
        return cls(bm.get("category"), bm.get("description"), p.get("kind"),
                   p.get("description"), m(p.get("amount")), m(d.get("order_book")),
                   m(d.get("receivables")), None if lic is None else Licence(**lic))


def _kind_and_text(data: object, field: str, key: str, kinds: tuple[str, ...]
                   ) -> Mapping[str, Any]:
    """An optional ``{<key>, description}`` block, checked (empty when absent)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ValidationError(field, f"must be an object {{{key}, description}}")
    choice(data, key, field, kinds)
    text(data, "description", field, max_len=500, required=True)
    return data


def parse_profile(business_model: object, purpose: object, order_book: object,
                  receivables: object, licence: Licence | None) -> Profile:
    bm = _kind_and_text(business_model, "business_model", "category", BUSINESS_CATEGORIES)
    p = _kind_and_text(purpose, "purpose", "kind", PURPOSE_KINDS)
    figures = {"order_book": order_book, "receivables": receivables}
    return Profile(
        business_category=bm.get("category"),
        business_description=text(bm, "description", "business_model", max_len=500),
        purpose_kind=p.get("kind"),
        purpose_description=text(p, "description", "purpose", max_len=500),
        purpose_amount=amount(p, "amount", "purpose", required=False),
        order_book=amount(figures, "order_book", "", required=False, allow_zero=True),
        receivables=amount(figures, "receivables", "", required=False, allow_zero=True),
        licence=licence)
