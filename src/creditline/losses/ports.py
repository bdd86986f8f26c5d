"""What the losses use cases and the write-off stage need from storage (SQL implementation
in ``creditline.store.losses``; reached as ``uow.losses``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from creditline.losses.records import DebtSale, LossAccount, LossPayment, WriteOff
from creditline.losses.sale import Candidate


@dataclass(frozen=True)
class LossTotals:
    """The book's losses so far (the demo's summary, the expected-recovery price)."""

    written_off_lines: int
    written_off: Decimal
    recovered: Decimal
    sold_lines: int
    sold_face: Decimal
    sale_price: Decimal
    to_buyers: Decimal


class LossRepository(Protocol):
    # write-offs
    def add_write_off(self, w: WriteOff) -> None: ...

    def get_write_off(self, write_off_id: str, *, lock: bool = False) -> WriteOff | None: ...

    def save_write_off(self, w: WriteOff) -> WriteOff:
        """Write it back if its version is unchanged; returns it with the version bumped."""

    def write_offs(self, *, status: str | None = None, line_id: str | None = None,
                   limit: int = 500) -> list[WriteOff]:
        """Newest first."""

    # loss accounts, one per written-off or sold line
    def account(self, line_id: str, *, lock: bool = False) -> LossAccount | None: ...

    def accounts(self, *, limit: int = 100_000) -> list[LossAccount]:
        """Every loss account, in line id order (the demo's figures)."""

    def add_account(self, a: LossAccount) -> None: ...

    def save_account(self, a: LossAccount) -> LossAccount: ...

    # payments received on written-off and sold lines
    def add_payment(self, p: LossPayment) -> None: ...

    def payments(self, *, line_id: str | None = None, buyer: str | None = None,
                 kind: str | None = None, limit: int = 500) -> list[LossPayment]:
        """Newest first."""

    # debt sales
    def add_sale(self, s: DebtSale) -> None: ...

    def get_sale(self, sale_id: str, *, lock: bool = False) -> DebtSale | None: ...

    def save_sale(self, s: DebtSale) -> DebtSale:
        """Status, decision, figures and the lines as sold; version-checked."""

    def sales(self, *, status: str | None = None, limit: int = 200) -> list[DebtSale]: ...

    # reads for the pool, the stage and the figures
    def candidates(self, *, min_bucket: int, line_ids: Sequence[str] = ()) -> list[Candidate]:
        """Live lines with an active collection case in bucket ``min_bucket`` or later, and
        written-off lines not sold, with their face values (``line_ids``: only these)."""

    def line_kinds(self, line_ids: Sequence[str]) -> dict[str, str]:
        """Line id -> product kind (bnpl, sme), in one read."""

    def allowance_balance(self) -> Decimal:
        """The signed sum of every posting to the loss allowance (credit: below zero)."""

    def totals(self) -> LossTotals: ...
