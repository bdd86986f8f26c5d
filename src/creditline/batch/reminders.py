"""The reminder stage of end of day: due-date reminders (T-3, T-1, T by default) written to
the outbox for the relay, after the servicing kernel has applied the day's payments.

The rule is ``notify.reminders.due_reminders`` over the kernel's published columns
(``min_due``, ``min_remaining``, ``next``); the write step reads the reminded lines'
customers and zones in one query and emits one ``statement.reminder`` per line, with its
``deliver_after`` at the local hour of the day it is read and a dedupe key, and holds back
the next visit of lines with a reminder ahead that end of day would otherwise skip past.
Running a day again emits the same reminders with the same dedupe keys, which the relay
turns into no new message: the stage is ``rerunnable``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import numpy as np

from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.money import money_str
from creditline.notify.reminders import ReminderPolicy, due_reminders, reminder_payload, send_day
from creditline.notify.topics import REMINDER
from creditline.servicing.calendar import EPOCH, day_number
from creditline.uow import UnitOfWork

REMINDERS = "reminders"


@dataclass
class ReminderOutput:
    line_ids: list[str] = field(default_factory=list)
    due_days: list[int] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)  # cents
    days_before: list[int] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    held_to: list[int] = field(default_factory=list)


def reminder_stage(policy: ReminderPolicy | None = None) -> Stage:
    """The stage for ``policy`` (default: T-3, T-1, T at 09:00 local)."""
    pol = policy or ReminderPolicy()

    def compute(part: Partition, _: object) -> StageOutput:
        cols = part.columns if "min_due" in part.columns else part.frame
        due = np.asarray(cols["min_due"], dtype=np.int64)
        owed = np.asarray(cols["min_remaining"], dtype=np.int64)
        today = day_number(part.day)
        r = due_reminders(due, owed, today, pol)
        ids = np.asarray(part.line_ids, dtype=object)
        out = ReminderOutput(line_ids=ids[r.index].tolist(), due_days=due[r.index].tolist(),
                             amounts=owed[r.index].tolist(), days_before=r.days_before.tolist())
        nxt = part.columns.get("next")
        if nxt is not None:
            nv = np.asarray(nxt, dtype=np.int64).copy()
            # the temporary-limit stage may already hold the line to its limit's end:
            # never move a visit later than that
            te = np.asarray(part.frame.get("temp_end", np.full(len(nv), -1)), dtype=np.int64)
            earlier = (te > today) & (nv >= 0) & (te < nv)
            nv[earlier] = te[earlier]
            hold = (r.next_visit >= 0) & (nv >= 0) & (nv > r.next_visit)
            out.held, out.held_to = ids[hold].tolist(), r.next_visit[hold].tolist()
        return StageOutput(data=out, counts={"reminders": len(out.line_ids),
                                             "held": len(out.held)})

    def write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
        out: ReminderOutput = result.data
        if out.held:
            uow.eod_columns.hold_next_visit(
                out.held, [EPOCH + timedelta(days=d) for d in out.held_to])
        if not out.line_ids:
            return {}
        who = uow.notifications.reminder_recipients(out.line_ids)
        on = send_day(part.day)
        for line_id, due, cents, k in zip(out.line_ids, out.due_days, out.amounts,
                                          out.days_before, strict=True):
            customer_id, zone = who[line_id]
            uow.emit(REMINDER, reminder_payload(
                line_id=line_id, customer_id=customer_id,
                due_date=EPOCH + timedelta(days=due), amount=money_str(Decimal(int(cents)).scaleb(-2)),
                days_before=k, send_on=on, hour=pol.hour, zone=zone, business_date=part.day))
        return {}

    return Stage(REMINDERS, compute=compute, write=write, rerunnable=True,
                 description="due-date reminders (T-3, T-1, T by default) to the outbox, "
                             "delivered at a local daytime hour; keep a line with one ahead "
                             "due for a visit on its eve")


REMINDER_STAGE = reminder_stage()
