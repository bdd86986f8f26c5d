"""``creditline holds list|release|refuse`` (purchases a real-time trigger held for a
reviewer), ``creditline triggers list`` (every trigger fired), ``creditline campaigns
list|grant`` (temporary limits by rule), ``creditline sectors watch|list|preview|cut|
reverse`` (sector actions) and ``creditline line-reviews schedule|overdue|approve|reject``
(periodic reviews of enterprise lines; statements are uploaded through the API)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.lines.holds import HeldPurchase
from creditline.lines.sectors import SectorFlag
from creditline.money import money_str
from creditline.paging import LIMIT_MAX, PageRequest, SeqPageRequest
from creditline.servicing import campaigns, holds, line_reviews, sectors

holds_app = typer.Typer(help="Held purchases: list, release or refuse. A real-time trigger "
                             "held them for a reviewer.", no_args_is_help=True)
campaigns_app = typer.Typer(help="Temporary-limit campaigns: list them, grant one by its "
                                 "rule.", no_args_is_help=True)
sectors_app = typer.Typer(help="Sector early warning and sector cuts. A cut lowers every line "
                               "in a flagged industry.", no_args_is_help=True)
reviews_app = typer.Typer(help="Periodic reviews of enterprise lines. Statements are "
                               "uploaded through the API.", no_args_is_help=True)
triggers_app = typer.Typer(help="Real-time triggers fired on purchases and returns.",
                           no_args_is_help=True)


@holds_app.command("list")
def list_holds(
    status: Annotated[str, typer.Option(help="held, released, refused or expired.")] = "held",
    line: Annotated[str | None, typer.Option("--line", help="Only this line's holds.",
                                             show_default=False)] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """List held purchases, oldest first.

    By default those waiting for a reviewer."""
    container = container_for(db)
    actor_from_token(container, token).require("holds:read")
    rows: list[HeldPurchase] = []
    req: PageRequest | None = PageRequest(limit=LIMIT_MAX)
    while req is not None:
        got = holds.list_holds(container.uow(), status=status, line_id=line, req=req)
        rows.extend(got.items)
        req = None if got.next is None else PageRequest(after=got.next, limit=LIMIT_MAX)
    table = Table("id", "line", "amount", "merchant", "category", "day", "triggers", "status",
                  "reason")
    for h in rows:
        table.add_row(h.id, h.line_id, money_str(h.amount), h.merchant, h.merchant_category,
                      h.business_date.isoformat(), ",".join(h.triggers), h.status.value,
                      h.reason_en)
    console.print(table)


def _decide(hold_id: str, release: bool, note: str, token: str | None, db: str | None) -> None:
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("holds:decide")
    view = holds.decide_hold(holds.DecideHold(hold_id, release, note), container.uow(), actor)
    console.print(f"purchase {view.id}: {view.status} ({money_str(view.amount)} on line "
                  f"{view.line_id})", soft_wrap=True)


@holds_app.command("release")
def release(
    hold_id: Annotated[str, typer.Argument(help="The held purchase's id.")],
    note: Annotated[str, typer.Option(help="Why (kept with the decision).", show_default=False)],
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Release a held purchase: it is booked today, with its schedule."""
    _decide(hold_id, True, note, token, db)


