"""Temporary limits granted by rule: a risk officer runs a dated campaign
(``lines.campaigns``) over the book; every eligible line gets the campaign's temporary
limit, as a ``temporary`` limit event with source ``campaign``, the campaign folder's label
and the campaign's code, and the customer is told (outbox ``line.temporary_limit_granted``,
the campaign's name in Chinese and English).  A dry run counts without granting.  Running a
campaign again grants nothing twice: a line that already has a temporary limit is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import ValidationError
from creditline.lines.campaigns import Campaign, Campaigns, default_campaigns, eligible_mask
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource, temporary_limit
from creditline.lines.line import Line
from creditline.products.catalog import terms_product
from creditline.uow import UnitOfWork

PAGE = 1000


@dataclass(frozen=True)
class GrantCampaign:
    code: str
    dry_run: bool = False


@dataclass(frozen=True)
class CampaignRun:
    campaign: Campaign
    label: str  # the campaign folder's version+hash12
    business_date: date
    dry_run: bool
    looked_at: int  # active lines read
    granted: int  # lines that got (or, dry run, would get) the temporary limit
    raised: Decimal  # sum of temporary limit - permanent limit over them
    line_ids: list[str] = field(repr=False, default_factory=list)


def list_campaigns() -> Campaigns:
    return default_campaigns()


def _eligible(c: Campaign, lines: list[Line]) -> list[Line]:
    mask = eligible_mask(
        c, status=[x.status.value for x in lines], product=[x.product for x in lines],
        dpd=np.array([x.dpd for x in lines], dtype=np.int64),
        opened_on=[x.opened_on for x in lines],
        limit=np.array([float(x.limit) for x in lines], dtype=np.float64),
        has_temporary=np.array([x.temporary is not None for x in lines], dtype=bool))
    return [x for x, ok in zip(lines, mask.tolist(), strict=True) if ok]


def grant_campaign(cmd: GrantCampaign, uow: UnitOfWork, actor: Principal) -> CampaignRun:
    """Grant (or with ``dry_run`` count) the campaign's temporary limits on every eligible
    line, in one transaction.  A campaign that has ended: 422 naming ``campaign``."""
    campaigns = default_campaigns()
    c = campaigns.get(cmd.code)
    with uow:
        today = current_business_date(uow)
        if c.end < today:
            raise ValidationError("campaign", f"{c.code} ended on {c.end.isoformat()}, before "
                                              f"the business date {today.isoformat()}")
        looked, granted, raised, ids = 0, 0, Decimal("0.00"), []
        after: str | None = None
        while True:
            page = uow.lines.where(status="active", after=after, limit=PAGE)
            if not page:
                break
            after = page[-1].id
            looked += len(page)
            for candidate in _eligible(c, page):
                line = uow.lines.get(candidate.id, lock=True)
                assert line is not None
                cap = terms_product(line.product, line.terms).limit_max
                amount = c.amount(line.limit, cap)
                if amount <= line.limit:  # already at the product's maximum
                    continue
                granted += 1
                raised += amount - line.limit
                ids.append(line.id)
                if cmd.dry_run:
                    continue
                old = line.effective_limit(today)
                line.temporary = temporary_limit(amount, c.start, c.end, permanent=line.limit,
                                                 cap=cap, today=today)
                uow.lines.save(line)
                uow.limit_events.add(LimitEvent(
                    line_id=line.id, at=uow.now(), business_date=today, old_limit=old,
                    new_limit=amount, kind=LimitKind.TEMPORARY, source=LimitSource.CAMPAIGN,
                    actor=actor.name, reason_codes=("CAMPAIGN", c.code),
                    rules_version=campaigns.label, note=c.name_en, starts_on=c.start,
                    ends_on=c.end))
                uow.emit("line.temporary_limit_granted", {
                    "line_id": line.id, "customer_id": line.customer_id, "limit": line.limit,
                    "temporary_limit": amount, "start": c.start, "end": c.end,
                    "campaign": c.code, "reason_en": f"{c.name_en}: your limit is "
                    f"{amount:.2f} from {c.start.isoformat()} to {c.end.isoformat()}.",
                    "reason_zh": f"{c.name_zh}：{c.start.isoformat()}至{c.end.isoformat()}期间"
                                 f"您的额度临时提升至{amount:.2f}元。"})
        if not cmd.dry_run:
            uow.audit(actor, "campaign.granted", "campaign", c.code,
                      {"rules_version": campaigns.label, "lines": granted, "raised": raised,
                       "start": c.start, "end": c.end})
            uow.commit()
    return CampaignRun(c, campaigns.label, today, cmd.dry_run, looked, granted, raised, ids)
