"""``creditline losses``: write-offs (propose, decide, list, show), debt sales (preview,
propose, decide, list, show), the payments received on written-off and sold lines, and the
book's loss figures.  Each command builds a command and calls ``losses.services``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.losses import services as ls
from creditline.losses.records import DebtSale, LossPayment, WriteOff

sub = typer.Typer(
    help="Write-offs, recoveries and sales of non-performing debt. End of day writes a line "
         "off at the write-off rules' days past due; a risk officer may propose one earlier "
         "(a second person approves). Not done yet: bureau reporting of write-offs and sales "
         "(the bureau lane), and the ECL provisions that fill the loss allowance (the ecl lane).",
    no_args_is_help=True)
write_offs_app = typer.Typer(help="Write-offs with maker-checker.", no_args_is_help=True)
sales_app = typer.Typer(help="Sales of non-performing debt with maker-checker.",
                        no_args_is_help=True)
sub.add_typer(write_offs_app, name="write-offs")
sub.add_typer(sales_app, name="sales")


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    return str(obj)


def _show(doc: Any) -> None:
    console.print_json(json.dumps(_plain(doc), ensure_ascii=False))


def _write_off(w: WriteOff) -> dict[str, Any]:
    return asdict(w)


def _sale(s: DebtSale) -> dict[str, Any]:
    return {**asdict(s), "count": s.count, "face": s.face, "price": s.price}


def _payment(p: LossPayment) -> dict[str, Any]:
    return asdict(p)


LineArg = Annotated[str, typer.Argument(metavar="LINE", help="The credit line's id.")]
Approve = Annotated[bool, typer.Option("--approve/--reject", help="The decision.")]
Note = Annotated[str, typer.Option(help="Why (required).")]


@write_offs_app.command("propose")
def propose_write_off(line_id: LineArg,
                      reason: Annotated[str, typer.Option(help="Why the line is written off.")],
                      token: UserTokenOption = None, db: DbOption = None) -> None:
    """Propose a write-off.

    At or past the write-off rules' days past due it is carried out at once; below, it
    waits for a second person's approval."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("losses:propose")
    _show(_write_off(ls.propose_write_off(ls.ProposeWriteOff(line_id, reason),
                                          container.uow(), actor)))


