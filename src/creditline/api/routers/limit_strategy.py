"""The limit strategy (issue 13): a line's opt-out of automatic increases, and the
strategy's decisions (end of day's ``limit_strategy`` stage).  The limit changes themselves
are in the line's limit history (``GET /v1/credit-lines/{id}/limit-history``, source
``strategy``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Day, iso_utc
from creditline.auth import Principal
from creditline.lines import strategy_services as svc
from creditline.lines.behaviour_ports import DecisionRow, StrategySettings
from creditline.money import money_str

router = APIRouter(tags=["limit strategy"])


class AutoIncreaseChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opted_out: StrictBool = Field(description="true: no automatic increases by the limit "
                                              "strategy; false: allow them again")


class AutoIncreasePublic(BaseModel):
    line_id: str
    opted_out: bool
    changed_at: str | None
    changed_by: str | None

    @classmethod
    def of(cls, s: StrategySettings) -> AutoIncreasePublic:
        return cls(line_id=s.line_id, opted_out=s.auto_increase_opt_out,
                   changed_at=iso_utc(s.changed_at) if s.changed_at else None,
                   changed_by=s.changed_by)


class DecisionPublic(BaseModel):
    line_id: str
    business_date: str
    action: str = Field(description="increase, decrease, freeze, suspend or unfreeze")
    old_limit: str
    new_limit: str
    reason_codes: list[str]
    rules_version: str
    band: str | None

    @classmethod
    def of(cls, d: DecisionRow) -> DecisionPublic:
        return cls(line_id=d.line_id, business_date=d.business_date.isoformat(),
                   action=d.action, old_limit=money_str(d.old_limit),
                   new_limit=money_str(d.new_limit), reason_codes=list(d.reason_codes),
                   rules_version=d.rules_version, band=d.band)


class DecisionList(BaseModel):
    items: list[DecisionPublic]


@router.get("/v1/credit-lines/{line_id}/auto-increase", response_model=AutoIncreasePublic,
            summary="Read a line's opt-out of automatic limit increases")
def get_auto_increase(line_id: str, container: ContainerDep,
                      actor: Annotated[Principal, Allowed("lines:read")]) -> AutoIncreasePublic:
    """Whether the customer opted out of automatic increases by the limit strategy, since
    when and through whom."""
    return AutoIncreasePublic.of(svc.strategy_settings(line_id, container.uow(), actor))


@router.put("/v1/credit-lines/{line_id}/auto-increase", response_model=AutoIncreasePublic,
            summary="Opt a line out of (or back into) automatic limit increases")
def set_auto_increase(line_id: str, body: AutoIncreaseChange, container: ContainerDep,
                      actor: Annotated[Principal, Allowed("lines:auto_increase")],
                      ) -> AutoIncreasePublic:
    """The customer's choice, through the app (or an officer on their behalf): the limit
    strategy then never raises the line's limit by itself.  Cuts and freezes still apply."""
    cmd = svc.SetAutoIncrease(line_id, body.opted_out)
    return AutoIncreasePublic.of(svc.set_auto_increase(cmd, container.uow(), actor))


@router.get("/v1/limit-strategy/decisions", response_model=DecisionList,
            summary="List the limit strategy's decisions")
def decisions(container: ContainerDep,
              actor: Annotated[Principal, Allowed("lines:strategy_read")],
              start: Annotated[Day | None, Query(description="first day (default: 29 days "
                                                             "before end)")] = None,
              end: Annotated[Day | None, Query(description="last day (default: the book's "
                                                           "business date)")] = None,
              line_id: Annotated[str | None, Query(max_length=36)] = None) -> DecisionList:
    """What end of day's strategy decided (not the "no change" days), oldest first; at most
    366 days at a time."""
    rows = svc.list_decisions(svc.ListDecisions(start, end, line_id), container.uow(), actor)
    return DecisionList(items=[DecisionPublic.of(d) for d in rows])


class StrategyChangePublic(BaseModel):
    line_id: str
    business_date: str
    before: str
    after: str
    limit_before: str
    limit_after: str


class StrategyReplayPublic(BaseModel):
    rules_before: dict[str, int] = Field(description="the tables that decided at the time, "
                                                     "with how many kept decisions each")
    rules_after: str
    total: int
    changed: int = Field(description="kept decisions with another action")
    limit_changed: int = Field(description="the same action with another limit")
    limit_delta: str = Field(description="sum of the limit changes: the exposure the "
                                            "tables would add (negative: take away)")
    transitions: list[dict[str, str | int]]
    changes: list[StrategyChangePublic]
    errors: list[dict[str, str]]


@router.get("/v1/limit-strategy/replay", response_model=StrategyReplayPublic,
            summary="Replay the shipped strategy tables over past statement days")
def replay(container: ContainerDep,
           actor: Annotated[Principal, Allowed("lines:strategy_read")],
           start: Annotated[Day, Query(description="first day to replay")],
           end: Annotated[Day, Query(description="last day to replay")],
           show: Annotated[int, Query(ge=0, le=1000)] = 100) -> StrategyReplayPublic:
    """Re-decide the facts each line had on its statement days (and the days it moved)
    from ``start`` to ``end`` with
    the tables in this release and count what would change.  Read-only.  (To try a changed
    folder of tables: ``creditline rules replay --family line_strategy --rules DIR``.)"""
    r = svc.replay_strategy(svc.ReplayStrategy(start, end), container.uow(), actor)
    return StrategyReplayPublic(
        rules_before=dict(r.rules_before), rules_after=r.rules_after, total=r.total,
        changed=r.changed, limit_changed=r.limit_changed, limit_delta=money_str(r.limit_delta),
        transitions=[{"before": a, "after": b, "count": n}
                     for (a, b), n in sorted(r.transitions.items())],
        changes=[StrategyChangePublic(line_id=c.line_id,
                                      business_date=c.business_date.isoformat(),
                                      before=c.before, after=c.after,
                                      limit_before=money_str(c.limit_before),
                                      limit_after=money_str(c.limit_after))
                 for c in r.changes[:show]],
        errors=[{"line_id": lid, "business_date": d.isoformat(), "error": e}
                for lid, d, e in r.errors[:show]])
