"""Browsing the book from the command line: ``creditline customers list|search``,
``lines list``, ``purchases list`` and ``applications list``, with the API's filters, the
same token rules (``--token`` / ``$CREDITLINE_TOKEN``, the caller's role decides what is
shown and masked) and the same cursor: a page ends with the ``--cursor`` of the next one.
Tables keep to a few short columns so they read in 100 columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from creditline.auth import Principal
from creditline.bootstrap import Container
from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError
from creditline.money import money_str
from creditline.origination import browse as origination_browse
from creditline.paging import LIMIT_DEFAULT, Page, PageRequest, decode_cursor, encode_cursor
from creditline.parties import services as parties
from creditline.parties.customers import Customer, Person
from creditline.parties.identity import mask_id_number, mask_phone
from creditline.servicing import browse as servicing_browse

T = TypeVar("T")

customers_app = typer.Typer(help="Customers: list and search. Phone and identity number "
                                 "are searched through the keyed hash.", no_args_is_help=True)
purchases_app = typer.Typer(help="Purchases: list them with filters.", no_args_is_help=True)
applications_app = typer.Typer(help="Applications: list them with filters.",
                               no_args_is_help=True)

CursorOption = Annotated[str | None, typer.Option(
    "--cursor", help="Start after this point (printed under the previous page).",
    show_default=False)]
LimitOption = Annotated[int, typer.Option("--limit", help="Rows per page, 1 to 200.")]


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(option, "must be a date as YYYY-MM-DD") from None


def _page(cursor: str | None, limit: int) -> PageRequest:
    try:
        return PageRequest(after=None if cursor is None else decode_cursor(cursor), limit=limit)
    except ValidationError as exc:
        raise ValidationError(f"--{exc.field}", exc.rule) from None


def _who(db: str | None, token: str | None) -> tuple[Container, Principal]:
    container = container_for(db)
    return container, actor_from_token(container, token)


def _show(page: Page[T], headers: Sequence[str], row: Callable[[T], Sequence[str]],
          what: str) -> None:
    table = Table(*headers)
    for item in page.items:
        table.add_row(*row(item))
    console.print(table)
    total = "" if page.total is None else f" of {page.total}"
    console.print(f"{len(page.items)}{total} {what}")
    if page.next is not None:
        console.print(f"next page: --cursor {encode_cursor(page.next)}", soft_wrap=True)


def _customer_row(actor: Principal) -> Callable[[Customer], Sequence[str]]:
    full = actor.can("customers:read_pii")

    def row(c: Customer) -> Sequence[str]:
        phone = c.phone or ""
        number = c.id_number if isinstance(c, Person) else c.uscc
        if not full:
            phone = mask_phone(phone) if phone else ""
            number = mask_id_number(number) if isinstance(c, Person) else number
        return (c.id[:8], c.kind, c.name[:24], number, phone,
                c.created_at.date().isoformat())
    return row


_CUSTOMER_HEADERS = ("id", "kind", "name", "identity / USCC", "phone", "registered")


@customers_app.command("list")
def list_customers(
    kind: Annotated[str | None, typer.Option(help="person or enterprise.",
                                             show_default=False)] = None,
    name: Annotated[str | None, typer.Option(help="Part of the name, any case.",
                                             show_default=False)] = None,
    created_from: Annotated[str | None, typer.Option(
        "--from", help="Registered on or after (YYYY-MM-DD, UTC).", show_default=False)] = None,
    created_to: Annotated[str | None, typer.Option(
        "--to", help="Registered on or before (YYYY-MM-DD, UTC).", show_default=False)] = None,
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """List customers, oldest first.

    Personal data is masked unless your role may read it."""
    cmd = parties.ListCustomers(kind=kind, name=name, created_from=_date(created_from, "--from"),
                                created_to=_date(created_to, "--to"), page=_page(cursor, limit))
    container, actor = _who(db, token)
    _show(parties.list_customers(cmd, container.uow(), actor), _CUSTOMER_HEADERS,
          _customer_row(actor), "customers")


@customers_app.command("search")
def search_customers(
    phone: Annotated[str | None, typer.Option(help="Mobile number (+86 allowed).",
                                              show_default=False)] = None,
    id_number: Annotated[str | None, typer.Option(help="Resident identity number.",
                                                  show_default=False)] = None,
    uscc: Annotated[str | None, typer.Option(help="Unified Social Credit Code.",
                                             show_default=False)] = None,
    name: Annotated[str | None, typer.Option(help="Part of the name, any case.",
                                             show_default=False)] = None,
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Find customers by phone, identity number, USCC or name.

    Phone and identity number are matched by keyed hash, never in clear; USCC exactly; the
    name by part. The given fields must all match."""
    if phone is None and id_number is None and uscc is None and name is None:
        raise ValidationError("--phone", "give at least one of --phone, --id-number, --uscc "
                                         "or --name")
    cmd = parties.ListCustomers(phone=phone, id_number=id_number, uscc=uscc, name=name,
                                page=_page(cursor, limit))
    container, actor = _who(db, token)
    _show(parties.list_customers(cmd, container.uow(), actor), _CUSTOMER_HEADERS,
          _customer_row(actor), "customers")


