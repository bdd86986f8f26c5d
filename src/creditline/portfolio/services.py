"""Use cases of the portfolio context: read the book as of a date in bulk and answer its
vintages, roll rates, transition matrix and concentration as JSON-able tables; run the early
warning (alerts kept, audited); list alerts.  Every answer names the date it is as of and
the versions of the data that shaped it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import ValidationError
from creditline.lines.sectors import default_early_warning
from creditline.portfolio import warning as ew
from creditline.portfolio.book import Book, build_book
from creditline.portfolio.report import LANGS, ReportInput, write
from creditline.portfolio.rolls import roll_table
from creditline.portfolio.views import (
    concentration_of,
    rolls_of,
    states,
    vintages_of,
)
from creditline.portfolio.vintages import SEGMENTS
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class BookQuery:
    """``as_of`` (default: the book's business date); ``by`` a vintage segment."""

    as_of: date | None = None
    by: str | None = None


def _as_of(uow: UnitOfWork, as_of: date | None) -> date:
    today = current_business_date(uow)
    if as_of is None:
        return today
    if as_of > today:
        raise ValidationError("as_of", f"must not be after the book's business date {today}")
    return as_of


def load_book(q: BookQuery, uow: UnitOfWork) -> Book:
    """The book as of the date: every line's snapshot and month-end history (bulk reads)."""
    with uow:
        as_of = _as_of(uow, q.as_of)
        inputs = uow.portfolio.book_inputs(as_of)
    return build_book(inputs, as_of, states())


def vintages(q: BookQuery, uow: UnitOfWork) -> dict[str, Any]:
    if q.by is not None and q.by not in SEGMENTS:
        raise ValidationError("by", f"must be one of {', '.join(SEGMENTS)}")
    return vintages_of(load_book(q, uow), q.by)


def rolls(q: BookQuery, uow: UnitOfWork) -> dict[str, Any]:
    return rolls_of(load_book(q, uow))


def transition(q: BookQuery, uow: UnitOfWork) -> dict[str, Any]:
    t = roll_table(load_book(q, uow))
    return {"as_of": (q.as_of or current_business_date(uow)).isoformat(),
            "method": "cohort: month-end to month-end counts pooled over every period, each "
                      "row over its total", "states": t["states"], "counts": t["counts"],
            "matrix": t["matrix"]}


def concentration_report(q: BookQuery, uow: UnitOfWork) -> dict[str, Any]:
    return concentration_of(load_book(q, uow))


# --------------------------------------------------------------------------- early warning
@dataclass(frozen=True)
class RunWarnings:
    as_of: date | None = None
    ecl: dict[str, Any] | None = None  # an ECL result (``allowance``, ``exposure``), if any


@dataclass(frozen=True)
class WarningRun:
    run_id: str
    business_date: date
    rules_version: str
    signals: list[ew.Signal]
    alerts: list[dict[str, Any]] = field(default_factory=list)


def signals_of(book: Book, uow: UnitOfWork, rules: ew.WarningRules,
               ecl: dict[str, Any] | None = None) -> list[ew.Signal]:
    """Every indicator's reading on the book (reads the score and application windows)."""
    as_of = book.as_of
    ent = book.snapshot.filter((pl.col("status") != "closed") & pl.col("industry").is_not_null()
                               & (pl.col("kind") == "enterprise"))
    dpd = ent["dpd"].fill_null(0).to_numpy() if book.live else np.where(
        ent["state"].to_numpy() >= book.states.dpd90, 91,
        np.where(ent["state"].to_numpy() >= book.states.dpd30, 31, 0))
    out = ew.industry_signals(rules, default_early_warning(), ent["industry"].to_list(),
                              np.asarray(dpd, dtype=np.int64))
    with uow:
        p = rules.p("approval_drift")
        b0, w0, end = ew.window_bounds(as_of, int(p["window_days"]), int(p["baseline_days"]))
        from datetime import timedelta
        an, tn = uow.portfolio.application_counts(w0, end)
        ab, tb = uow.portfolio.application_counts(b0, w0 - timedelta(days=1))
        out.append(ew.approval_signal(rules, an, tn, ab, tb))
        for name, read in (("a_card_psi", uow.portfolio.a_scores),
                           ("b_card_psi", uow.portfolio.b_scores)):
            p = rules.p(name)
            b0, w0, end = ew.window_bounds(as_of, int(p["window_days"]), int(p["baseline_days"]))
            out.append(ew.psi_signal(rules, name, read(b0, w0 - timedelta(days=1)),
                                     read(w0, end)))
    out.extend(ew.roll_signals(rules, roll_table(book)["periods"]))
    out.append(ew.ecl_signal(rules, ecl))
    return out


def run_warnings(cmd: RunWarnings, uow: UnitOfWork, actor: Principal) -> WarningRun:
    """Measure every indicator, keep the warnings and alerts (with evidence and proposed
    action; an industry alert carries the preview of its sector cut), audit the run."""
    from creditline.servicing.sectors import SectorCut, preview_sector_cut

    rules = ew.default_warning_rules()
    book = load_book(BookQuery(cmd.as_of), uow)
    signals = signals_of(book, uow, rules, cmd.ecl)
    run_id = str(uuid.uuid4())
    kept = []
    with uow:
        now = uow.now()
        for s in signals:
            if s.level not in (ew.WARN, ew.ALERT):
                continue
            proposal = s.proposal
            if proposal is not None and proposal.get("action") == "sector_cut":
                pv = preview_sector_cut(SectorCut(proposal["industry"], proposal["percent"]), uow)
                proposal = {**proposal, "preview": {"lines": len(pv.lines),
                                                    "customers": pv.customers,
                                                    "limit_removed": f"{pv.limit_removed:.2f}"}}
            kept.append({"id": str(uuid.uuid4()), "run_id": run_id,
                         "business_date": book.as_of, "indicator": s.indicator,
                         "segment": s.segment, "level": s.level, "value": s.value,
                         "threshold": s.alert if s.level == ew.ALERT else s.warn,
                         "evidence": s.evidence, "proposal": proposal,
                         "rules_version": rules.label, "created_at": now,
                         "created_by": actor.name})
        uow.portfolio.add_alerts(kept)
        uow.audit(actor, "portfolio.warnings_run", "portfolio_warning_run", run_id,
                  {"as_of": book.as_of, "rules_version": rules.label,
                   "alerts": sum(1 for k in kept if k["level"] == ew.ALERT),
                   "warnings": sum(1 for k in kept if k["level"] == ew.WARN)})
        uow.commit()
    return WarningRun(run_id, book.as_of, rules.label, signals, kept)


@dataclass(frozen=True)
class AlertQuery:
    as_of: date | None = None


def list_alerts(q: AlertQuery, uow: UnitOfWork) -> list[dict[str, Any]]:
    """Alerts kept, newest first (those of one business date when ``as_of`` is given)."""
    with uow:
        return uow.portfolio.alerts(q.as_of)


# --------------------------------------------------------------------------- the report
@dataclass(frozen=True)
class RiskReport:
    """``creditline report risk``: where, as of when, in which languages, with a PDF."""

    out: Path
    as_of: date | None = None
    langs: tuple[str, ...] = ("en", "zh")
    pdf: bool = True
    ecl: dict[str, Any] | None = None


def report_input(q: BookQuery, uow: UnitOfWork, ecl: dict[str, Any] | None = None
                 ) -> ReportInput:
    """The book, the early-warning readings and the ECL, movement, stress and cash-flow
    figures (nothing is kept: a report changes nothing).  Without an ``ecl`` given, the
    coverage indicator reads the ECL the report discloses."""
    from creditline.portfolio.ecl_disclosure import ecl_disclosure

    rules = ew.default_warning_rules()
    book = load_book(q, uow)
    disclosure = ecl_disclosure(uow, book.as_of)
    if ecl is None and disclosure["ecl"]["ead"] > 0:
        ecl = {"allowance": f"{Decimal(disclosure['ecl']['ecl']).scaleb(-2):f}",
               "exposure": f"{Decimal(disclosure['ecl']['ead']).scaleb(-2):f}"}
    return ReportInput(book, {"signals": signals_of(book, uow, rules, ecl),
                              "warning_rules": rules.label, "ecl": ecl,
                              "ecl_disclosure": disclosure})


def write_risk_report(cmd: RiskReport, uow: UnitOfWork) -> list[Path]:
    """The risk disclosure report as HTML (and PDF) per language; the files written."""
    for lang in cmd.langs:
        if lang not in LANGS:
            raise ValidationError("lang", f"must be one of {', '.join(LANGS)}")
    if cmd.out.suffix.lower() not in (".html", ".htm", ".pdf", ""):
        raise ValidationError("out", "must name an .html or .pdf file")
    return write(report_input(BookQuery(cmd.as_of), uow, cmd.ecl), cmd.out, cmd.langs,
                 pdf=cmd.pdf)
