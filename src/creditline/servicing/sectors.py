"""Use cases of sector actions (``lines.sectors``): watch the industries (at end of day and
on demand, over every open enterprise line as columns), list the flags, preview a cut of every line in an
industry, apply it as one audited batch that tells every customer, and reverse it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import numpy as np

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource
from creditline.lines.sectors import (
    ActionStatus,
    SectorAction,
    SectorFlag,
    SectorLine,
    cut_to,
    default_early_warning,
    industry_rates,
    parse_industry,
    parse_percent,
)
from creditline.money import money_str
from creditline.paging import Page, PageRequest
from creditline.parties.identity import INDUSTRY_SECTIONS
from creditline.products.catalog import default_catalog
from creditline.uow import UnitOfWork


def watch_sectors(uow: UnitOfWork, actor: Principal) -> list[SectorFlag]:
    """Compute every industry's rates against the early-warning table and keep the answer
    (on demand; end of day does it too, ``batch.day_end``)."""
    with uow:
        flags = watch_on(uow, current_business_date(uow), actor)
        uow.commit()
    return flags


def watch_on(uow: UnitOfWork, today: date, actor: Principal) -> list[SectorFlag]:
    """The watch inside the caller's transaction, as of ``today``: an industry newly
    flagged (or no longer) is audited; ``flagged_on`` stays the day it was first flagged
    while it remains so."""
    table = default_early_warning()
    cols = uow.sectors.enterprise_lines()
    before = {f.industry: f for f in uow.sectors.flags()}
    flags = []
    for rate in industry_rates(table, cols["industry"],
                               np.asarray(cols["dpd"], dtype=np.int64)):
        was = before.get(rate.industry)
        since = (was.flagged_on if was is not None and was.flagged else today) \
            if rate.flagged else None
        flags.append(SectorFlag(rate.industry, rate.flagged, today, since, rate,
                                table.label))
        if rate.flagged != (was is not None and was.flagged):
            uow.audit(actor, "sector.flagged" if rate.flagged else "sector.cleared",
                      "sector", rate.industry,
                      {"dpd30_rate": rate.dpd30_rate, "default_rate": rate.default_rate,
                       "lines": rate.lines, "why": list(rate.why),
                       "rules_version": table.label})
    uow.sectors.save_flags(flags)
    return flags


def list_flags(uow: UnitOfWork) -> list[SectorFlag]:
    with uow:
        return uow.sectors.flags()


def is_flagged(uow: UnitOfWork, industry: str) -> bool:
    """Whether the last watch flagged the industry (inside the caller's ``with uow``)."""
    flag = uow.sectors.flag(industry)
    return flag is not None and flag.flagged


@dataclass(frozen=True)
class SectorCut:
    industry: object
    percent: object
    reason: str = ""


@dataclass(frozen=True)
class SectorPreview:
    industry: str
    percent: Decimal
    lines: tuple[SectorLine, ...]

    @property
    def customers(self) -> int:
        return len({x.customer_id for x in self.lines})

    @property
    def limit_removed(self) -> Decimal:
        return sum((x.old_limit - x.new_limit for x in self.lines), Decimal("0.00"))


def _plan(uow: UnitOfWork, industry: str, percent: Decimal) -> SectorPreview:
    cols = uow.sectors.enterprise_lines(industry)
    catalog = default_catalog()
    rows = []
    for line_id, customer_id, limit, product in zip(cols["line_id"], cols["customer_id"],
                                                    cols["limit"], cols["product"], strict=True):
        p = catalog.find(product)
        new = cut_to(limit, percent, p.limit_min if p is not None else Decimal("0.00"))
        if new < limit:
            rows.append(SectorLine(line_id, customer_id, limit, new))
    return SectorPreview(industry, percent, tuple(rows))


def _check(cmd: SectorCut) -> tuple[str, Decimal]:
    return parse_industry(cmd.industry), parse_percent(cmd.percent)


def preview_sector_cut(cmd: SectorCut, uow: UnitOfWork) -> SectorPreview:
    """What a cut would do: the lines, customers and limit removed; changes nothing."""
    industry, percent = _check(cmd)
    with uow:
        return _plan(uow, industry, percent)


def apply_sector_cut(cmd: SectorCut, uow: UnitOfWork, actor: Principal) -> SectorAction:
    """Cut every open line of a flagged industry by the percentage: one batch, one audit
    entry, a ``sector_action`` limit event per line and a notice to every customer.  An
    industry the last watch did not flag: 409."""
    industry, percent = _check(cmd)
    if not cmd.reason.strip() or len(cmd.reason.strip()) > 200:
        raise ValidationError("reason", "must be text of 1-200 characters")
    with uow:
        if not is_flagged(uow, industry):
            raise Conflict(f"industry {industry} is not flagged by the sector early warning "
                           "(run the watch first): no sector cut")
        today = current_business_date(uow)
        plan = _plan(uow, industry, percent)
        action = SectorAction(id=str(uuid.uuid4()), industry=industry, percent=percent,
                              reason=cmd.reason.strip(), business_date=today,
                              created_by=actor.name, created_at=uow.now(), lines=plan.lines)
        _move(uow, actor, action, [(x, x.old_limit, x.new_limit) for x in plan.lines],
              f"sector cut {industry} -{percent.normalize():f} %: {action.reason}")
        uow.sectors.add_action(action)
        uow.audit(actor, "sector.cut_applied", "sector_action", action.id,
                  {"industry": industry, "percent": percent, "lines": len(plan.lines),
                   "customers": action.customers, "limit_removed": action.limit_removed,
                   "reason": action.reason})
        uow.commit()
    return action


def _move(uow: UnitOfWork, actor: Principal, action: SectorAction,
          moves: list[tuple[SectorLine, Decimal, Decimal]], note: str) -> list[str]:
    """Move each line's permanent limit ``from -> to`` if it is still ``from``; tell its
    customer.  Returns the lines skipped because their limit changed meanwhile."""
    name = INDUSTRY_SECTIONS[action.industry]
    skipped = []
    for x, old, new in moves:
        line = uow.lines.get(x.line_id, lock=True)
        if line is None or line.limit != old:
            skipped.append(x.line_id)
            continue
        line.limit = new
        uow.lines.save(line)
        uow.limit_events.add(LimitEvent(
            line_id=line.id, at=uow.now(), business_date=action.business_date, old_limit=old,
            new_limit=new, kind=LimitKind.PERMANENT, source=LimitSource.SECTOR_ACTION,
            actor=actor.name, reason_codes=("SECTOR_ACTION", action.industry, action.id),
            note=note))
        cut = new < old
        uow.emit("line.limit_changed", {
            "line_id": line.id, "customer_id": line.customer_id, "from": old, "to": new,
            "sector_action_id": action.id,
            "reason_en": (f"Risk in your industry ({name}) has risen: your credit limit is "
                          f"{money_str(new)} (was {money_str(old)}).") if cut else
                         (f"Your credit limit is restored to {money_str(new)}."),
            "reason_zh": (f"您所在行业（{action.industry}类）风险上升：您的授信额度调整为"
                          f"{money_str(new)}元（原{money_str(old)}元）。") if cut else
                         (f"您的授信额度已恢复为{money_str(new)}元。")})
    return skipped


def reverse_sector_cut(action_id: str, uow: UnitOfWork, actor: Principal,
                       ) -> tuple[SectorAction, list[str]]:
    """Put back the old limit of every line the cut moved and whose limit is still the one
    the cut set; answers the action and the lines left alone.  Reversed already: 409."""
    with uow:
        action = uow.sectors.get_action(action_id, lock=True)
        if action is None:
            raise NotFound(f"sector action {action_id} not found")
        if action.status is not ActionStatus.APPLIED:
            raise Conflict(f"sector action {action_id} is already {action.status.value}")
        done = replace(action, status=ActionStatus.REVERSED, reversed_by=actor.name,
                       reversed_at=uow.now(), business_date=current_business_date(uow))
        skipped = _move(uow, actor, done, [(x, x.new_limit, x.old_limit) for x in action.lines],
                        f"sector cut {action.industry} reversed")
        uow.sectors.mark_reversed(done)
        uow.audit(actor, "sector.cut_reversed", "sector_action", action.id,
                  {"industry": action.industry, "lines": len(action.lines) - len(skipped),
                   "left_alone": skipped})
        uow.commit()
    return replace(done, business_date=action.business_date), skipped


def list_sector_actions(uow: UnitOfWork, industry: object = None,
                        req: PageRequest | None = None) -> Page[SectorAction]:
    wanted = None if industry is None else parse_industry(industry)
    with uow:
        return uow.sectors.actions(wanted, req or PageRequest())