def list_lines(
    status: Annotated[str | None, typer.Option(help="active, frozen, closed, ...",
                                               show_default=False)] = None,
    product: Annotated[str | None, typer.Option(help="A product code.",
                                                show_default=False)] = None,
    min_dpd: Annotated[int | None, typer.Option(help="At least this many days past due.",
                                                show_default=False)] = None,
    max_dpd: Annotated[int | None, typer.Option(help="At most this many days past due.",
                                                show_default=False)] = None,
    customer: Annotated[str | None, typer.Option(help="A customer id.",
                                                 show_default=False)] = None,
    opened_from: Annotated[str | None, typer.Option(
        "--from", help="Opened on or after (YYYY-MM-DD).", show_default=False)] = None,
    opened_to: Annotated[str | None, typer.Option(
        "--to", help="Opened on or before (YYYY-MM-DD).", show_default=False)] = None,
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """List credit lines, oldest first (e.g. --status active --min-dpd 30)."""
    cmd = servicing_browse.ListLines(
        status=status, product=product, min_dpd=min_dpd, max_dpd=max_dpd, customer_id=customer,
        opened_from=_date(opened_from, "--from"), opened_to=_date(opened_to, "--to"),
        page=_page(cursor, limit))
    container, actor = _who(db, token)
    _show(servicing_browse.list_lines(cmd, container.uow(), actor),
          ("id", "customer", "product", "status", "limit", "used", "dpd", "opened"),
          lambda v: (v.id[:8], v.customer_id[:8], v.product, v.status, money_str(v.limit),
                     money_str(v.used), str(v.days_past_due), v.opened_on.isoformat()),
          "lines")


@purchases_app.command("list")
def list_purchases(
    line: Annotated[str | None, typer.Option(help="A line id.", show_default=False)] = None,
    customer: Annotated[str | None, typer.Option(help="A customer id.",
                                                 show_default=False)] = None,
    merchant: Annotated[str | None, typer.Option(help="A merchant name.",
                                                 show_default=False)] = None,
    status: Annotated[str | None, typer.Option(help="active, paid or returned.",
                                               show_default=False)] = None,
    made_from: Annotated[str | None, typer.Option(
        "--from", help="Made on or after (YYYY-MM-DD).", show_default=False)] = None,
    made_to: Annotated[str | None, typer.Option(
        "--to", help="Made on or before (YYYY-MM-DD).", show_default=False)] = None,
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """List purchases, oldest first.

    A service user sees only its own merchants'."""
    cmd = servicing_browse.ListPurchases(
        line_id=line, customer_id=customer, merchant=merchant, status=status,
        made_from=_date(made_from, "--from"), made_to=_date(made_to, "--to"),
        page=_page(cursor, limit))
    container, actor = _who(db, token)
    _show(servicing_browse.list_purchases(cmd, container.uow(), actor),
          ("id", "line", "merchant", "amount", "returned", "terms", "status", "made"),
          lambda p: (p.id[:8], p.line_id[:8], p.merchant[:20], money_str(p.amount),
                     money_str(p.returned), str(p.installments), p.status,
                     p.made_on.isoformat()),
          "purchases")


@applications_app.command("list")
def list_applications(
    status: Annotated[str | None, typer.Option(help="The decision: approved, declined or "
                                                    "referred.", show_default=False)] = None,
    product: Annotated[str | None, typer.Option(help="A product code.",
                                                show_default=False)] = None,
    customer: Annotated[str | None, typer.Option(help="A customer id.",
                                                 show_default=False)] = None,
    created_from: Annotated[str | None, typer.Option(
        "--from", help="Made on or after (YYYY-MM-DD, UTC).", show_default=False)] = None,
    created_to: Annotated[str | None, typer.Option(
        "--to", help="Made on or before (YYYY-MM-DD, UTC).", show_default=False)] = None,
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """List applications, oldest first."""
    cmd = origination_browse.ListApplications(
        status=status, product=product, customer_id=customer,
        created_from=_date(created_from, "--from"), created_to=_date(created_to, "--to"),
        page=_page(cursor, limit))
    container, actor = _who(db, token)
    _show(origination_browse.list_applications(cmd, container.uow(), actor),
          ("id", "customer", "product", "decision", "limit", "band", "made"),
          lambda a: (a.id[:8], a.customer_id[:8], a.product, a.status,
                     money_str(a.granted_limit), a.band or "", a.created_at.date().isoformat()),
          "applications")
