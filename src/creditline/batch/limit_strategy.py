"""The limit-strategy stage of end of day: the ``line_strategy`` decision tables applied to
every visited line, after the behaviour stage scored it.

``read`` takes the strategy's facts in bulk (``uow.behaviour.strategy_rows``: status,
limit, use, declared income, opt-out, the strategy's own freeze flag, the last increase and
decrease, statements since the last increase, the product range) and the shipped tables
(verified against their example cases when first loaded: a failing table never runs).
``compute`` is pure: it builds each line's facts from those rows and the behaviour stage's
columns (``b_pd``, utilisation, clean cycles, max days past due), evaluates the tables on
each class of facts (``rulesets.fact_classes``: lines whose facts pass exactly the same table
cells share one evaluation on the prepared decision, one native call a class instead of a
line; tables it does not fully understand are evaluated line by line), and turns each answer
into a ``Move`` (``lines.strategy.limit_move``).  A line whose facts or answer break a
rule -- the tables fail on it, an unknown action, a status move the line's state machine
refuses -- is set aside with its error; the other lines are decided (``(moves, errors)``).

``write`` applies the moves in the partition's transaction: new limits and statuses in bulk,
one ``strategy`` limit event per limit move (actor ``system``, the rules label, the reason
codes), an audit entry and a customer notification (``line.limit_changed`` /
``line.status_changed``, texts in Chinese and English) per move, a ``strategy_decisions``
row per decision other than "no change", a ``strategy_snapshots`` row per line decided on
its statement day or moved (its facts as an example case and the move: what ``creditline
rules replay --family line_strategy`` re-decides), and an audit entry ``line.strategy_failed`` per
line that errored.  Running it again for a day changes nothing: a line with a decision for
the day is not decided again (``rerunnable``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.errors import CreditlineError
from creditline.lines.behaviour_ports import DecisionRow, StrategyRow, StrategySnapshot
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource
from creditline.lines.status import TRANSITIONS, LineStatus
from creditline.lines.strategy import (
    NEVER,
    STRATEGY,
    LimitTerms,
    Move,
    capacity_of,
    limit_move,
    move_text,
    outcome_of,
)
from creditline.money import money_str
from creditline.rulesets.fact_classes import Key, fact_classes
from creditline.rulesets.tables import Ruleset
from creditline.servicing.calendar import day_number
from creditline.uow import UnitOfWork

LIMIT_STRATEGY = "limit_strategy"
_STATUS_AFTER = {"freeze": LineStatus.FROZEN, "suspend": LineStatus.SUSPENDED,
                 "unfreeze": LineStatus.ACTIVE}
_FEATURES = ("b_pd", "utilisation", "clean_cycles", "max_dpd_6m", "dpd")


@dataclass(frozen=True)
class StrategyRead:
    rows: list[StrategyRow]
    ruleset: Ruleset
    features: dict[str, np.ndarray]  # aligned with ``rows``
    cut: np.ndarray  # aligned with ``rows``: a statement was cut today (its facts are kept)


@dataclass
class StrategyOutput:
    moves: list[tuple[StrategyRow, Move]] = field(default_factory=list)  # not "none"
    errors: list[tuple[str, str]] = field(default_factory=list)  # (line id, what broke)
    decided: int = 0
    # case-shaped facts and the move of every line decided on its statement day or moved
    # (what a replay re-decides)
    kept: list[tuple[str, dict[str, Any], Move]] = field(default_factory=list)


def _read(uow: UnitOfWork, part: Partition) -> StrategyRead:
    rows = [r for r in uow.behaviour.strategy_rows(part.line_ids, part.day)
            if r.status != LineStatus.CLOSED.value and not r.decided_today]
    ids = [r.line_id for r in rows]
    if all(k in part.columns for k in _FEATURES):
        at = {lid: i for i, lid in enumerate(part.line_ids)}
        pick = np.array([at[i] for i in ids], dtype=np.int64)
        features = {k: np.asarray(part.columns[k])[pick] for k in _FEATURES}
        cut = np.asarray(part.columns.get("last_stmt", np.full(len(part.line_ids), -1))
                         )[pick] == day_number(part.day)
    else:  # running alone: the behaviour stage's rows of the day, as stored
        stored = uow.behaviour.scores_on(part.day, ids)
        at = {lid: i for i, lid in enumerate(stored.get("line_id", []))}
        features = {}
        for k, src in zip(_FEATURES, ("pd", "utilisation", "clean_cycles", "max_dpd_6m", "dpd"),
                          strict=True):
            col = stored.get(src, [])
            features[k] = np.array([np.nan if lid not in at or col[at[lid]] is None
                                    else float(col[at[lid]]) for lid in ids], dtype=np.float64)
        cut = np.zeros(len(ids), dtype=bool)  # no kernel columns: no statement was cut
    return StrategyRead(rows, STRATEGY.default(), features, cut)


def _days(day: date, then: date | None, default: int) -> int:
    return default if then is None else (day - then).days


def facts_of(row: StrategyRow, f: Mapping[str, float], day: date) -> dict[str, Any]:
    """One line's context for the tables.  An enterprise line gets no B-score band (``pd``
    None: band ``U``): the shipped B-card learned from consumer lines only, so its score
    says nothing about an SME; an enterprise's limit moves by its periodic review
    (``lines.reviews``) and by the days-past-due rows, never by that score."""
    p_bad = math.nan if row.customer_kind == "enterprise" else f["b_pd"]

    def whole(v: float) -> int:
        return 0 if math.isnan(v) else int(v)

    return {
        "status": row.status, "frozen_by_strategy": row.frozen_by_strategy,
        "dpd": whole(f["dpd"]), "pd": None if math.isnan(p_bad) else float(p_bad),
        "utilisation": 0.0 if math.isnan(f["utilisation"]) else float(f["utilisation"]),
        "clean_cycles": whole(f["clean_cycles"]), "max_dpd_6m": whole(f["max_dpd_6m"]),
        "cycles_since_increase": row.cycles_since_increase,
        "days_since_increase": _days(day, row.last_increase or row.opened_on, NEVER),
        "days_since_decrease": _days(day, row.last_decrease, NEVER),
        "opted_out": row.opted_out, "customer_kind": row.customer_kind,
        "product": row.product,
    }


def case_facts(row: StrategyRow, context: Mapping[str, Any]) -> dict[str, Any]:
    """The tables' context plus the money the move needs, in the shape of an example case
    (``lines.strategy.decide``): what a month-end snapshot keeps for replays."""
    return {**context, "limit": money_str(row.limit), "used": money_str(row.used),
            "monthly_income": None if row.monthly_income is None
            else money_str(row.monthly_income),
            "product_min": money_str(row.product_min),
            "product_max": money_str(row.product_max)}


def _one(ruleset: Ruleset, context: dict[str, Any]) -> dict[str, Any] | CreditlineError:
    try:
        return ruleset.evaluate(context)
    except CreditlineError as exc:
        return exc


def _answers(ruleset: Ruleset, contexts: list[dict[str, Any]], memoise: bool = True
             ) -> list[dict[str, Any] | CreditlineError]:
    """Each line's answer, or the error the tables raised on it (that line only).

    The tables run on the ruleset's prepared decision (one native call, measured ~6x
    cheaper per context than ``evaluate_many``, whose batch call loads the graph again for
    every context), once per *class* of facts (``rulesets.fact_classes``): lines whose facts
    pass exactly the same cells get the same table outputs, so the first line of a class is
    evaluated and every line of the class gets its own context plus those outputs (``band``
    and ``strategy``, what ``outcome_of`` reads; a fresh copy each).  A class whose
    evaluation fails gives that error to each of its lines.  Tables the analysis does not
    fully understand, a line whose facts cannot be classed, or ``memoise=False``: one
    evaluation per line, the answer as the tables gave it."""
    classes = fact_classes(ruleset.graph) if memoise else None
    if classes is None:
        return [_one(ruleset, c) for c in contexts]
    seen: dict[Key, dict[str, Any] | CreditlineError] = {}
    out: list[dict[str, Any] | CreditlineError] = []
    for c in contexts:
        key = classes.key(c)
        if key is None:
            out.append(_one(ruleset, c))
            continue
        answer = seen.get(key)
        if answer is None:
            answer = seen[key] = _one(ruleset, c)
        out.append(answer if isinstance(answer, CreditlineError)
                   else {**c, **classes.outputs(answer)})
    return out


def decide_rows(rows: list[StrategyRow], features: Mapping[str, np.ndarray], day: date,
                ruleset: Ruleset, keep: np.ndarray | None = None, *,
                memoise: bool = True) -> StrategyOutput:
    """Pure: every line's move, and the lines that errored (with what broke); the
    case-shaped facts (``case_facts``) of every decided line that ``keep`` marks (its
    statement was cut today) or that moved.  ``memoise=False`` evaluates the tables once
    per line (the reference the memoised answers are tested and benched against)."""
    out = StrategyOutput()
    contexts = [facts_of(r, {k: float(v[i]) for k, v in features.items()}, day)
                for i, r in enumerate(rows)]
    step = ruleset.parameters.get("limit_step", "100.00")
    for i, (row, context, answer) in enumerate(zip(rows, contexts, _answers(ruleset, contexts, memoise),
                                                    strict=True)):
        try:
            if isinstance(answer, CreditlineError):
                raise answer
            outcome = outcome_of(answer)
            move = limit_move(outcome, LimitTerms(
                limit=row.limit, used=row.used,
                capacity=capacity_of(row.monthly_income, row.customer_kind,
                                     ruleset.parameters),
                product_min=row.product_min, product_max=row.product_max,
                step=Decimal(str(step))))
            target = _STATUS_AFTER.get(move.action)
            if target is not None and target not in TRANSITIONS[LineStatus(row.status)]:
                raise CreditlineError(f"{move.action} refused: a {row.status} line cannot "
                                      f"become {target.value}")
        except (CreditlineError, ArithmeticError, KeyError, TypeError, ValueError) as exc:
            out.errors.append((row.line_id, str(exc) or type(exc).__name__))
            continue
        out.decided += 1
        if move.action != "none" or (keep is not None and keep[i]):
            out.kept.append((row.line_id, case_facts(row, context), move))
        if move.action != "none":
            out.moves.append((row, move))
    return out


def _compute(part: Partition, read: StrategyRead) -> StageOutput:
    out = decide_rows(read.rows, read.features, part.day, read.ruleset, keep=read.cut)
    counts: dict[str, int] = {"decided": out.decided, "errors": len(out.errors)}
    for _, m in out.moves:
        counts[m.action] = counts.get(m.action, 0) + 1
    return StageOutput(data=(out, read.ruleset.label), counts=counts)


# what the customer reads (outbox), in both languages
_TEXT = {
    "increase": ("Good news: your credit limit is now {new} (was {old}).",
                 "好消息：您的信用额度已调整为 {new}（原为 {old}）。"),
    "decrease": ("Your credit limit is now {new} (was {old}) after a review of your account.",
                 "经账户复核，您的信用额度已调整为 {new}（原为 {old}）。"),
    "freeze": ("New purchases on your credit line are paused until the overdue amount is paid.",
               "在逾期款项还清之前，您的信用额度暂停新的消费。"),
    "suspend": ("Your credit line is suspended because of a long overdue amount.",
                "由于长期逾期，您的信用额度已被暂停使用。"),
    "unfreeze": ("Your credit line is open for purchases again.",
                 "您的信用额度已恢复，可以继续消费。"),
}


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    out, label = result.data
    day = part.day
    at = uow.now()
    decisions: list[DecisionRow] = []
    status: dict[str, list[str]] = {"freeze": [], "unfreeze": [], "suspend": []}
    for row, m in out.moves:
        decisions.append(DecisionRow(row.line_id, day, m.action, m.old_limit, m.new_limit,
                                     m.reasons, label, m.band, None))
        en, zh = _TEXT[m.action]
        words = {"new": money_str(m.new_limit), "old": money_str(m.old_limit)}
        message = {"en": en.format(**words), "zh": zh.format(**words)}
        base = {"line_id": row.line_id, "source": LimitSource.STRATEGY.value,
                "reason_codes": list(m.reasons), "rules_version": label,
                "business_date": day.isoformat()}
        if m.action in status:
            status[m.action].append(row.line_id)
            details = {"from": row.status, "to": _STATUS_AFTER[m.action].value,
                       "reason": move_text(m), **base}
            uow.audit(SYSTEM, "line.status_changed", "credit_line", row.line_id, details)
            uow.emit("line.status_changed", {**details, "message": message})
            continue
        uow.limit_events.add(LimitEvent(
            line_id=row.line_id, at=at, business_date=day, old_limit=m.old_limit,
            new_limit=m.new_limit, kind=LimitKind.PERMANENT, source=LimitSource.STRATEGY,
            actor=SYSTEM.name, reason_codes=m.reasons, rules_version=label, note=move_text(m)))
        details = {"from": m.old_limit, "to": m.new_limit, "reason": move_text(m), **base}
        uow.audit(SYSTEM, "line.limit_changed", "credit_line", row.line_id, details)
        uow.emit("line.limit_changed", {**details, "message": message})
    for line_id, error in out.errors:
        uow.audit(SYSTEM, "line.strategy_failed", "credit_line", line_id,
                  {"error": error, "rules_version": label, "business_date": day.isoformat()})
    if out.kept:
        uow.behaviour.save_snapshots([
            StrategySnapshot(line_id, day, facts, m.action, m.new_limit, label)
            for line_id, facts, m in out.kept])
    if decisions:
        uow.behaviour.apply(day, decisions, status["freeze"], status["unfreeze"],
                            status["suspend"])
    return {}


LIMIT_STRATEGY_STAGE = Stage(
    LIMIT_STRATEGY, compute=_compute, read=_read, write=_write, rerunnable=True,
    description="the line_strategy decision tables on every visited line: increase / "
                "decrease / freeze / suspend / unfreeze, with limit events and notices")
