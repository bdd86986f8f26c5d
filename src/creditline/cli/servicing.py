"""Servicing commands: ``creditline eod`` (close business days for every line),
``creditline ledger check|trial-balance`` and ``creditline lines show|limit-history|
temp-limit|limit|proposals|approve-limit|reject-limit|refund``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from creditline.batch.run import DEFAULT_PARTITION, RunEod, run_eod
from creditline.batch.spark import SparkEngine
from creditline.batch.workers import ProcessEngine
from creditline.bootstrap import executor_container
from creditline.calendar.services import current_business_date
from creditline.cli.common import (
    DbOption,
    UserTokenOption,
    console,
    container_for,
    err_console,
)
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError
from creditline.ledger.trial_balance import read_trial_balance
from creditline.lines.proposals import LimitProposal
from creditline.money import money_str
from creditline.paging import LIMIT_MAX, PageRequest
from creditline.servicing import services

sub = typer.Typer(help="The double-entry ledger: reconcile and report.", no_args_is_help=True)
lines_app = typer.Typer(help="Credit lines and their limits. One line, its limit history, "
                             "temporary limits, limit proposals (large raises need a second "
                             "person) and refunds.",
                        no_args_is_help=True)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(option, "must be a date as YYYY-MM-DD") from None


def eod(
    business_date: Annotated[str | None, typer.Option(
        "--date", help="Close every pending business day up to this one (YYYY-MM-DD); "
                       "default: the book's business date (`creditline calendar show`).",
        show_default=False)] = None,
    partition_size: Annotated[int, typer.Option(
        help="Lines per partition (one transaction each).", min=1)] = DEFAULT_PARTITION,
    stages: Annotated[bool, typer.Option(
        "--stages", help="List the stages of end of day, in the order they run, and exit.")
    ] = False,
    stage: Annotated[str | None, typer.Option(
        "--stage", help="Run this one stage alone for --date. A later stage runs only on the "
                        "book's latest closed day and only if it is rerunnable (running it "
                        "again for a day changes nothing); the first stage closes exactly "
                        "that one day, and only if every later stage is rerunnable.",
        show_default=False)] = None,
    engine: Annotated[str, typer.Option(
        "--engine", help="Where partitions run: 'local' (this process) or 'spark' (Spark "
                         "executors against the same PostgreSQL store; needs the spark extra).")
    ] = "local",
    master: Annotated[str, typer.Option(
        "--master", help="With --engine spark: the Spark master URL (local[2], "
                         "spark://host:7077, yarn...).")] = "local[2]",
    workers: Annotated[int, typer.Option(
        "--workers", help="With --engine local: close partitions on this many local "
                          "processes (PostgreSQL only; 1 = this process alone).")] = 1,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Run end of day for every line, through the business date.

    Accrue interest and penalties, bill installments, cut statements, age overdue lines
    -- every stage, in order.  Days already closed are not run again; skipped days are
    caught up one by one."""
    container = container_for(db)
    if stages:
        table = Table("#", "stage", "every line", "rerunnable", "what it does")
        for i, st in enumerate(container.pipeline.stages, start=1):
            table.add_row(str(i), st.name, "yes" if st.every_line else "no",
                          "yes" if st.rerunnable else "no", st.description)
        console.print(table)
        return
    target = _date(business_date, "--date") or current_business_date(container.uow())
    if stage is not None and stage not in container.pipeline.names:
        raise ValidationError("--stage", f"must be one of {', '.join(container.pipeline.names)}")
    if engine not in ("local", "spark"):
        raise ValidationError("--engine", "must be local or spark")
    spark: SparkEngine | ProcessEngine | None = None
    if workers != 1:
        if engine != "local":
            raise ValidationError("--workers", "more than one worker runs with --engine local "
                                               "only (Spark has its own executors)")
        try:
            spark = ProcessEngine(container.settings.model_dump(mode="json"),
                                  executor_container, workers=workers)
        except ValidationError as exc:
            raise ValidationError("--workers", exc.rule) from None
    if engine == "spark":
        try:
            spark = SparkEngine(container.settings.model_dump(mode="json"), executor_container,
                                master=master)
        except ValidationError as exc:
            raise ValidationError("--engine", exc.rule) from None
    actor = actor_from_token(container, token)  # an admin's token: end of day is audited as them
    with Progress(TextColumn("[bold]end of day[/] {task.description}"), BarColumn(),
                  TextColumn("{task.completed} lines"), TimeElapsedColumn(),
                  console=err_console, transient=True) as progress:
        task = progress.add_task("", total=None)

        def tick(day: date, lines: int) -> None:
            progress.update(task, description=day.isoformat(), advance=lines)

        try:
            report = run_eod(RunEod(target, partition_size, stage=stage), container.uow(),
                             actor, tick, pipeline=container.pipeline, engine=spark)
        except ValidationError as exc:
            if exc.field in ("stage", "engine"):
                raise ValidationError(f"--{exc.field}", exc.rule) from None
            raise
        finally:
            if spark is not None:
                spark.stop()
    if not report.days:
        console.print(f"nothing to do: every line is closed through {target.isoformat()}")
        return
    table = Table("business date", "lines", "skipped", "changed", "statements", "postings")
    for d in report.days:
        table.add_row(d.business_date.isoformat(), str(d.lines), str(d.skipped),
                      str(d.changed), str(d.statements), str(d.postings))
    console.print(table)
    timing = Table("stage", "seconds", "lines", "lines/s")
    for t in report.stages:
        timing.add_row(t.name, f"{t.seconds:.3f}", str(t.lines),
                       f"{t.lines / t.seconds:,.0f}" if t.seconds > 0 else "-")
    console.print(timing)
    alone = f" (stage {report.stage} alone)" if report.stage else ""
    console.print(f"closed {len(report.days)} day(s) through {target.isoformat()}{alone} "
                  f"in {report.seconds:.2f} s")


