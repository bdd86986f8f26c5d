"""``creditline bureau``: the monthly credit-bureau run and its files, a line's reported
history, disputes and corrections (issue 16, first half: write-off and debt sale are the
losses work)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from creditline.bureau import services as bs
from creditline.bureau.ports import Run
from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError
from creditline.money import money_str
from creditline.uow import UnitOfWork

sub = typer.Typer(help="Credit-bureau reports: monthly runs, disputes.",
                  no_args_is_help=True)

LineArg = Annotated[str, typer.Argument(metavar="LINE_ID", help="The credit line id.")]
MonthOption = Annotated[str, typer.Option("--month", help="The month, as YYYY-MM.")]


def _run_line(r: Run) -> str:
    c = r.counts
    return (f"run {r.id} month {r.month} as of {r.as_of} format {r.format}: "
            f"{c.get('reported', 0)} reported ({c.get('negative', 0)} with negative "
            f"information), {c.get('held', 0)} held, {c.get('notices', 0)} notices sent, "
            f"{c.get('updates', 0)} updates, {c.get('expired', 0)} past five years")


def write_run_files(new_uow: Callable[[], UnitOfWork], run: Run, out: Path) -> list[Path]:
    """Both files of a run into ``out`` (checked against the run's checksums)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in (bs.TEXT, bs.JSON):
        f = bs.run_file(run.id, kind, new_uow())
        path = out / f.name
        path.write_bytes(f.content)
        paths.append(path)
    return paths


@sub.command("run")
def run_cmd(
    month: MonthOption,
    out: Annotated[Path, typer.Option("--out", help="Folder for the text and JSON files.")],
    notice_days: Annotated[int | None, typer.Option(
        min=0, max=365, help="Notice period before a first negative report (default: the "
                             "format's).")] = None,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Report a month and write its files.

    The book must stand at the month end. A month already reported gives back its first
    run and the same files."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("bureau:run")
    actor.require("bureau:file")
    result = bs.run_month(bs.RunMonth(month, notice_days), container.uow(), actor)
    run = result.run
    console.print(("" if result.created else "already reported: ") + _run_line(run),
                  soft_wrap=True)
    for h in run.held:
        console.print(f"  held {h['line_id']} ({h['month_status']}): {h['rule']}: {h['reason']}",
                      soft_wrap=True)
    for line_id in run.expired:
        console.print(f"  not reported {line_id}: negative information older than five years "
                      "(art. 16)", soft_wrap=True)
    for p in write_run_files(container.uow, run, out):
        console.print(f"wrote {p}")
    console.print(f"sha256 text {run.text_sha256}\nsha256 json {run.json_sha256}")


@sub.command("runs")
def runs_cmd(limit: Annotated[int, typer.Option(min=1, max=500)] = 24,
             token: UserTokenOption = None, db: DbOption = None) -> None:
    """The months reported, newest first."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("bureau:read")
    table = Table("month", "run", "as of", "reported", "negative", "held", "updates",
                  "text sha256")
    for r in bs.list_runs(container.uow(), limit):
        c = r.counts
        table.add_row(r.month, r.id, r.as_of.isoformat(), str(c.get("reported", 0)),
                      str(c.get("negative", 0)), str(c.get("held", 0)),
                      str(c.get("updates", 0)), r.text_sha256[:16])
    console.print(table)


@sub.command("history")
def history_cmd(line_id: LineArg, token: UserTokenOption = None, db: DbOption = None) -> None:
    """What was reported for a line, and when.

    Every record in the order reported, with the line's disputes and corrections."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("bureau:read")
    h = bs.line_history(line_id, container.uow())
    table = Table("reported in", "type", "month", "status", "history (oldest first)",
                  "balance", "past due", "disputed")
    for x in h.records:
        r = x.record
        table.add_row(x.reported_in, r.record_type, r.month, r.month_status, r.history,
                      money_str(r.balance), money_str(r.past_due), "Y" if r.disputed else "")
    console.print(table)
    for d in h.disputes:
        console.print(f"dispute {d.id} on {d.month} ({d.status}) raised {d.raised_on} by "
                      f"{d.raised_by}: {d.reason}", soft_wrap=True)
    for c in h.corrections:
        console.print(f"correction {c.id}: {c.month} -> {c.status} by {c.made_by} on "
                      f"{c.made_on}, reported in {c.reported_in or '(next run)'}: {c.reason}",
                      soft_wrap=True)


@sub.command("dispute")
def dispute_cmd(line_id: LineArg, month: MonthOption,
                reason: Annotated[str, typer.Option(help="What the customer disputes.")],
                token: UserTokenOption = None, db: DbOption = None) -> None:
    """Flag a reported month of a line as disputed by the customer."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("bureau:dispute")
    d = bs.raise_dispute(bs.RaiseDispute(line_id, month, reason), container.uow(), actor)
    console.print(f"dispute {d.id} on {d.line_id} {d.month}: open")


@sub.command("correct")
def correct_cmd(line_id: LineArg, month: MonthOption,
                status: Annotated[str, typer.Option(help="The code the month should carry.")],
                reason: Annotated[str, typer.Option(help="Why.")],
                dispute: Annotated[str | None, typer.Option(
                    help="The dispute this correction resolves.")] = None,
                token: UserTokenOption = None, db: DbOption = None) -> None:
    """Correct the code of a reported month.

    The next run carries an update record for it; with --dispute, resolves that dispute."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("bureau:correct")
    c = bs.correct(bs.Correct(line_id, month, status, reason, dispute), container.uow(), actor)
    console.print(f"correction {c.id}: {c.line_id} {c.month} -> {c.status}; the next run "
                  "reports the update")


@sub.command("reject")
def reject_cmd(dispute_id: Annotated[str, typer.Argument(metavar="DISPUTE_ID")],
               resolution: Annotated[str, typer.Option(help="Why the record stands.")],
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """Close a dispute: the record was right.

    The objection flag goes from the next run."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("bureau:correct")
    d = bs.reject_dispute(bs.RejectDispute(dispute_id, resolution), container.uow(), actor)
    console.print(f"dispute {d.id}: {d.status}")


@sub.command("disputes")
def disputes_cmd(status: Annotated[str | None, typer.Option(
                     help="open, corrected or rejected")] = None,
                 token: UserTokenOption = None, db: DbOption = None) -> None:
    """Disputes, newest first."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("bureau:read")
    if status is not None and status not in ("open", "corrected", "rejected"):
        raise ValidationError("--status", "must be open, corrected or rejected")
    for d in bs.list_disputes(container.uow(), status):
        console.print(f"{d.id} {d.line_id} {d.month} {d.status} raised {d.raised_on}: "
                      f"{d.reason}", soft_wrap=True)
