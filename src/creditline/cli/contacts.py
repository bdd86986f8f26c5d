"""``creditline contacts`` (verify, confirm, withdraw, replace, approach) and
``creditline relief`` (regional relief: preview, declare, list, show, cancel, holds)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from creditline.cli.collections import _day
from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.collections import contact_services as ct
from creditline.collections import relief_services as rs
from creditline.collections.relief import ReliefPreview
from creditline.money import money_str

contacts_app = typer.Typer(help="Emergency contacts: verify, answer, replace, approach.\n\n"
                                "A one-time code by SMS, the contact's answers (confirm, "
                                "withdraw), the debtor's replacement, and approaches as the "
                                "rules allow.", no_args_is_help=True)
relief_app = typer.Typer(help="Regional relief: preview, declare, list, cancel.\n\n"
                              "For customers living in a region, from a start to an end date: "
                              "no collection contact, no penalties, due dates deferrable, "
                              "bureau reports held.", no_args_is_help=True)

ContactArg = Annotated[str, typer.Argument(metavar="CONTACT", help="The emergency contact id.")]


@contacts_app.command("send-code")
def send_code_cmd(contact_id: ContactArg, token: UserTokenOption = None,
                  db: DbOption = None) -> None:
    """Send the contact a one-time code by SMS.

    Through the notify relay; only its keyed hash is kept."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("contacts:verify")
    r = ct.send_code(ct.SendCode(contact_id), container.uow(), actor)
    console.print(f"code sent to contact {r.contact_id} (verification {r.verification_id}), "
                  f"valid until {r.expires_at.isoformat()}", soft_wrap=True)


