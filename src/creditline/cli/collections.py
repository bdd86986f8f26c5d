"""``creditline collections``: a collector's queue and cases, calls through the compliance
gate, holds, agencies, legal referrals, the contact-log replay and the rules in force."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.collections import agencies as ag
from creditline.collections import legal
from creditline.collections import services as cs
from creditline.collections.cases import Case
from creditline.collections.rules import default_rules
from creditline.errors import ValidationError
from creditline.money import money_str

sub = typer.Typer(help="Collections: queues, calls, agencies, legal.",
                  no_args_is_help=True)
agencies_app = typer.Typer(help="Collection agencies: add, list, performance.",
                           no_args_is_help=True)
sub.add_typer(agencies_app, name="agencies")

CaseArg = Annotated[str, typer.Argument(metavar="CASE", help="The collection case id.")]


def _day(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(field, "must be a date as YYYY-MM-DD") from None


def _case_line(c: Case) -> str:
    hold = f", on {c.hold_kind} until {c.hold_until}" if c.hold_kind else ""
    agency = f", placed with {c.agency_id}" if c.agency_id else ""
    return (f"case {c.id} {c.status} bucket {c.bucket} past due {money_str(c.past_due)} "
            f"collectable {money_str(c.collectable)} escalation {c.escalation}"
            f" assigned {c.assigned_to or '-'}{hold}{agency}")


@sub.command("queue")
def queue_cmd(
    collector: Annotated[str | None, typer.Option(
        help="Whose queue (supervisors); default: yours.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Cases to show.")] = 50,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Your cases to work today, most urgent first."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:queue")
    items = cs.queue(cs.GetQueue(collector, limit), container.uow(), actor)
    table = Table("case", "bucket", "collectable", "escalation", "promise due", "debtor", "phone")
    for q in items:
        table.add_row(q.case.id, q.bucket_name, money_str(q.collectable), str(q.case.escalation),
                      q.next_promise.due_on.isoformat() if q.next_promise else "",
                      q.debtor.name, q.debtor.phone or "")
    console.print(table)
    console.print(f"{len(items)} case(s)")


@sub.command("show")
def show_cmd(case_id: CaseArg, token: UserTokenOption = None, db: DbOption = None) -> None:
    """A case with its bucket history, promises and contacts."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:read")
    d = cs.get_case(case_id, container.uow(), actor)
    console.print(_case_line(d.case), soft_wrap=True)
    for s in d.spells:
        console.print(f"  {s.bucket} from {s.entered_on} ({money_str(s.entered_past_due)} past "
                      f"due) to {s.left_on or '-'} -> {s.left_to or '-'}", soft_wrap=True)
    for p in d.promises:
        console.print(f"  promise {money_str(p.amount)} by {p.due_on}: {p.status.value}")
    for c in d.contacts:
        verdict = "allowed" if c.allowed else f"refused by {c.rule}"
        console.print(f"  {c.local_time} {c.channel.value} by {c.actor}: "
                      f"{c.outcome.value if c.outcome else '-'} ({verdict})", soft_wrap=True)


@sub.command("assign")
def assign_cmd(
    case_ids: Annotated[list[str], typer.Argument(metavar="CASE...", help="Case ids.")],
    to: Annotated[str, typer.Option("--to", help="The collector (user name).")],
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Give cases to a collector (supervisors)."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:supervise")
    for c in cs.assign(cs.Assign(tuple(case_ids), to), container.uow(), actor):
        console.print(_case_line(c), soft_wrap=True)


@sub.command("call")
def call_cmd(
    case_id: CaseArg,
    outcome: Annotated[str, typer.Option(help="no_answer, wrong_number, reached, "
                                               "refused_to_pay, dispute, promise_to_pay.")],
    promise_amount: Annotated[str | None, typer.Option(help="With promise_to_pay.")] = None,
    promise_date: Annotated[str | None, typer.Option(help="With promise_to_pay (YYYY-MM-DD).")] = None,
    disputed_amount: Annotated[str | None, typer.Option(help="With dispute.")] = None,
    note: Annotated[str, typer.Option(help="What was said.")] = "",
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Log a call made now, through the compliance gate.

    A call the rules refuse is logged with the rule and exits 2."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:work")
    r = cs.log_call(cs.LogCall(case_id, outcome, note, promise_amount,
                               _day(promise_date, "promise_date"), disputed_amount),
                    container.uow(), actor)
    console.print(f"call logged at {r.contact.local_time} ({r.contact.zone})", soft_wrap=True)
    if r.promise is not None:
        console.print(f"promise {money_str(r.promise.amount)} by {r.promise.due_on}")


@sub.command("hardship")
def hardship_cmd(
    case_id: CaseArg,
    until: Annotated[str, typer.Option(help="Last day of the hold (YYYY-MM-DD).")],
    reason: Annotated[str, typer.Option(help="Why.")],
    start: Annotated[str | None, typer.Option(help="Backdate the start (supervisors).")] = None,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Pause collection for hardship until a date."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:work")
    day = _day(until, "until")
    assert day is not None
    c = cs.hardship(cs.Hardship(case_id, day, reason, _day(start, "start")), container.uow(), actor)
    console.print(_case_line(c), soft_wrap=True)


