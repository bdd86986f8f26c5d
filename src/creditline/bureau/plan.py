"""The month's run as a pure function: which lines are reported, which are held back
(and why), which are no longer reported (art. 16), which need a notice first, and the
update records corrections call for.  The service (``bureau.services.run_month``) reads
the facts in bulk, calls this, and writes what it returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from creditline.bureau.format import BureauFormat
from creditline.bureau.history import LineFacts, history, month_status, negative_ended_on
from creditline.bureau.holds import NOTICE_REQUIRED, Candidate, Hold, Notice, held_back
from creditline.bureau.months import Month, years_after
from creditline.bureau.records import UPDATE, AccountRecord, account_state, build_record


@dataclass
class MonthPlan:
    reported: list[AccountRecord] = field(default_factory=list)
    held: list[tuple[AccountRecord, Hold]] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)  # line ids
    ended: int = 0  # lines whose reporting ended in an earlier run (closed, sold)

    @property
    def to_notify(self) -> list[AccountRecord]:
        """Held records whose customer must be sent the notice now."""
        return [r for r, h in self.held if h.rule == NOTICE_REQUIRED]


def expired(f: LineFacts, m: Month, fmt: BureauFormat) -> bool:
    """Art. 16: negative information is kept five years from the day the bad behaviour
    ended; an account that ended with it that long ago is no longer reported."""
    ended = negative_ended_on(f, m, fmt)
    return ended is not None and years_after(ended, fmt.retention_years) <= m.end


def plan_month(facts: Sequence[LineFacts], m: Month, fmt: BureauFormat, *,
               prior_negative: frozenset[str], ended: frozenset[str],
               notices: Mapping[str, Notice], disputed: frozenset[str], notice_days: int,
               today: date, relieved: Mapping[str, str] | None = None) -> MonthPlan:
    """``relieved``: customer id -> the regional relief covering them at the month end."""
    relieved = relieved or {}
    plan = MonthPlan()
    for f in facts:
        if f.opened_on > m.end:
            continue
        if f.line_id in ended:
            plan.ended += 1
            continue
        record = build_record(f, m, fmt, disputed=f.line_id in disputed)
        if record.negative and expired(f, m, fmt):
            plan.expired.append(f.line_id)
            continue
        hold = held_back(Candidate(record, f.line_id in prior_negative, notices.get(f.line_id),
                                   notice_days, today, relieved.get(f.customer_id)), m)
        if hold is None:
            plan.reported.append(record)
        else:
            plan.held.append((record, hold))
    return plan


def update_record(original: AccountRecord, f: LineFacts, correction_id: str,
                  fmt: BureauFormat) -> AccountRecord:
    """The update (type U) of an earlier month's record after a correction: the month's
    code and string as they are with the correction, the amounts as reported."""
    m = Month.parse(original.month)
    code = month_status(f, m, fmt)
    hist = history(f, m, fmt)
    return replace(original, record_type=UPDATE, month_status=code, history=hist,
                   account_status=fmt.account_status[account_state(f, code, fmt)],
                   negative=fmt.any_negative(hist), disputed=False,
                   correction_id=correction_id)