@sub.command("check")
def ledger_check(db: DbOption = None) -> None:
    """Reconcile every line's balances with the ledger.

    Every line's balances equal what its installments and postings say, the trial
    balance sums to zero and every entry balances; exits 1 naming what is off."""
    r = services.check_ledger(container_for(db).uow())
    if r.ok:
        console.print(f"ledger sound: {r.lines_checked} lines reconciled, trial balance "
                      f"{money_str(r.trial_balance_total)}")
        return
    err_console.print(f"ledger NOT sound: trial balance {money_str(r.trial_balance_total)}, "
                      f"{len(r.unbalanced_entries)} unbalanced entries, "
                      f"{len(r.mismatches)} line balance mismatches")
    for m in r.mismatches[:20]:
        err_console.print(f"  line {m.line_id} {m.balance}: cached {money_str(m.cached)}, "
                          f"installments {'-' if m.installments is None else money_str(m.installments)}, "
                          f"postings {money_str(m.postings)}")
    for e in r.unbalanced_entries[:20]:
        err_console.print(f"  entry {e} does not balance")
    raise typer.Exit(1)


@sub.command("trial-balance")
def ledger_trial_balance(db: DbOption = None) -> None:
    """Print signed sums per account, which add up to zero.

    Debits are positive."""
    tb = read_trial_balance(container_for(db).uow())
    table = Table("account", "currency", "debit", "credit")
    for r in tb.rows:
        table.add_row(r.account, r.currency, money_str(r.debit) if r.debit else "",
                      money_str(r.credit) if r.credit else "")
    console.print(table)
    console.print(f"total {money_str(tb.total)}")


@lines_app.command("show")
def lines_show(line_id: Annotated[str, typer.Argument(help="The credit line id.")],
               db: DbOption = None) -> None:
    """A line's status, limit, balances and days past due."""
    v = services.get_line(line_id, container_for(db).uow())
    table = Table("field", "value")
    for name in ("status", "product", "limit", "used", "available", "principal_billed",
                 "principal_unbilled", "fees", "interest_accrued", "interest_billed",
                 "penalties", "credit_balance", "amount_due", "minimum_due", "past_due",
                 "days_past_due", "due_date", "as_of"):
        value = getattr(v, name)
        table.add_row(name, money_str(value) if hasattr(value, "quantize") else str(value))
    if v.temporary_limit is not None:
        t = v.temporary_limit
        table.add_row("temporary_limit", f"{money_str(t.amount)} from {t.start.isoformat()} "
                                         f"to {t.end.isoformat()}")
        table.add_row("effective_limit", money_str(v.effective_limit))
    console.print(table)


@lines_app.command("limit-history")
def lines_limit_history(line_id: Annotated[str, typer.Argument(help="The credit line id.")],
                        db: DbOption = None) -> None:
    """List every limit change of a line, oldest first.

    When, from and to, which kind and source, who and why."""
    events = services.limit_history(line_id, container_for(db).uow())
    table = Table("business date", "kind", "source", "from", "to", "days", "actor", "reason")
    for e in events:
        days = f"{e.starts_on.isoformat()}..{e.ends_on.isoformat()}" if e.starts_on and e.ends_on else ""
        why = " ".join([*e.reason_codes, e.note]).strip()
        table.add_row(e.business_date.isoformat(), e.kind.value, e.source.value,
                      money_str(e.old_limit), money_str(e.new_limit), days, e.actor, why)
    console.print(table)


@lines_app.command("temp-limit")
def lines_temp_limit(
    line_id: Annotated[str, typer.Argument(help="The credit line id.")],
    amount: Annotated[str, typer.Option(help="The temporary limit, e.g. 8000.00; above the "
                                             "permanent limit.", show_default=False)],
    end: Annotated[str, typer.Option(help="Last day it applies (YYYY-MM-DD).",
                                     show_default=False)],
    reason: Annotated[str, typer.Option(help="Why (recorded in the limit history).",
                                        show_default=False)],
    start: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD); default: "
                                                   "today's business date.",
                                              show_default=False)] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Grant a temporary limit (risk officer or admin).

    It applies from START to END, both included, then lapses at end of day."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("lines:temporary_limit")
    cmd = services.GrantTemporaryLimit(line_id, amount, end, reason, start)
    v = services.grant_temporary_limit(cmd, container.uow(), actor)
    assert v.temporary_limit is not None
    console.print(f"line {v.id}: temporary limit {money_str(v.temporary_limit.amount)} from "
                  f"{v.temporary_limit.start.isoformat()} to {v.temporary_limit.end.isoformat()}"
                  f" (permanent {money_str(v.limit)}, in force today "
                  f"{money_str(v.effective_limit)})", soft_wrap=True)


