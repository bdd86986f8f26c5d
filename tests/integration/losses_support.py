"""Helpers for the losses tests: two risk officers (maker and checker), a provision posted
by hand (the ECL work posts them in the product), the book's balances per account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from creditline.auth import Principal, Role
from creditline.bootstrap import Container
from creditline.ledger import accounts as acc
from creditline.ledger.ids import new_entry_id
from creditline.ledger.journal import EntryBuilder
from creditline.store.tables.servicing import installments

MAKER = Principal("id-wang", "wang", Role.RISK_OFFICER)
CHECKER = Principal("id-zhao", "zhao", Role.RISK_OFFICER)


def provide(container: Container, amount: str, on: date) -> None:
    """A provision as the ECL stage would post it: Dr impairment expense / Cr allowance."""
    with container.uow() as uow:
        uow.ledger.post([EntryBuilder(None).move(
            acc.IMPAIRMENT_EXPENSE, acc.LOSS_ALLOWANCE, Decimal(amount), "provision"
        ).build(new_entry_id(), on, "provision")])
        uow.commit()


def book(container: Container) -> dict[str, Decimal]:
    """Every account's signed balance (debit +, credit -), zero balances left out."""
    with container.uow() as uow:
        return {a: s for a, _, s in uow.ledger.trial_balance() if s != 0}


def open_installments(container: Container, line_id: str) -> int:
    with container.engine.connect() as c:
        return len(c.execute(select(installments.c.seq).where(
            installments.c.line_id == line_id, installments.c.settled.is_(False))).all())


def without_provisions(container: Container) -> Container:
    """The same store with end of day minus its month-end ``provisions`` stage, so the
    allowance holds only what a worked example posts itself (``provide``) and the split of a
    loss between allowance and expense shows; the provisions' own worked example is
    ``test_ecl_provisions``."""
    from dataclasses import replace

    from creditline.batch.pipeline import Pipeline
    from creditline.batch.provisions import PROVISIONS
    from creditline.batch.run import default_pipeline

    return replace(container, pipeline=Pipeline(
        [s for s in default_pipeline().stages if s.name != PROVISIONS]))
