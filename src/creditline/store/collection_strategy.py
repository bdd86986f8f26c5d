"""The collection strategy's decisions in SQL (``collections.ports.StrategyRepository``):
the stage's bulk read of the open cases of a partition with their contact history, and the
decision rows (``collection_actions``, one per case and business day).

The strategy paces its messages by the last one *sent or still queued*: the contact log
has the messages the relay sent (it logs a contact only then), and a case's latest
``scheduled`` decision counts until the relay gives up on its message (``failed``) -- a
message waiting for the relay, or held by the gate (a regional relief), is not sent again
by the strategy meanwhile.  Contacts made (``contacts``) are the log's alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import Session

from creditline.collections.actions import SCHEDULED, reminder_key
from creditline.collections.cases import Terminal
from creditline.collections.ports import StrategyInputs
from creditline.collections.strategy import MESSAGES
from creditline.notify.messages import FAILED, message_id
from creditline.store.tables.collection_strategy import collection_actions
from creditline.store.tables.collections import collection_cases, contact_log, legal_referrals
from creditline.store.tables.notify import notify_messages
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

C = collection_cases.c
T = contact_log.c
A = collection_actions.c
N = notify_messages.c
TERMINAL = [t.value for t in Terminal]
CHUNK = 900  # ids per IN list (SQLite's bound-parameter limit)


def _chunks(ids: Sequence[str]) -> list[list[str]]:
    return [list(ids[i:i + CHUNK]) for i in range(0, len(ids), CHUNK)]


class SqlStrategyRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def inputs(self, first_id: str, last_id: str, line_ids: Sequence[str] | None,
               day: date) -> StrategyInputs:
        cond: Any = C.line_id.between(first_id, last_id)
        if line_ids is not None:
            cond = and_(cond, C.line_id.in_(list(line_ids)))
        cases = self.s.execute(select(collection_cases).where(
            C.status.not_in(TERMINAL), cond).order_by(C.line_id)).all()
        out = StrategyInputs()
        if not cases:
            return out
        ids = [r.id for r in cases]
        lines = sorted({r.line_id for r in cases})
        last: dict[tuple[str, str], Any] = {}
        contacts: dict[str, int] = defaultdict(int)
        calls: dict[str, list[tuple[Any, str | None]]] = defaultdict(list)
        referred: set[str] = set()
        decided: set[str] = set()
        cures: dict[str, int] = {}
        for chunk in _chunks(ids):
            for case_id, channel, at, n in self.s.execute(
                    select(T.case_id, T.channel, func.max(T.at), func.count())
                    .where(T.case_id.in_(chunk), T.allowed.is_(True))
                    .group_by(T.case_id, T.channel)):
                last[(case_id, channel)] = aware(at)
                contacts[case_id] += int(n)
            for case_id, at, outcome in self.s.execute(
                    select(T.case_id, T.at, T.outcome).where(
                        T.case_id.in_(chunk), T.allowed.is_(True), T.channel == "call")):
                calls[case_id].append((aware(at), outcome))
            referred.update(r[0] for r in self.s.execute(
                select(legal_referrals.c.case_id).where(legal_referrals.c.case_id.in_(chunk))))
            decided.update(r[0] for r in self.s.execute(
                select(A.case_id).where(A.business_date == day, A.case_id.in_(chunk))))
        queued = self._queued(lines, set(ids))
        for chunk in _chunks(lines):
            cures.update({r[0]: int(r[1]) for r in self.s.execute(
                select(C.line_id, func.count()).where(
                    C.line_id.in_(chunk), C.status == Terminal.RESOLVED.value)
                .group_by(C.line_id))})
        for r in cases:
            out.case_id.append(r.id)
            out.line_id.append(r.line_id)
            out.customer_id.append(r.customer_id)
            out.bucket.append(int(r.bucket))
            out.escalation.append(int(r.escalation))
            out.disputed_cents.append(int(r.disputed * 100))
            out.on_hold.append(r.hold_kind is not None and r.hold_until is not None
                               and (r.hold_from is None or r.hold_from <= day)
                               and day <= r.hold_until)
            out.placed.append(r.agency_id is not None)
            out.referred.append(r.id in referred)
            out.decided.append(r.id in decided)
            out.past_cures.append(cures.get(r.line_id, 0))
            out.contacts.append(contacts.get(r.id, 0))
            msgs = [last[(r.id, ch)] for ch in MESSAGES if (r.id, ch) in last]
            if r.id in queued:
                msgs.append(queued[r.id])
            out.last_message.append(max(msgs) if msgs else None)
            out.last_call.append(last.get((r.id, "call")))
            recent = [o for _, o in sorted(calls.get(r.id, []), key=lambda t: t[0])[-3:]]
            out.recent_call_outcomes.append(recent)
        return out

    def _queued(self, lines: Sequence[str], cases: set[str]) -> dict[str, datetime]:
        """Each case's latest scheduled message, unless the relay gave up on it: when it
        goes out (its ``deliver_after``; not yet fanned out: the morning after its day)."""
        latest: dict[str, tuple[date, str]] = {}
        for chunk in _chunks(lines):
            for case_id, action, day in self.s.execute(
                    select(A.case_id, A.action, func.max(A.business_date)).where(
                        A.line_id.in_(chunk), A.outcome == SCHEDULED,
                        A.action.in_(MESSAGES)).group_by(A.case_id, A.action)):
                if case_id in cases and (case_id not in latest or day > latest[case_id][0]):
                    latest[case_id] = (day, action)
        ids = {message_id(reminder_key(c, day), action): c
               for c, (day, action) in latest.items()}
        made: dict[str, tuple[str, datetime | None]] = {}
        for chunk in _chunks(sorted(ids)):
            for mid, status, after in self.s.execute(
                    select(N.id, N.status, N.deliver_after).where(N.id.in_(chunk))):
                made[ids[mid]] = (status, aware(after))
        out: dict[str, datetime] = {}
        for c, (day, _) in latest.items():
            status, after = made.get(c, ("", None))
            if status != FAILED:
                out[c] = after or datetime.combine(day + timedelta(days=1), time(), UTC)
        return out

    def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.s.execute(insert(collection_actions), rows)

    def tasks(self, day: date, action: str) -> list[str]:
        """The cases given ``action`` at the end of day ``day`` (e.g. the day's call tasks)."""
        return [r[0] for r in self.s.execute(select(A.case_id).where(
            A.business_date == day, A.action == action).order_by(A.case_id))]

    def counts(self) -> dict[str, dict[str, int]]:
        """Decisions by action and by what was done, over the whole history."""
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for action, outcome, n in self.s.execute(
                select(A.action, A.outcome, func.count()).group_by(A.action, A.outcome)):
            out[str(action)][str(outcome)] = int(n)
        return dict(out)
