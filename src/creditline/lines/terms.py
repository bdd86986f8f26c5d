"""Terms a credit line carries for its whole life, copied from the product version it was
opened under (``products.catalog`` reads them from the product catalogue)."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("penalty", "fee", "interest", "principal")  # what a payment can pay
EXCESS = ("prepay", "credit")


@dataclass(frozen=True)
class Waterfall:
    """How a payment is spread: ``order`` of kinds, ``by`` = "kind" (all penalties, oldest
    first, then all fees ...) or "due" (the oldest installment in full, then the next),
    and what ``excess`` does: "prepay" unbilled interest then principal, or "credit"."""

    order: tuple[str, ...] = KINDS
    by: str = "kind"
    excess: str = "prepay"

    def code(self) -> str:
        return f"{','.join(self.order)};{self.by};{self.excess}"

    @classmethod
    def parse(cls, code: str) -> Waterfall:
        order, by, excess = code.split(";")
        return cls(tuple(order.split(",")), by, excess)