@write_offs_app.command("decide")
def decide_write_off(write_off_id: Annotated[str, typer.Argument(metavar="WRITE_OFF")],
                     note: Note, approve: Approve = True, token: UserTokenOption = None,
                     db: DbOption = None) -> None:
    """Approve or reject a pending write-off.

    An approval carries it out; nobody decides their own proposal."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("losses:approve")
    _show(_write_off(ls.decide_write_off(ls.DecideWriteOff(write_off_id, approve, note),
                                         container.uow(), actor)))


@write_offs_app.command("list")
def list_write_offs(status: Annotated[str | None, typer.Option()] = None,
                    line_id: Annotated[str | None, typer.Option()] = None,
                    token: UserTokenOption = None, db: DbOption = None) -> None:
    """List write-offs.

    Newest first, at most 500."""
    container = container_for(db)
    actor_from_token(container, token).require("losses:read")
    _show([_write_off(w) for w in ls.list_write_offs(container.uow(), status=status,
                                                     line_id=line_id)])


def _pool(method: str, rate: str | None, discount: str | None, min_bucket: int, min_dpd: int,
          min_face: str | None, max_face: str | None, product: list[str] | None, live: bool,
          written_off: bool, line: list[str] | None) -> ls.Pool:
    return ls.Pool(method, rate, discount, min_bucket, min_dpd, min_face, max_face,
                   tuple(product or ()), live, written_off, tuple(line or ()))


Method = Annotated[str, typer.Option(help="per_face or expected_recovery.")]
Rate = Annotated[str | None, typer.Option(help="per_face: price per unit of face, 0 to 1.")]
Discount = Annotated[str | None, typer.Option(
    help="expected_recovery: taken off the recovery rate seen on written-off lines.")]
MinBucket = Annotated[int, typer.Option(help="Live lines: collection bucket from (1 = M1).")]
MinDpd = Annotated[int, typer.Option(help="At least this many days past due.")]
MinFace = Annotated[str | None, typer.Option(help="Face value at least.")]
MaxFace = Annotated[str | None, typer.Option(help="Face value at most.")]
Product = Annotated[list[str] | None, typer.Option(help="A product code (repeat for more).")]
Live = Annotated[bool, typer.Option("--live/--no-live", help="Take live delinquent lines.")]
Off = Annotated[bool, typer.Option("--written-off/--no-written-off",
                                   help="Take written-off claims.")]
Lines = Annotated[list[str] | None, typer.Option("--line", help="Only this line (repeat).")]


@sales_app.command("preview")
def preview_sale(method: Method = "per_face", rate: Rate = None, discount: Discount = None,
                 min_bucket: MinBucket = 3, min_dpd: MinDpd = 0, min_face: MinFace = None,
                 max_face: MaxFace = None, product: Product = None, live: Live = True,
                 written_off: Off = True, line: Lines = None, token: UserTokenOption = None,
                 db: DbOption = None) -> None:
    """Preview a pool of debt for sale.

    Count, face value, price and loss on sale; changes nothing."""
    container = container_for(db)
    actor_from_token(container, token).require("losses:propose")
    p = ls.preview_sale(_pool(method, rate, discount, min_bucket, min_dpd, min_face, max_face,
                              product, live, written_off, line), container.uow())
    _show({**asdict(p.preview), "loss_on_sale": p.preview.loss_on_sale,
           "recovery_income": p.preview.recovery_income, "from_allowance": p.from_allowance,
           "to_expense": p.to_expense, "lines": [asdict(x) for x in p.lines]})


@sales_app.command("propose")
def propose_sale(buyer: Annotated[str, typer.Option(help="The buyer's name.")],
                 method: Method = "per_face", rate: Rate = None, discount: Discount = None,
                 min_bucket: MinBucket = 3, min_dpd: MinDpd = 0, min_face: MinFace = None,
                 max_face: MaxFace = None, product: Product = None, live: Live = True,
                 written_off: Off = True, line: Lines = None, token: UserTokenOption = None,
                 db: DbOption = None) -> None:
    """Propose selling a pool to a named buyer.

    A second person approves it."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("losses:propose")
    pool = _pool(method, rate, discount, min_bucket, min_dpd, min_face, max_face, product,
                 live, written_off, line)
    _show(_sale(ls.propose_sale(ls.ProposeSale(buyer, pool), container.uow(), actor)))


@sales_app.command("decide")
def decide_sale(sale_id: Annotated[str, typer.Argument(metavar="SALE")], note: Note,
                approve: Approve = True, token: UserTokenOption = None,
                db: DbOption = None) -> None:
    """Approve or reject a proposed sale.

    An approval carries it out; nobody decides their own proposal."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("losses:approve")
    _show(_sale(ls.decide_sale(ls.DecideSale(sale_id, approve, note), container.uow(), actor)))


@sales_app.command("list")
def list_sales(status: Annotated[str | None, typer.Option()] = None,
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """List debt sales.

    Newest first, at most 200."""
    container = container_for(db)
    actor_from_token(container, token).require("losses:read")
    _show([_sale(s) for s in ls.list_sales(container.uow(), status=status)])


@sub.command("recoveries")
def recoveries(line_id: Annotated[str | None, typer.Option()] = None,
               buyer: Annotated[str | None, typer.Option()] = None,
               kind: Annotated[str | None, typer.Option(help="recovery or to_buyer")] = None,
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """List payments on written-off and sold lines.

    Recoveries (written-off lines) and money owed on to a buyer (sold lines), newest first,
    at most 500."""
    container = container_for(db)
    actor_from_token(container, token).require("losses:read")
    _show([_payment(p) for p in ls.list_payments(container.uow(), line_id=line_id,
                                                 buyer=buyer, kind=kind)])


@sub.command("summary")
def summary(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Show the book's loss figures.

    Written off, recovered, sold, and passed on to buyers."""
    container = container_for(db)
    actor_from_token(container, token).require("losses:read")
    _show(asdict(ls.totals(container.uow())))