@sub.command("pause")
def pause_cmd(
    case_id: CaseArg,
    until: Annotated[str, typer.Option(help="Last day of the pause (YYYY-MM-DD).")],
    reason: Annotated[str, typer.Option(help="Why.")],
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Pause collection on a case until a date."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:work")
    day = _day(until, "until")
    assert day is not None
    console.print(_case_line(cs.pause(cs.Pause(case_id, day, reason), container.uow(), actor)),
                  soft_wrap=True)


@sub.command("resume")
def resume_cmd(case_id: CaseArg, reason: Annotated[str, typer.Option(help="Why.")] = "",
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """End a hardship or a pause now."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:work")
    console.print(_case_line(cs.resume(cs.Resume(case_id, reason), container.uow(), actor)),
                  soft_wrap=True)


@sub.command("place")
def place_cmd(case_id: CaseArg,
              agency: Annotated[str, typer.Option(help="The agency id.")],
              token: UserTokenOption = None, db: DbOption = None) -> None:
    """Place a case with an agency."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:agencies")
    p = ag.place_case(ag.PlaceCase(case_id, agency), container.uow(), actor)
    console.print(f"placed {p.case_id} with {p.agency_id} on {p.placed_on}")


@sub.command("recall")
def recall_cmd(case_id: CaseArg, reason: Annotated[str, typer.Option(help="Why.")],
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """Take a case back from its agency."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:agencies")
    p = ag.recall_case(ag.RecallCase(case_id, reason), container.uow(), actor)
    console.print(f"recalled {p.case_id} from {p.agency_id} on {p.recalled_on}")


@sub.command("legal")
def legal_cmd(case_id: CaseArg,
              out: Annotated[Path, typer.Option(help="Folder for the JSON and HTML package.")],
              token: UserTokenOption = None, db: DbOption = None) -> None:
    """Refer a case to legal and write its package."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:legal")
    r = legal.refer_to_legal(legal.ReferToLegal(case_id), container.uow(), actor)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"legal-{case_id}.json").write_text(
        json.dumps(r.package, ensure_ascii=False, indent=1, sort_keys=True))
    (out / f"legal-{case_id}.html").write_text(legal.referral_html(r))
    console.print(f"referral {r.id} sha256 {r.sha256} written to {out}", soft_wrap=True)


@sub.command("replay")
def replay_cmd(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Replay the contact log through the compliance rules.

    Exits 1 if any contact broke them."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:replay")
    r = cs.replay_contacts(container.uow())
    console.print(f"contacts {r.contacts}, refused by the gate {r.refused}; outside allowed "
                  f"hours {r.outside_hours}, over frequency limits {r.over_limits}, unrelated "
                  f"parties {r.unrelated_parties}, under a regional relief {r.under_relief}; "
                  f"emergency contacts approached {r.emergency_approaches}, against their "
                  f"rules {r.emergency_violations}, disclosures {r.disclosures}",
                  soft_wrap=True)
    for c, rule in r.violations[:50]:
        console.print(f"  {c.at.isoformat()} case {c.case_id}: {rule}", soft_wrap=True)
    if r.violations or r.disclosures:
        raise typer.Exit(1)


@sub.command("rules")
def rules_cmd() -> None:
    """Show the buckets and compliance profiles in force."""
    r = default_rules()
    console.print(f"collections rules {r.label} (tolerance {money_str(r.tolerance)}, contact "
                  f"log kept {r.retention_years} years)", soft_wrap=True)
    for b in r.buckets:
        console.print(f"  {b.name}: {b.from_dpd}-{b.to_dpd if b.to_dpd is not None else ''} "
                      "days past due")
    for p in r.profiles.values():
        console.print(f"  {p.id} ({p.zone}): {p.allowed_from:%H:%M}-{p.allowed_until:%H:%M}"
                      f"{' unless agreed' if p.hours_waivable else ''}; connected calls/day "
                      f"{p.connected_calls_per_day or '-'}; attempts {p.call_attempts or '-'} "
                      f"in {p.attempt_window_days or '-'} days; cool-down "
                      f"{p.conversation_cooldown_days or '-'} days", soft_wrap=True)


@agencies_app.command("add")
def agencies_add(name: Annotated[str, typer.Argument(help="The agency's name.")],
                 rate: Annotated[str, typer.Option(help="Commission, a share of recoveries.")],
                 token: UserTokenOption = None, db: DbOption = None) -> None:
    """Add a collection agency."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:agencies")
    a = ag.create_agency(ag.CreateAgency(name, rate), container.uow(), actor)
    console.print(f"agency {a.id} {a.name} commission {a.commission_rate}")


@agencies_app.command("list")
def agencies_list(token: UserTokenOption = None, db: DbOption = None) -> None:
    """List the agencies."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:agency_read")
    for a in ag.list_agencies(container.uow()):
        console.print(f"{a.id} {a.name} commission {a.commission_rate}")


@agencies_app.command("performance")
def agencies_performance(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Recovered, commission and contacts per agency."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("collections:agency_read")
    table = Table("agency", "placed", "active", "recovered", "commission", "contacts")
    for p in ag.performance(container.uow()):
        table.add_row(p.name, str(p.placements), str(p.active), money_str(p.recovered),
                      money_str(p.commission), str(p.contacts))
    console.print(table)
