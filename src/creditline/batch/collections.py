"""The collections stage of end of day: ageing, cases and promises to pay.

Registered after the servicing kernel, whose columns (``dpd``, ``past_due`` and the
balances of the lines the day visited) it reads without touching the database again.  Per
partition it makes one bulk read of the active cases and one of the open promises (with the
repayments made since each), runs the pure functions (``collections.ageing.age`` and
``settle_promises``), and writes in bulk: cases opened, moved between buckets or resolved,
with their bucket spells (entered / left, dates and amounts); promises kept or broken (a
broken one escalates its case); open promises of a resolved case cancelled.

**Skipping.**  A delinquent line (anything past due) is visited every day (the kernel's
``next_visit``: days past due change daily), and a line that stops being delinquent is
visited on that day (a repayment saves the line, which clears its next visit; a credit
balance applied by the kernel happens on a visit).  So every change of bucket happens on a
day the stage sees the line, without ``every_line``.  A promise falling due on a line no
longer delinquent is settled when its case resolves (kept if paid, else cancelled).

Running it again for a day changes nothing: the cases already carry the day's buckets and
the promises are settled, so the stage is ``rerunnable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.collections.ageing import age, settle_promises
from creditline.collections.ports import AgeingRows
from creditline.collections.rules import default_rules
from creditline.money import ZERO, money_str
from creditline.servicing import kernel as k
from creditline.servicing.calendar import day_number
from creditline.uow import UnitOfWork

COLLECTIONS = "collections"
PROMISE_KEPT = "collections.promise_kept"
PROMISE_BROKEN = "collections.promise_broken"


@dataclass
class AgeingPlan:
    opened: AgeingRows
    moved: AgeingRows
    resolved: AgeingRows
    kept: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    paid: dict[str, int] = field(default_factory=dict)
    escalate: list[str] = field(default_factory=list)


def _read(uow: UnitOfWork, part: Partition) -> dict[str, AgeingRows]:
    ids = part.line_ids
    repo = uow.collection_cases
    cases = repo.ageing_inputs(ids[0], ids[-1], part.only)
    # an open promise belongs to an active case (resolving one cancels its promises), so a
    # partition without active cases has none to settle: one read saved on most partitions
    promises = (repo.promise_inputs(ids[0], ids[-1], part.only, part.day) if cases["case_id"]
                else {k: [] for k in ("promise_id", "case_id", "line_id", "amount", "paid", "due")})
    return {"cases": cases, "promises": promises}


def _compute(part: Partition, inputs: dict[str, AgeingRows]) -> StageOutput:
    rules = default_rules()
    cols = part.columns
    n = len(part.line_ids)
    ids = np.asarray(part.line_ids, dtype=object)
    dpd = np.asarray(cols["dpd"], dtype=np.int64)
    past_due = np.asarray(cols["past_due"], dtype=np.int64)
    balance = sum((np.asarray(cols[b], dtype=np.int64) for b in k.BALANCES),
                  np.zeros(n, dtype=np.int64)) - np.asarray(cols["credit"], dtype=np.int64)
    pos = {line_id: i for i, line_id in enumerate(part.line_ids)}
    case_bucket = np.zeros(n, dtype=np.int64)
    case_of: list[str | None] = [None] * n
    cases = inputs["cases"]
    for line_id, case_id, bucket in zip(cases["line_id"], cases["case_id"], cases["bucket"]):
        i = pos.get(line_id)
        if i is not None:
            case_bucket[i] = bucket
            case_of[i] = case_id
    ch = age(dpd, past_due, case_bucket, rules.buckets, int(rules.tolerance * 100))
    profile = rules.profile(rules.default_profile)
    o, m, r = ch.opened, ch.moved, ch.resolved
    plan = AgeingPlan(
        opened={"line_id": ids[o].tolist(), "bucket": ch.bucket[o].tolist(),
                "past_due": past_due[o].tolist(), "balance": balance[o].tolist(),
                "rules_version": [rules.label] * len(o), "profile": [profile.id] * len(o),
                "zone": [profile.zone] * len(o)},
        moved={"case_id": [case_of[i] for i in m], "line_id": ids[m].tolist(),
               "bucket": ch.bucket[m].tolist(), "past_due": past_due[m].tolist(),
               "balance": balance[m].tolist()},
        resolved={"case_id": [case_of[i] for i in r], "past_due": past_due[r].tolist(),
                  "balance": balance[r].tolist()})
    pr = inputs["promises"]
    if pr["promise_id"]:
        out = settle_promises(np.asarray(pr["amount"]), np.asarray(pr["paid"]),
                              np.asarray(pr["due"]), day_number(part.day))
        plan.kept = [pr["promise_id"][i] for i in out.kept]
        plan.broken = [pr["promise_id"][i] for i in out.broken]
        plan.paid = {pr["promise_id"][i]: int(pr["paid"][i]) for i in out.kept + out.broken}
        resolving = set(plan.resolved["case_id"])
        plan.escalate = sorted({pr["case_id"][i] for i in out.broken} - resolving)
    counts = dict(ch.counts, promises_kept=len(plan.kept), promises_broken=len(plan.broken))
    return StageOutput(columns={"bucket": ch.bucket}, data=plan, counts=counts)


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    plan: AgeingPlan = result.data
    cases = uow.collection_cases
    day = part.day
    if plan.kept or plan.broken:
        for p in cases.settle_promises(day, plan.kept, plan.broken, plan.paid):
            event = {"case_id": p.case_id, "line_id": p.line_id,
                     "promise_id": p.id, "amount": money_str(p.amount),
                     "due_on": p.due_on.isoformat(),
                     "paid": money_str(p.paid if p.paid is not None else ZERO),
                     "business_date": day.isoformat()}
            if p.status.value == "kept":  # each topic named at its emit (notify's topic check)
                uow.emit(PROMISE_KEPT, event)
            else:
                uow.emit(PROMISE_BROKEN, event)
        cases.escalate(plan.escalate, day)
    changed = plan.opened["line_id"] or plan.moved["case_id"] or plan.resolved["case_id"]
    if changed:
        cases.apply_ageing(day, opened=plan.opened, moved=plan.moved, resolved=plan.resolved,
                           bucket_names=default_rules().bucket_names)
        if plan.resolved["case_id"]:
            cases.cancel_open_promises(plan.resolved["case_id"], day)
    if changed or plan.kept or plan.broken:
        counts: dict[str, Any] = {key: v for key, v in result.counts.items() if v}
        uow.audit(SYSTEM, "collections.aged", "business_date", day.isoformat(),
                  {**counts, "rules_version": default_rules().label})
    return {}


COLLECTIONS_STAGE = Stage(
    COLLECTIONS, compute=_compute, read=_read, write=_write, rerunnable=True,
    description="age delinquent lines into buckets (small balances excepted), open, move and "
                "resolve collection cases with their bucket history, settle promises to pay "
                "(a broken one escalates)")