@contacts_app.command("confirm")
def confirm_cmd(
    reference: Annotated[str, typer.Argument(help="The reference in the contact's SMS.")],
    code: Annotated[str, typer.Argument(help="The six digits in the contact's SMS.")],
    repeat: Annotated[bool, typer.Option(help="The contact may be approached more than "
                                               "once.")] = False,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """The contact confirms the code.

    Wrong codes count; five lock it."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("contacts:respond")
    r = ct.confirm_code(ct.ConfirmCode(reference, code, repeat), container.uow(), actor)
    console.print(f"contact {r.contact_id} {r.verification}")


@contacts_app.command("withdraw")
def withdraw_cmd(
    reference: Annotated[str, typer.Argument(help="The reference in the contact's SMS.")],
    reason: Annotated[str, typer.Option(help="Why, if the contact said.")] = "",
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """The contact withdraws.

    Their name and phone are erased; the event is kept."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("contacts:respond")
    contact_id = ct.withdraw(ct.Withdraw(reference, reason), container.uow(), actor)
    console.print(f"contact {contact_id} withdrawn")


@contacts_app.command("replace")
def replace_cmd(
    customer_id: Annotated[str, typer.Argument(metavar="CUSTOMER")],
    contact_id: ContactArg,
    name: Annotated[str, typer.Option(help="The new contact's name.")],
    relation: Annotated[str, typer.Option(help="spouse, parent, child, sibling, relative, "
                                               "friend or colleague.")],
    phone: Annotated[str, typer.Option(help="The new contact's mobile number.")],
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """The debtor replaces a contact.

    The new one is unverified until they confirm a code."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("contacts:create")
    c = ct.replace_contact(ct.ReplaceContact(customer_id, contact_id, name, relation, phone),
                           container.uow(), actor)
    console.print(f"contact {c.id} at position {c.position}, {c.verification}")


@contacts_app.command("events")
def events_cmd(customer_id: Annotated[str, typer.Argument(metavar="CUSTOMER")],
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """The contacts' history (append-only)."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("contacts:read")
    for e in ct.contact_events(customer_id, container.uow()):
        console.print(f"{e.at.isoformat()} {e.contact_id} {e.kind} by {e.actor} {e.detail}",
                      soft_wrap=True)


@contacts_app.command("for-case")
def for_case_cmd(case_id: Annotated[str, typer.Argument(metavar="CASE")],
                 token: UserTokenOption = None, db: DbOption = None) -> None:
    """A case's emergency contacts.

    Phones masked; whether each may be approached now."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:read")
    table = Table("contact", "pos", "name", "relation", "phone", "verification", "approached",
                  "may approach")
    for c in ct.case_contacts(case_id, container.uow(), actor):
        v = c.may_approach
        table.add_row(c.id, str(c.position), c.name, c.relation, c.phone, c.verification,
                      str(c.approaches), "yes" if v.allowed else f"no: {v.rule}")
    console.print(table)


@contacts_app.command("approach")
def approach_cmd(case_id: Annotated[str, typer.Argument(metavar="CASE")],
                 contact_id: ContactArg, token: UserTokenOption = None,
                 db: DbOption = None) -> None:
    """Approach an emergency contact.

    A verified contact of an unreachable debtor gets an SMS asking the debtor to get in
    touch, nothing else.  Refused by a rule: exit 2, logged."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:work")
    r = ct.approach(ct.Approach(case_id, contact_id), container.uow(), actor)
    console.print(f"approached contact {contact_id} at {r.local_time} (contact log {r.id})",
                  soft_wrap=True)


# ----------------------------------------------------------------------------- relief
def _relief_cmd(regions: list[str], start: str, end: str, reason: str,
                defer: bool) -> rs.DeclareRelief:
    first, last = _day(start, "start"), _day(end, "end")
    assert first is not None and last is not None
    return rs.DeclareRelief(tuple(regions), first, last, reason, defer)


def _print_preview(p: ReliefPreview) -> None:
    console.print(f"regions {', '.join(p.regions)}: {p.customers} customer(s), {p.lines} "
                  f"open line(s), {p.cases} active case(s); owed {money_str(p.balance)}, past "
                  f"due {money_str(p.past_due)}", soft_wrap=True)
    for region, n in p.by_region.items():
        console.print(f"  {region}: {n} customer(s)")


Regions = Annotated[list[str], typer.Option("--region", help="A region as on customers' "
                                                             "addresses (repeat).")]
Start = Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")]
End = Annotated[str, typer.Option(help="Last day, YYYY-MM-DD.")]
Reason = Annotated[str, typer.Option(help="Why (the disaster or epidemic).")]
Defer = Annotated[bool, typer.Option(help="A minimum falling due during the relief is due "
                                          "the day after it.")]


@relief_app.command("preview")
def preview_cmd(region: Regions, start: Start, end: End, reason: Reason = "preview",
                defer_due_dates: Defer = False, token: UserTokenOption = None,
                db: DbOption = None) -> None:
    """What a relief would cover.

    Changes nothing."""
    container = container_for(db)
    actor_from_token(container, token).require("relief:declare")
    _print_preview(rs.preview_relief(_relief_cmd(region, start, end, reason, defer_due_dates),
                                     container.uow()))


@relief_app.command("declare")
def declare_cmd(region: Regions, start: Start, end: End, reason: Reason,
                defer_due_dates: Defer = False, token: UserTokenOption = None,
                db: DbOption = None) -> None:
    """Declare a regional relief.

    Audited, with what it covers."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("relief:declare")
    d = rs.declare_relief(_relief_cmd(region, start, end, reason, defer_due_dates),
                          container.uow(), actor)
    console.print(f"relief {d.relief.id} declared, {d.relief.start} to {d.relief.end}")
    _print_preview(d.preview)


@relief_app.command("list")
def list_cmd(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Every relief and its state."""
    container = container_for(db)
    actor_from_token(container, token).require("relief:read")
    table = Table("relief", "regions", "start", "last day", "state", "defer", "reason")
    for r, state in rs.list_reliefs(container.uow()):
        table.add_row(r.id, ", ".join(r.regions), r.start.isoformat(), r.last_day.isoformat(),
                      state, "yes" if r.defer_due_dates else "no", r.reason)
    console.print(table)


@relief_app.command("show")
def show_cmd(relief_id: Annotated[str, typer.Argument(metavar="RELIEF")],
             token: UserTokenOption = None, db: DbOption = None) -> None:
    """One relief and what it covers now."""
    container = container_for(db)
    actor_from_token(container, token).require("relief:read")
    r, state, p = rs.get_relief(relief_id, container.uow())
    console.print(f"relief {r.id} {state}: {r.start} to {r.last_day}, declared by "
                  f"{r.declared_by}: {r.reason}", soft_wrap=True)
    _print_preview(p)


@relief_app.command("cancel")
def cancel_cmd(relief_id: Annotated[str, typer.Argument(metavar="RELIEF")], reason: Reason,
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """End a relief early.

    Today stays covered."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("relief:declare")
    r = rs.cancel_relief(rs.CancelRelief(relief_id, reason), container.uow(), actor)
    console.print(f"relief {r.id} ends on {r.last_day}")


@relief_app.command("holds")
def holds_cmd(
    on: Annotated[str, typer.Option(help="The day of the report, YYYY-MM-DD.")],
    customer: Annotated[str | None, typer.Option(help="A customer id.")] = None,
    line: Annotated[str | None, typer.Option(help="A line id.")] = None,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Whether a relief holds a bureau report.

    About a customer or a line, on a day."""
    container = container_for(db)
    actor_from_token(container, token).require("relief:read")
    day = _day(on, "on")
    assert day is not None
    why = rs.relief_holds(container.uow(), on=day, customer_id=customer, line_id=line)
    console.print(f"held: {why}" if why else "not held", soft_wrap=True)
