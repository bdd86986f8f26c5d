"""Use cases of expected credit loss: measure the book (and post the provision), show a run,
the movement between two dates, stress tests and the cash-flow projection.

``provision_book`` is the one place a run is made: the end-of-day ``provisions`` stage
(``batch/provisions.py``) calls it inside the day's transaction; ``run_ecl`` (API, CLI) calls
it in its own.  Every run records the staging table's and the parameters' labels, the
migration matrix and the LGD it used, and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import NotFound, ValidationError
from creditline.ledger.ids import new_entry_id
from creditline.portfolio import allowance
from creditline.portfolio.cashflow import Projection
from creditline.portfolio.ecl import (
    DIMENSIONS,
    STATES,
    EclParameters,
    LgdEstimate,
    PdModel,
    bucket_state,
    estimate_lgd,
    load_parameters,
    measure,
    migration_counts,
    month_ends,
    pd_model,
    summarise,
)
from creditline.portfolio.ecl_ports import EclRunRecord
from creditline.portfolio.movement import Movement, movement
from creditline.portfolio.staging import allocate, staging_rules
from creditline.portfolio.stress import StressResult
from creditline.portfolio.stress import run as run_scenarios
from creditline.uow import UnitOfWork

DRAW_WINDOW_DAYS = 90


def cents_to_money(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


@dataclass(frozen=True)
class Measured:
    """The book measured on a date: staged lines, the PD model, LGD and per-line ECL."""

    as_of: date
    book: pl.DataFrame
    results: pl.DataFrame
    model: PdModel
    lgd: dict[str, LgdEstimate]
    params: EclParameters
    staging_label: str

    def model_json(self) -> dict[str, Any]:
        return {
            "states": list(STATES),
            "migration_matrix": [[round(float(v), 6) for v in row] for row in self.model.matrix],
            "transitions_observed": self.model.observations,
            "rows_from_prior": list(self.model.from_prior),
            "lgd": {p: {"lgd": round(e.lgd, 6), "write_offs": e.write_offs,
                        "written_off": str(cents_to_money(e.written_off)),
                        "recovered": str(cents_to_money(e.recovered)), "source": e.source}
                    for p, e in self.lgd.items()},
            "scenarios": [{"name": s.name, "weight": s.weight, "pd_multiplier": s.pd_multiplier,
                           "lgd_multiplier": s.lgd_multiplier} for s in self.params.scenarios],
        }


@dataclass(frozen=True)
class EclInputs:
    """What a measurement reads from the store, in bulk (see ``EclRepository``)."""

    as_of: date
    book: pl.DataFrame
    spells: pl.DataFrame
    population: pl.DataFrame
    write_offs: pl.DataFrame


def read_inputs(uow: UnitOfWork, as_of: date) -> EclInputs:
    """The bulk reads of one measurement (inside the caller's transaction)."""
    return EclInputs(as_of, uow.ecl.book(as_of), uow.ecl.spells(as_of), uow.ecl.population(),
                     uow.ecl.write_offs(as_of))


def consumer_card_only(book: pl.DataFrame) -> pl.DataFrame:
    """An enterprise line's B-card figures are dropped: the shipped B-card learned from
    consumer lines only, so its score says nothing about an SME (as the limit strategy holds,
    ``batch.limit_strategy.facts_of``).  Such a line is staged without a score drop and its PD
    follows the roll rates of its days-past-due state alone."""
    if "kind" not in book.columns:
        return book
    sme = pl.col("kind") == "enterprise"
    return book.with_columns(
        *(pl.when(sme).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("score_first", "score_last", "pd_bcard") if c in book.columns))


def measure_inputs(inputs: EclInputs, params: EclParameters | None = None) -> Measured:
    """Pure: stage every line, estimate the PD model and LGD, measure each line's ECL.
    Lines with no exposure (EAD 0: nothing drawn, nothing left to draw) are not kept."""
    params = params or load_parameters()
    rules = staging_rules()
    facts = consumer_card_only(inputs.book).with_columns(
        (pl.col("score_first") - pl.col("score_last")).round(0).fill_null(0).cast(pl.Int64)
        .alias("score_drop"))
    staged = allocate(facts, rules)
    spells = inputs.spells.with_columns(
        pl.col("bucket").map_elements(bucket_state, return_dtype=pl.Int64).alias("state"))
    population = inputs.population
    first = population["opened_on"].min() if population.height else None
    ends = month_ends(first, inputs.as_of) if isinstance(first, date) else []
    model = pd_model(migration_counts(population, spells, ends), params)
    lgd = estimate_lgd(inputs.write_offs, staged["product"].unique().to_list(), params)
    results = measure(staged, model, lgd, params).filter(pl.col("ead") > 0)
    return Measured(inputs.as_of, staged, results, model, lgd, params, rules.label)


def measure_book(uow: UnitOfWork, as_of: date) -> Measured:
    return measure_inputs(read_inputs(uow, as_of))


@dataclass(frozen=True)
class ProvisionOutcome:
    run: EclRunRecord
    measured: Measured
    moves: dict[tuple[str, int], int] = field(default_factory=dict)  # cents per cell


def provision_book(uow: UnitOfWork, as_of: date, actor: Principal, *, source: str,
                   post: bool = True) -> ProvisionOutcome:
    """Measure the book, store the run and its per-line results and (``post``) the
    provision entry that makes the loss allowance equal the ECL.  In the caller's
    transaction."""
    return record_run(uow, measure_book(uow, as_of), actor, source=source, post=post)


def record_run(uow: UnitOfWork, m: Measured, actor: Principal, *, source: str,
               post: bool = True) -> ProvisionOutcome:
    """Store a measured run and its results, and (``post``) the provision entry."""
    as_of = m.as_of
    run_id = new_entry_id()
    moves: dict[tuple[str, int], int] = {}
    entry_id = None
    if post:
        moves = allowance.deltas(allowance.target_cells(m.results), uow.ecl.allowance_cells())
        entry = allowance.provision_entry(moves, new_entry_id(), as_of, run_id)
        if entry is not None:
            uow.ledger.post([entry])
            entry_id = entry.id
    ecl_total = int(m.results["ecl"].sum()) if m.results.height else 0
    ead_total = int(m.results["ead"].sum()) if m.results.height else 0
    run = EclRunRecord(id=run_id, as_of=as_of, created_at=uow.now(), actor=actor.name,
                       source=source, staging_rules=m.staging_label,
                       parameters=m.params.label, lines=m.results.height,
                       ead=cents_to_money(ead_total), ecl=cents_to_money(ecl_total),
                       model=m.model_json(), journal_entry=entry_id)
    uow.ecl.save_run(run, m.results)
    uow.audit(actor, "ecl.measured", "ecl_run", run_id, {
        "as_of": as_of.isoformat(), "source": source, "lines": run.lines,
        "ecl": str(run.ecl), "ead": str(run.ead), "staging_rules": run.staging_rules,
        "parameters": run.parameters, "journal_entry": entry_id,
        "provision": {allowance.cell_memo(p, s): str(cents_to_money(v))
                      for (p, s), v in moves.items()}})
    return ProvisionOutcome(run, m, moves)


# ----- commands and queries

@dataclass(frozen=True)
class RunEcl:
    post: bool = True  # post the provision entry (the allowance then equals this ECL)


def run_ecl(cmd: RunEcl, uow: UnitOfWork, actor: Principal) -> EclView:
    """Measure the book on its business date now (and post the provision)."""
    actor.require("ecl:run")
    with uow:
        as_of = current_business_date(uow)
        out = provision_book(uow, as_of, actor, source="manual", post=cmd.post)
        uow.commit()
    return EclView(out.run, _summaries(out.measured.results))


@dataclass(frozen=True)
class ShowEcl:
    run_id: str | None = None
    as_of: date | None = None  # the latest run measured on or before this date


@dataclass(frozen=True)
class EclView:
    run: EclRunRecord
    summaries: dict[str, list[dict[str, Any]]]  # dimension -> rows (cents)


def _summaries(results: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    if results.is_empty():
        return {d: [] for d in DIMENSIONS}
    return {d: summarise(results, d).to_dicts() for d in DIMENSIONS}


def _find(uow: UnitOfWork, run_id: str | None, as_of: date | None, what: str) -> EclRunRecord:
    run = uow.ecl.run(run_id) if run_id else uow.ecl.latest_run(as_of)
    if run is None:
        where = f"run {run_id}" if run_id else (
            f"a run on or before {as_of.isoformat()}" if as_of else "a run")
        raise NotFound(f"{what}: no ECL {where} (run end of day through a month end, or "
                       "'creditline ecl run')")
    return run


def show_ecl(q: ShowEcl, uow: UnitOfWork, actor: Principal) -> EclView:
    actor.require("ecl:read")
    with uow:
        run = _find(uow, q.run_id, q.as_of, "ecl")
        return EclView(run, _summaries(uow.ecl.results(run.id)))


def list_runs(uow: UnitOfWork, actor: Principal, limit: int = 50) -> list[EclRunRecord]:
    actor.require("ecl:read")
    with uow:
        return uow.ecl.runs(limit)


@dataclass(frozen=True)
class MovementQuery:
    start: date
    end: date


@dataclass(frozen=True)
class MovementView:
    opening: EclRunRecord
    closing: EclRunRecord
    movement: Movement


def ecl_movement(q: MovementQuery, uow: UnitOfWork, actor: Principal) -> MovementView:
    """The allowance movement from the run in force at ``start`` to the one at ``end``."""
    actor.require("ecl:read")
    if q.end < q.start:
        raise ValidationError("to", "must not be before 'from'")
    with uow:
        a = _find(uow, None, q.start, "from")
        b = _find(uow, None, q.end, "to")
        mv = movement(uow.ecl.results(a.id), uow.ecl.results(b.id),
                      uow.ecl.written_off_between(a.as_of, b.as_of))
    return MovementView(a, b, mv)


@dataclass(frozen=True)
class RunStress:
    scenarios: tuple[str, ...] = ()  # empty: every shipped scenario


@dataclass(frozen=True)
class StressView:
    as_of: date
    parameters: str
    results: list[StressResult]


def _stress(uow: UnitOfWork, names: list[str] | None) -> StressView:
    with uow:
        as_of = current_business_date(uow)
        m = measure_book(uow, as_of)
        results = stress_measured(uow, m, names)
    return StressView(as_of, m.params.label, results)


def stress_measured(uow: UnitOfWork, m: Measured, names: list[str] | None
                    ) -> list[StressResult]:
    """The scenarios on a measured book, with its schedule and recent draws (inside the
    caller's transaction): what ``run_stress`` and the risk report both run."""
    schedule = uow.ecl.schedule(m.as_of, 12)
    draws = uow.ecl.recent_draws(m.as_of, DRAW_WINDOW_DAYS) * 30 // DRAW_WINDOW_DAYS
    book = m.book.join(m.results.select("line_id"), on="line_id", how="semi",
                       maintain_order="left")
    return run_scenarios(book, m.model, m.lgd, m.params, schedule, draws, names)


def run_stress(cmd: RunStress, uow: UnitOfWork, actor: Principal) -> StressView:
    """Rerun ECL, the 12-month expected loss and the cash flow under each scenario, base
    first (a read: nothing is stored or posted)."""
    actor.require("stress:run")
    names = list(cmd.scenarios)
    if names and "base" not in names:
        names = ["base", *names]
    return _stress(uow, names or None)


def cash_flow(uow: UnitOfWork, actor: Principal) -> tuple[date, Projection]:
    """The 12-month projection of the book as measured (the ``base`` scenario)."""
    actor.require("ecl:read")
    view = _stress(uow, ["base"])
    return view.as_of, view.results[0].cashflow

