"""The write-off stage of end of day (losses, issue 16): charge off the lines the write-off
rules say have been delinquent long enough.

Registered right after collections ageing, so a line ages into its last bucket and is
written off on the same day's run.  ``read`` takes the product kind of the partition's
lines at least as late as the smallest threshold the rules name (``rules.screen_dpd``; one
query, and none on most days; a delinquent line is visited every day, so no line reaches the
threshold on a day the stage does not see it); ``compute`` asks the rule family for all of
them in one native call; ``write`` carries each write-off out through the same function a
risk officer's approval uses (``losses.services.execute_write_off``) -- few lines a day,
each with its own installments -- with the allowance read once per partition.

Later stages of the same day still see the kernel's columns: the stage publishes the
written-off lines' ``min_remaining`` as zero, so no due-date reminder goes out for a line
that was just charged off.  Running a day again writes nothing twice: a written-off line is
closed, and end of day no longer visits it (``rerunnable``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.losses import charge_off as co
from creditline.losses import rules as wr
from creditline.losses.records import Decision, Source, WriteOff
from creditline.losses.services import execute_write_off
from creditline.uow import UnitOfWork

WRITE_OFF = "write_off"


@dataclass
class WriteOffPlan:
    line_ids: list[str] = field(default_factory=list)
    dpd: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    thresholds: list[int] = field(default_factory=list)
    rules_version: str = ""


def _read(uow: UnitOfWork, part: Partition) -> dict[str, str]:
    dpd = np.asarray(part.columns["dpd"], dtype=np.int64)
    late = np.flatnonzero(dpd >= wr.screen_dpd())
    return uow.losses.line_kinds([part.line_ids[i] for i in late]) if len(late) else {}


def _compute(part: Partition, kinds: dict[str, str]) -> StageOutput:
    plan = WriteOffPlan()
    if not kinds:
        return StageOutput(data=plan, counts={"written_off": 0})
    pos = {line_id: i for i, line_id in enumerate(part.line_ids)}
    dpd = np.asarray(part.columns["dpd"], dtype=np.int64)
    ids = sorted(kinds)
    rules = wr.write_off_rules()
    verdicts = wr.verdicts([kinds[i] for i in ids], [int(dpd[pos[i]]) for i in ids], rules)
    plan.rules_version = rules.label
    for line_id, v in zip(ids, verdicts, strict=True):
        if v.write_off:
            plan.line_ids.append(line_id)
            plan.dpd.append(int(dpd[pos[line_id]]))
            plan.codes.append(v.code or "")
            plan.thresholds.append(v.threshold_dpd)
    columns = {}
    if plan.line_ids:
        remaining = np.asarray(part.columns["min_remaining"], dtype=np.int64).copy()
        remaining[[pos[i] for i in plan.line_ids]] = 0
        columns["min_remaining"] = remaining
    return StageOutput(columns=columns, data=plan, counts={"written_off": len(plan.line_ids)})


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    plan: WriteOffPlan = result.data
    if not plan.line_ids:
        return {}
    allowance = co.allowance_available(uow.losses.allowance_balance())
    for line_id, dpd, code, threshold in zip(plan.line_ids, plan.dpd, plan.codes,
                                             plan.thresholds, strict=True):
        line = uow.lines.get(line_id, lock=True)
        if (line is None or uow.losses.account(line_id) is not None
                or line.total_owed - line.credit_balance <= 0):
            continue
        # a deterministic id (the demo seeds uuid4 for the services' records)
        wo = WriteOff(id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"write-off:{line_id}")),
                      line_id=line_id, customer_id=line.customer_id,
                      status=Decision.PENDING, source=Source.END_OF_DAY,
                      reason=f"{code}: {dpd} days past due", dpd=dpd, threshold_dpd=threshold,
                      rules_version=plan.rules_version, proposed_by=SYSTEM.name,
                      proposed_at=uow.now(), decided_by=SYSTEM.name, decided_at=uow.now(),
                      note="by the write-off rules at end of day")
        done = execute_write_off(uow, SYSTEM, line, wo, part.day, allowance)
        allowance -= done.from_allowance
        uow.losses.add_write_off(done)
    return {}


WRITE_OFF_STAGE = Stage(
    WRITE_OFF, compute=_compute, read=_read, write=_write, rerunnable=True,
    description="charge off the lines the write-off rules name (days past due by line kind): "
                "balances against the loss allowance, the rest to impairment expense; the "
                "line closed, its collection case written_off, the customer told")
