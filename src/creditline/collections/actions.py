"""Carrying out the collection strategy's decisions, one case at a time, inside the end of
day's transaction (``batch.collection_strategy`` calls it for the cases that act).

- a message (``sms``, ``email``, ``inbox``) is asked of the compliance gate for the instant it
  is scheduled (the next morning at the manifest's ``send_at`` in the debtor's zone), logging
  nothing: a refusal is the decision row's outcome (end of day does not queue what could not
  be sent then); an allowed one becomes a ``collections.reminder`` event on that one channel,
  outcome ``scheduled``, delivered by the notify relay not before that instant.  The relay
  asks the gate again when it sends it and writes the contact log then (``notify.gate``):
  the log records a contact when it is made, never when it is planned, so a message held by
  a regional relief declared in between is no contact.  The strategy paces its messages by
  what was sent (the log) or is still queued (``store.collection_strategy``);
- a call becomes a task: the case is in the day's call list (``collection_actions``) and its
  collector calls it through ``log_call`` (the gate again, at the time of the call);
- an agency placement and a legal referral go through their services (``place_case``,
  ``refer_to_legal``), nested in the same transaction;
- ``stop`` and ``none`` change nothing: the decision row says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from creditline.auth import Principal
from creditline.collections.agencies import PlaceCase, place_case
from creditline.collections.cases import Case
from creditline.collections.compliance import Channel
from creditline.collections.legal import ReferToLegal, refer_to_legal
from creditline.collections.services import would_allow
from creditline.collections.strategy import NextAction
from creditline.money import money_str
from creditline.uow import UnitOfWork

COLLECTION_REMINDER = "collections.reminder"
SCHEDULED = "scheduled"  # a decision row's outcome: the message is queued for the relay


@dataclass(frozen=True)
class Done:
    """What carrying out a decision did."""

    outcome: str  # scheduled / refused / queued / placed / no_agency / referred / stopped / waiting
    contact_id: str | None = None
    note: str = ""


def reminder_key(case_id: str, day: date) -> str:
    """The strategy message's dedupe key (one per case and business day), from which the
    relay derives its message id (``notify.messages.message_id``)."""
    return f"collections:{case_id}:{day.isoformat()}"


def send_time(day: date, zone: str, send_at: str) -> datetime:
    """The next morning's sending instant in the debtor's zone, as UTC."""
    h, m = (int(x) for x in send_at.split(":"))
    local = datetime.combine(day + timedelta(days=1), time(h, m), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def carry_out(uow: UnitOfWork, case: Case, decision: NextAction, *, day: date,
              amount: Decimal, dpd: int, send_at: str, actor: Principal) -> Done:
    """Do what ``decision`` says for ``case`` (see the module docstring)."""
    action = decision.action
    if decision.is_message:
        at = send_time(day, case.zone, send_at)
        # asked without logging: nothing is logged inside end of day's transaction; the
        # relay logs the contact when it actually sends the message
        verdict = would_allow(uow, case, Channel(action), at)
        if not verdict.allowed:
            return Done("refused", None, verdict.rule or "")
        uow.emit(COLLECTION_REMINDER, {
            "case_id": case.id, "line_id": case.line_id, "customer_id": case.customer_id,
            "channels": [action], "amount": money_str(amount), "days_past_due": dpd,
            "dedupe_key": reminder_key(case.id, day),
            "deliver_after": at.isoformat(), "reason": decision.reason})
        return Done(SCHEDULED, None, f"for {at.isoformat()}")
    if action == "call":
        return Done("queued")
    if action == "agency":
        agencies = sorted((a for a in uow.agencies.all() if a.active), key=lambda a: a.name)
        if not agencies:
            return Done("no_agency", None, "no active agency to place the case with")
        place_case(PlaceCase(case.id, agencies[0].id), uow, actor)
        return Done("placed", None, agencies[0].name)
    if action == "legal":
        referral = refer_to_legal(ReferToLegal(case.id), uow, actor)
        return Done("referred", None, referral.id)
    return Done("stopped" if action == "stop" else "waiting")
