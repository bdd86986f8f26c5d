"""The collection strategy stage of end of day: every open case gets its next action.

Registered after the behaviour stage (it reads the B-card's ``b_pd`` and ``months_on_book``
the behaviour stage publishes) and so after the collections stage, whose ageing it sees:
the cases are as today's ageing left them.  Per partition ``read`` takes, in bulk, the open
cases of the partition's lines with their contact history (last message sent or still
queued, last call, the last three call outcomes, contacts made, earlier cures of the line, a legal referral, whether
the case was decided today already) and the serving C-card (the shipped default installed
first when there is none, as the B-card is).  ``compute`` is pure: the C-card's features
(``collections.ccard``) and probability of not curing, then the ``collection_strategy``
tables for every case not yet decided today, in one native call.  ``write`` carries out the
decisions that act (``collections.actions``: messages asked of the compliance gate and
queued for the relay, which logs them as contacts when it sends them, agency
placements, legal referrals; calls become the day's call tasks) and appends one decision row
per case to ``collection_actions`` with the facts, the C-card's answer, the rules version and
reason, and what was done.

A case is decided once per business day (``collection_actions`` is unique per case and day),
so running the stage again for a day changes nothing: it is ``rerunnable``.  Which tables
decide is the stage's argument (``collection_strategy_stage(folder)``): the shipped C-card
strategy by default, the fixed ladder (``collections.strategy.LADDER_DIR``) for comparison.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Pipeline, Stage, StageOutput
from creditline.collections.actions import carry_out
from creditline.collections.ccard import C_CARD, C_CARD_FILE, contactable, feature_columns
from creditline.collections.ports import StrategyInputs
from creditline.collections.strategy import NEVER, STRATEGY, CaseFacts, NextAction, decide_many
from creditline.errors import CreditlineError
from creditline.rulesets.tables import Ruleset
from creditline.scoring.services import install_shipped_card
from creditline.scoring.serving import ServedModel, find_serving
from creditline.servicing import kernel as k
from creditline.servicing.calendar import day_number
from creditline.uow import UnitOfWork

COLLECTION_STRATEGY = "collection_strategy"
DAYS_PER_MONTH = 30.4375
ACTS = frozenset({"sms", "email", "inbox", "agency", "legal"})


@lru_cache(maxsize=8)
def _ruleset(folder: str | None) -> Ruleset:
    return STRATEGY.default() if folder is None else STRATEGY.load(folder)


def serving_c_card(uow: UnitOfWork) -> ServedModel | None:
    """The champion C-card, the shipped default installed first when there is none."""
    serving = find_serving(uow, C_CARD)
    if serving is None and C_CARD_FILE.exists():
        install_shipped_card(uow, C_CARD, C_CARD_FILE.read_text(), SYSTEM)
        serving = find_serving(uow, C_CARD)
    return None if serving is None else serving.champion


@dataclass(frozen=True)
class StrategyRead:
    inputs: StrategyInputs
    card: ServedModel | None


@dataclass(frozen=True)
class Decisions:
    rows: list[dict[str, Any]]
    actions: list[NextAction]
    owed_cents: list[int]
    ruleset: Ruleset


def _days_since(day_no: int, at: datetime | None) -> int:
    return NEVER if at is None else max(0, day_no - day_number(at.date()))


def _compute(part: Partition, read: StrategyRead, ruleset: Ruleset) -> StageOutput:
    inp = read.inputs
    if not len(inp):
        return StageOutput(data=Decisions([], [], [], ruleset))
    cols = part.columns
    pos = {line_id: i for i, line_id in enumerate(part.line_ids)}
    # the read names the partition's id range; a case whose line end of day skipped today
    # (nothing due before its next visit) is not in the partition's columns: decided when
    # its line is next visited
    keep = [i for i, line in enumerate(inp.line_id) if line in pos]
    if len(keep) != len(inp):
        inp = inp.subset(keep)
        if not len(inp):
            return StageOutput(data=Decisions([], [], [], ruleset))
    idx = np.array([pos[line] for line in inp.line_id], dtype=np.int64)
    dpd = np.asarray(cols["dpd"], dtype=np.int64)[idx]
    past_due = np.asarray(cols["past_due"], dtype=np.int64)[idx]
    n = len(part.line_ids)
    balance = (sum((np.asarray(cols[b], dtype=np.int64) for b in k.BALANCES),
                   np.zeros(n, dtype=np.int64)) - np.asarray(cols["credit"], dtype=np.int64))[idx]
    b_pd = (np.asarray(cols["b_pd"], dtype=np.float64)[idx] if "b_pd" in cols
            else np.full(len(idx), np.nan))
    today = day_number(part.day)
    if "months_on_book" in cols:
        mob = np.asarray(cols["months_on_book"], dtype=np.int64)[idx]
    else:
        opened = np.asarray(part.frame["opened"], dtype=np.int64)[idx]
        mob = np.floor((today - opened) / DAYS_PER_MONTH).astype(np.int64)
    owed = np.maximum(past_due - np.asarray(inp.disputed_cents, dtype=np.int64), 0)
    reach = np.array([contactable(o) for o in inp.recent_call_outcomes], dtype=bool)
    features = feature_columns(
        bucket=np.asarray(inp.bucket), dpd=dpd, owed_cents=owed, balance_cents=balance,
        b_pd=b_pd, months_on_book=mob, past_cures=np.asarray(inp.past_cures),
        reachable=reach, escalation=np.asarray(inp.escalation),
        contacts=np.asarray(inp.contacts))
    card = read.card
    c_pd = (np.asarray(card.model.predict_proba(pl.DataFrame(features))[:, 1], dtype=np.float64)
            if card is not None else np.full(len(idx), np.nan))
    todo = [i for i in range(len(inp)) if not inp.decided[i]]
    since_msg = [_days_since(today, inp.last_message[i]) for i in todo]
    since_call = [_days_since(today, inp.last_call[i]) for i in todo]
    facts = [CaseFacts(bucket=inp.bucket[i], dpd=int(dpd[i]),
                       owed=Decimal(int(owed[i])).scaleb(-2),
                       pd=None if np.isnan(c_pd[i]) else float(c_pd[i]),
                       contactable=bool(reach[i]), days_since_message=m, days_since_call=c,
                       on_hold=inp.on_hold[i], placed=inp.placed[i], referred=inp.referred[i])
             for i, m, c in zip(todo, since_msg, since_call, strict=True)]
    actions = decide_many(ruleset, facts)
    label = None if card is None else card.label
    rows = [{"case_id": inp.case_id[i], "line_id": inp.line_id[i],
             "customer_id": inp.customer_id[i], "business_date": part.day,
             "bucket": inp.bucket[i], "dpd": int(dpd[i]),
             "owed": Decimal(int(owed[i])).scaleb(-2),
             "balance": Decimal(int(balance[i])).scaleb(-2),
             "b_pd": None if np.isnan(b_pd[i]) else float(b_pd[i]),
             "months_on_book": int(mob[i]), "past_cures": inp.past_cures[i],
             "contactable": bool(reach[i]), "escalation": inp.escalation[i],
             "contacts": inp.contacts[i], "days_since_message": m, "days_since_call": c,
             "c_pd": None if np.isnan(c_pd[i]) else round(float(c_pd[i]), 6), "model": label,
             "band": a.band, "action": a.action, "reason": a.reason,
             "rules_version": ruleset.label, "outcome": "", "contact_id": None, "note": ""}
            for i, m, c, a in zip(todo, since_msg, since_call, actions, strict=True)]
    counts = Counter(f"action_{a.action}" for a in actions)
    return StageOutput(data=Decisions(rows, actions, [int(owed[i]) for i in todo], ruleset),
                       counts=dict(counts))


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    d: Decisions = result.data
    if not d.rows:
        return {}
    send_at = str(d.ruleset.parameters.get("send_at", "09:30"))
    done = Counter[str]()
    errors = 0
    for row, action in zip(d.rows, d.actions, strict=True):
        if action.action not in ACTS:
            row["outcome"] = "queued" if action.action == "call" else (
                "stopped" if action.action == "stop" else "waiting")
        else:
            case = uow.collection_cases.get(row["case_id"], lock=True)
            assert case is not None  # read in this transaction
            try:
                r = carry_out(uow, case, action, day=part.day, amount=row["owed"],
                              dpd=row["dpd"], send_at=send_at, actor=SYSTEM)
            except (CreditlineError, AttributeError, KeyError, TypeError, ValueError) as exc:
                # one case that cannot be acted on is reported on its row; the day goes on
                # (the services raise before they write)
                row.update(outcome="error", note=f"{type(exc).__name__}: {exc}"[:500])
                errors += 1
            else:
                row.update(outcome=r.outcome, contact_id=r.contact_id, note=r.note)
        done[f"{action.action}:{row['outcome']}"] += 1
    uow.collection_actions.add(d.rows)
    uow.audit(SYSTEM, "collections.strategy_decided", "business_date", part.day.isoformat(),
              {"cases": len(d.rows), "rules_version": d.ruleset.label,
               "model": d.rows[0]["model"], **dict(sorted(done.items()))})
    return {"strategy_errors": errors} if errors else {}


def collection_strategy_stage(folder: Path | str | None = None) -> Stage:
    """The stage deciding with the tables in ``folder`` (default: the shipped strategy)."""
    key = None if folder is None else str(folder)

    def read(uow: UnitOfWork, part: Partition) -> StrategyRead:
        ids = part.line_ids
        inputs = uow.collection_actions.inputs(ids[0], ids[-1], part.only, part.day)
        return StrategyRead(inputs, serving_c_card(uow) if len(inputs) else None)

    def compute(part: Partition, read: StrategyRead) -> StageOutput:
        return _compute(part, read, _ruleset(key))

    return Stage(COLLECTION_STRATEGY, compute=compute, read=read, write=_write,
                 rerunnable=True,
                 description="decide every open collection case's next action with the "
                             "collection_strategy tables (C-card band x bucket x amount x "
                             "contactability) and carry it out: messages through the "
                             "compliance gate, call tasks, agency placements, legal referrals")


def with_strategy(pipeline: Pipeline, folder: Path | str | None) -> Pipeline:
    """``pipeline`` with its collection strategy stage deciding with ``folder``'s tables."""
    return Pipeline([collection_strategy_stage(folder) if s.name == COLLECTION_STRATEGY else s
                     for s in pipeline.stages])