@holds_app.command("refuse")
def refuse(
    hold_id: Annotated[str, typer.Argument(help="The held purchase's id.")],
    note: Annotated[str, typer.Option(help="Why (kept with the decision).", show_default=False)],
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Refuse a held purchase: its reservation goes, the customer is told."""
    _decide(hold_id, False, note, token, db)


@triggers_app.command("list")
def list_triggers(
    line: Annotated[str | None, typer.Option("--line", help="Only this line's triggers.",
                                             show_default=False)] = None,
    code: Annotated[str | None, typer.Option("--code", help="Only this trigger code.",
                                             show_default=False)] = None,
    limit: Annotated[int, typer.Option(help="At most this many, oldest first.", min=1,
                                       max=LIMIT_MAX)] = 50,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """List triggers fired, oldest first, with what each did."""
    container = container_for(db)
    actor_from_token(container, token).require("triggers:read")
    page = holds.list_triggers(container.uow(), line_id=line, code=code,
                               req=SeqPageRequest(limit=limit))
    table = Table("seq", "day", "line", "event", "code", "action", "outcome", "rules")
    for r in page.items:
        table.add_row(str(r.seq), r.business_date.isoformat(), r.line_id, r.event, r.code,
                      r.action, " ".join(f"{k}={v}" for k, v in r.outcome.items()),
                      r.rules_version)
    console.print(table)
    console.print(f"{len(page.items)} of {page.total} triggers", soft_wrap=True)


@campaigns_app.command("list")
def list_campaigns() -> None:
    """List the shipped campaigns: days, raise, eligibility rule."""
    every = campaigns.list_campaigns()
    table = Table("code", "name", "days", "products", "raise", "eligible", "over limit")
    for c in every.campaigns.values():
        table.add_row(c.code, f"{c.name_en} / {c.name_zh}",
                      f"{c.start.isoformat()}..{c.end.isoformat()}", ",".join(sorted(c.products)),
                      f"+{c.raise_share * 100:.0f} %",
                      f"dpd <= {c.max_dpd}, {c.min_days_on_book}+ days on book, limit >= "
                      f"{money_str(c.min_limit)}", c.over_limit)
    console.print(table)
    console.print(f"campaigns {every.label}", soft_wrap=True)


@campaigns_app.command("grant")
def grant(
    code: Annotated[str, typer.Argument(help="The campaign's code (campaigns list).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count the eligible lines, "
                                                            "grant nothing.")] = False,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Grant a campaign's temporary limit to every eligible line."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("lines:temporary_limit")
    run = campaigns.grant_campaign(campaigns.GrantCampaign(code, dry_run), container.uow(),
                                   actor)
    verb = "would get" if dry_run else "got"
    console.print(f"{run.campaign.code} ({run.label}): {run.granted} of {run.looked_at} active "
                  f"lines {verb} the temporary limit, {money_str(run.raised)} above their "
                  "permanent limits", soft_wrap=True)


def _flags_table(flags: list[SectorFlag]) -> Table:
    table = Table("industry", "lines", "30+ dpd rate", "default rate", "flagged", "since", "why")
    for f in flags:
        table.add_row(f.industry, str(f.rate.lines), str(f.rate.dpd30_rate),
                      str(f.rate.default_rate), "yes" if f.flagged else "no",
                      f.flagged_on.isoformat() if f.flagged_on else "", ",".join(f.rate.why))
    return table


@sectors_app.command("watch")
def sectors_watch(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Run the sector early warning now and show every industry's rates."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("sectors:manage")
    console.print(_flags_table(sectors.watch_sectors(container.uow(), actor)))


@sectors_app.command("list")
def sectors_list(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Show the early warning's last answer per industry."""
    container = container_for(db)
    actor_from_token(container, token).require("sectors:read")
    console.print(_flags_table(sectors.list_flags(container.uow())))


IndustryArg = Annotated[str, typer.Argument(help="GB/T 4754 section letter A-T.")]
PercentOpt = Annotated[str, typer.Option("--percent", help="The cut, above 0 and at most 100.",
                                         show_default=False)]


@sectors_app.command("preview")
def sectors_preview(industry: IndustryArg, percent: PercentOpt, token: UserTokenOption = None,
                    db: DbOption = None) -> None:
    """Preview a sector cut. It names the lines, customers and limit removed."""
    container = container_for(db)
    actor_from_token(container, token).require("sectors:manage")
    p = sectors.preview_sector_cut(sectors.SectorCut(industry, percent), container.uow())
    console.print(f"industry {p.industry} -{p.percent.normalize():f} %: {len(p.lines)} lines, "
                  f"{p.customers} customers, {money_str(p.limit_removed)} of limit removed",
                  soft_wrap=True)


@sectors_app.command("cut")
def sectors_cut(
    industry: IndustryArg, percent: PercentOpt,
    reason: Annotated[str, typer.Option(help="Why (told in the audit log).", show_default=False)],
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Cut every line in a flagged industry, as one audited batch."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("sectors:manage")
    a = sectors.apply_sector_cut(sectors.SectorCut(industry, percent, reason), container.uow(),
                                 actor)
    console.print(f"sector action {a.id}: {len(a.lines)} lines, {a.customers} customers, "
                  f"{money_str(a.limit_removed)} of limit removed", soft_wrap=True)


@sectors_app.command("reverse")
def sectors_reverse(
    action_id: Annotated[str, typer.Argument(help="The sector action's id.")],
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Reverse a sector cut: old limits back where untouched since."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("sectors:manage")
    a, left = sectors.reverse_sector_cut(action_id, container.uow(), actor)
    console.print(f"sector action {a.id} reversed; {len(left)} lines changed since were left "
                  "alone" + (": " + ", ".join(left) if left else ""), soft_wrap=True)


@reviews_app.command("schedule")
def reviews_schedule(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Open the reviews that are due. Lines long overdue are frozen."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("line_reviews:manage")
    run = line_reviews.schedule_reviews(container.uow(), actor)
    console.print(f"{len(run.opened)} review cases opened, {len(run.frozen)} lines frozen "
                  "for a long-overdue review", soft_wrap=True)


@reviews_app.command("overdue")
def reviews_overdue(token: UserTokenOption = None, db: DbOption = None) -> None:
    """List open review cases past their due date."""
    container = container_for(db)
    actor_from_token(container, token).require("line_reviews:read")
    table = Table("case", "line", "industry", "frequency", "due", "status", "proposal")
    for c in line_reviews.overdue_reviews(container.uow()):
        table.add_row(c.id, c.line_id, c.industry, c.frequency, c.due_on.isoformat(),
                      c.status.value, "" if c.proposal is None else c.proposal.value)
    console.print(table)


def _decide_review(case_id: str, approve: bool, note: str, token: str | None,
                   db: str | None) -> None:
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("line_reviews:manage")
    c = line_reviews.decide_review(line_reviews.DecideReview(case_id, approve, note),
                                   container.uow(), actor)
    console.print(f"review {c.id} {c.status.value} by {c.decided_by}", soft_wrap=True)


NoteOpt = Annotated[str, typer.Option(help="Why (kept with the decision).", show_default=False)]


@reviews_app.command("approve")
def reviews_approve(case_id: Annotated[str, typer.Argument(help="The review case id.")],
                    note: NoteOpt, token: UserTokenOption = None, db: DbOption = None) -> None:
    """Approve another officer's review proposal: it applies."""
    _decide_review(case_id, True, note, token, db)


@reviews_app.command("reject")
def reviews_reject(case_id: Annotated[str, typer.Argument(help="The review case id.")],
                   note: NoteOpt, token: UserTokenOption = None, db: DbOption = None) -> None:
    """Reject another officer's review proposal: the line stays."""
    _decide_review(case_id, False, note, token, db)