@lines_app.command("refund")
def lines_refund(
    line_id: Annotated[str, typer.Argument(help="The credit line id.")],
    key: Annotated[str, typer.Option("--key", help="Idempotency key: running the command "
                                                   "again with the same key books nothing.",
                                     show_default=False)],
    amount: Annotated[str | None, typer.Option(help="How much to pay back, e.g. 40.00; "
                                                    "default: all that is refundable.",
                                               show_default=False)] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Refund a line's credit balance.

    Pays the credit balance (or part of it) back to the customer (risk officer or admin):
    Dr customer credit / Cr customer refund payable."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("refunds:create")
    v = services.refund(services.Refund(line_id, amount, idempotency_key=key),
                        container.uow(), actor)
    again = " (already booked with this key)" if v.replayed else ""
    console.print(f"refund {v.id}: {money_str(v.amount)} to the customer of line {v.line_id} "
                  f"on {v.business_date.isoformat()}; credit balance left "
                  f"{money_str(v.credit_balance)}{again}", soft_wrap=True)


@lines_app.command("limit")
def lines_limit(
    line_id: Annotated[str, typer.Argument(help="The credit line id.")],
    limit: Annotated[str, typer.Option(help="The new permanent limit, e.g. 3000.00.",
                                       show_default=False)],
    reason: Annotated[str, typer.Option(help="Why (recorded in the limit history).",
                                        show_default=False)],
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Change a line's permanent limit.

    Within its product's range (risk officer or admin). A raise of more than CREDITLINE_LIMIT_APPROVAL_INCREASE is only a proposal that
    another person approves (lines approve-limit)."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("lines:manage")
    cmd = services.ChangeLimit(line_id, limit, reason,
                               approval_increase=container.settings.limit_approval_increase)
    result = services.change_limit(cmd, container.uow(), actor)
    if isinstance(result, LimitProposal):
        console.print(f"proposal {result.id}: limit {money_str(result.old_limit)} -> "
                      f"{money_str(result.new_limit)} waits for a second person "
                      f"(creditline lines approve-limit {result.id})", soft_wrap=True)
    else:
        console.print(f"line {result.id}: limit {money_str(result.limit)} (used "
                      f"{money_str(result.used)}, available {money_str(result.available)})",
                      soft_wrap=True)


@lines_app.command("proposals")
def lines_proposals(
    status: Annotated[str, typer.Option(help="pending, approved or rejected.")] = "pending",
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """List limit proposals, oldest first.

    By default those waiting for a decision."""
    container = container_for(db)
    actor_from_token(container, token).require("lines:limit_proposals")
    table = Table("id", "line", "from", "to", "proposed by", "reason", "status", "decided by")
    proposals: list[LimitProposal] = []
    req: PageRequest | None = PageRequest(limit=LIMIT_MAX)
    while req is not None:  # every one in the status: a short queue for two people
        got = services.list_limit_proposals(container.uow(), status=status, req=req)
        proposals.extend(got.items)
        req = None if got.next is None else PageRequest(after=got.next, limit=LIMIT_MAX)
    for p in proposals:
        table.add_row(p.id, p.line_id, money_str(p.old_limit), money_str(p.new_limit),
                      p.proposed_by, p.reason, p.status.value, p.decided_by or "")
    console.print(table)


def _decide(proposal_id: str, approve: bool, note: str, token: str | None,
            db: str | None) -> None:
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("lines:limit_approve")
    p = services.decide_limit_proposal(services.DecideLimitProposal(proposal_id, approve, note),
                                       container.uow(), actor)
    console.print(f"proposal {p.id} {p.status.value} by {p.decided_by}: line {p.line_id} "
                  f"limit {money_str(p.new_limit if approve else p.old_limit)}", soft_wrap=True)


@lines_app.command("approve-limit")
def lines_approve_limit(
    proposal_id: Annotated[str, typer.Argument(help="The limit proposal id.")],
    note: Annotated[str, typer.Option(help="Why (kept with the decision).",
                                      show_default=False)],
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Approve another person's limit proposal: the limit moves."""
    _decide(proposal_id, True, note, token, db)


@lines_app.command("reject-limit")
def lines_reject_limit(
    proposal_id: Annotated[str, typer.Argument(help="The limit proposal id.")],
    note: Annotated[str, typer.Option(help="Why (kept with the decision).",
                                      show_default=False)],
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Reject another person's limit proposal: the limit stays."""
    _decide(proposal_id, False, note, token, db)
