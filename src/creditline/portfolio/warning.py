"""Early warning: indicators of the book measured against thresholds (``portfolio/warnings/``,
a versioned folder whose label every alert carries), raising alerts with their evidence and a
proposed action.

Indicators (each pure, over values the service reads in bulk):

- ``industry_rates``: every industry's 30+ and default rates over its open enterprise lines,
  against the sector early-warning table (``lines.sectors``, the one table of industry
  thresholds); a flagged industry proposes a sector cut (previewed, never applied here);
- ``approval_drift``: the approval rate of the last window against the baseline window
  (absolute change); a rise proposes replaying a stricter cut-off before it goes live;
- ``a_card_psi`` / ``b_card_psi``: the population stability index of recent scores against
  the baseline window's (``scoring.metrics.psi``, baseline deciles);
- ``roll_jump``: a bucket's roll rate last month over the mean of the months before;
- ``ecl_coverage``: allowance over exposure, computed only when an ECL result is supplied
  (the ``ecl`` lane's); below the threshold is the alert (a provision too thin).

An indicator without enough data says so (``not_computed`` with why) rather than guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from creditline.errors import ValidationError
from creditline.lines.sectors import EarlyWarning, industry_rates
from creditline.versioned import read_versioned

WARNINGS_DIR = Path(__file__).parent / "warnings"
OK, WARN, ALERT, NOT_COMPUTED = "ok", "warn", "alert", "not_computed"
INDICATORS = ("industry_rates", "approval_drift", "a_card_psi", "b_card_psi", "roll_jump",
              "ecl_coverage")


@dataclass(frozen=True)
class WarningRules:
    version: str
    hash: str
    params: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.version}+{self.hash[:12]}"

    def p(self, indicator: str) -> dict[str, Any]:
        return dict(self.params.get(indicator) or {})


def load_warning_rules(folder: Path | str | None = None) -> WarningRules:
    data = read_versioned(folder if folder is not None else WARNINGS_DIR, files_key="files",
                          what="warnings")
    [(_, doc)] = data.files
    if not isinstance(doc, dict):
        raise ValidationError("warnings", "indicators.json must be an object")
    for key in doc:
        if key not in INDICATORS and key != "stricter_cutoff_points":
            raise ValidationError(f"warnings.{key}", f"unknown indicator (known: {', '.join(INDICATORS)})")
    for key in ("approval_drift", "a_card_psi", "b_card_psi", "roll_jump", "ecl_coverage"):
        for level in ("warn", "alert"):
            try:
                Decimal(str(doc[key][level]))
            except (KeyError, ArithmeticError, TypeError):
                raise ValidationError(f"warnings.{key}.{level}", "must be a decimal string") from None
    return WarningRules(data.version, data.hash, doc)


@lru_cache(maxsize=4)
def _cached(folder: str) -> WarningRules:
    return load_warning_rules(folder)


def default_warning_rules() -> WarningRules:
    return _cached(str(WARNINGS_DIR))


@dataclass(frozen=True)
class Signal:
    """One indicator's reading for one segment ("book" where it is book-wide)."""

    indicator: str
    segment: str
    value: float | None
    warn: float | None
    alert: float | None
    level: str
    evidence: dict[str, Any] = field(default_factory=dict)
    proposal: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "segment": self.segment, "value": self.value,
                "warn": self.warn, "alert": self.alert, "level": self.level,
                "evidence": self.evidence, "proposal": self.proposal}


def _level(value: float, warn: float, alert: float, *, below: bool = False) -> str:
    if below:
        return ALERT if value < alert else WARN if value < warn else OK
    return ALERT if value > alert else WARN if value > warn else OK


def _thresholds(p: dict[str, Any]) -> tuple[float, float]:
    return float(Decimal(str(p["warn"]))), float(Decimal(str(p["alert"])))


def industry_signals(rules: WarningRules, table: EarlyWarning, industry: Sequence[str],
                     dpd: np.ndarray) -> list[Signal]:
    """Industries over their 30+ or default-rate threshold (the sector table's) are alerts;
    each proposes a sector cut of ``cut_percent`` (the service attaches the preview)."""
    pct = str(rules.p("industry_rates").get("cut_percent", "20"))
    out = []
    for r in industry_rates(table, industry, dpd):
        t = table.threshold(r.industry)
        level = ALERT if r.flagged else OK
        out.append(Signal("industry_rates", r.industry, float(r.dpd30_rate),
                          None, float(t.dpd30_rate), level,
                          {"lines": r.lines, "dpd30": r.dpd30, "defaults": r.defaults,
                           "dpd30_rate": float(r.dpd30_rate), "default_rate": float(r.default_rate),
                           "default_threshold": float(t.default_rate), "why": list(r.why),
                           "sector_table": table.label},
                          {"action": "sector_cut", "industry": r.industry, "percent": pct}
                          if r.flagged else None))
    return out


def approval_signal(rules: WarningRules, approved_now: int, total_now: int,
                    approved_base: int, total_base: int) -> Signal:
    p = rules.p("approval_drift")
    warn, alert = _thresholds(p)
    ev = {"window": {"approved": approved_now, "applications": total_now},
          "baseline": {"approved": approved_base, "applications": total_base},
          "window_days": p.get("window_days"), "baseline_days": p.get("baseline_days")}
    need = int(p.get("min_applications", 1))
    if total_now < need or total_base < need:
        return Signal("approval_drift", "book", None, warn, alert, NOT_COMPUTED,
                      {**ev, "why": f"fewer than {need} applications in a window"})
    now, base = approved_now / total_now, approved_base / total_base
    drift = round(now - base, 4)
    level = _level(abs(drift), warn, alert)
    ev.update(rate_now=round(now, 4), rate_baseline=round(base, 4))
    proposal = None
    if level == ALERT and drift > 0:
        proposal = _stricter_cutoff(rules, "the approval rate rose past the alert threshold")
    return Signal("approval_drift", "book", drift, warn, alert, level, ev, proposal)


def _stricter_cutoff(rules: WarningRules, why: str) -> dict[str, Any]:
    points = int(rules.params.get("stricter_cutoff_points", 20))
    return {"action": "stricter_cutoff", "points": points, "why": why,
            "how": f"raise every score cut-off in policy/rules/cutoffs.json by {points} points "
                   "in a copy of the folder and replay it over the window before it goes live: "
                   "creditline rules replay --since <window start> --rules <folder>"}


def psi_signal(rules: WarningRules, indicator: str, baseline: np.ndarray,
               current: np.ndarray) -> Signal:
    from creditline.scoring.metrics import psi

    p = rules.p(indicator)
    warn, alert = _thresholds(p)
    b = np.asarray(baseline, dtype=np.float64)
    c = np.asarray(current, dtype=np.float64)
    b, c = b[~np.isnan(b)], c[~np.isnan(c)]
    need = int(p.get("min_rows", 1))
    ev = {"baseline_rows": int(b.size), "current_rows": int(c.size),
          "window_days": p.get("window_days"), "baseline_days": p.get("baseline_days")}
    if b.size < need or c.size < need:
        return Signal(indicator, "book", None, warn, alert, NOT_COMPUTED,
                      {**ev, "why": f"fewer than {need} scores in a window"})
    value = round(psi(b, c), 4)
    ev.update(mean_baseline=round(float(b.mean()), 2), mean_current=round(float(c.mean()), 2))
    level = _level(value, warn, alert)
    proposal = None
    if level == ALERT and indicator == "a_card_psi" and c.mean() < b.mean():
        proposal = _stricter_cutoff(rules, "applicants' A-scores shifted down")
    return Signal(indicator, "book", value, warn, alert, level, ev, proposal)


def roll_signals(rules: WarningRules, periods: Sequence[dict[str, Any]]) -> list[Signal]:
    """Last period's roll rate per bucket against the mean of the ``months`` before it."""
    p = rules.p("roll_jump")
    warn, alert = _thresholds(p)
    months, floor = int(p.get("months", 3)), float(Decimal(str(p.get("min_rate", "0"))))
    need = int(p.get("min_lines", 1))
    out = []
    for bucket in p.get("buckets", ["M0"]):
        if len(periods) < months + 1:
            out.append(Signal("roll_jump", bucket, None, warn, alert, NOT_COMPUTED,
                              {"why": f"fewer than {months + 1} months of history",
                               "periods": len(periods)}))
            continue
        last = periods[-1]
        before = [x["roll"].get(bucket) for x in periods[-months - 1:-1]]
        known = [v for v in before if v is not None]
        now = last["roll"].get(bucket)
        ev = {"last": now, "before": before, "period": f"{last['from']}..{last['to']}"}
        if now is None or not known or last.get("lines", 0) < need:
            out.append(Signal("roll_jump", bucket, None, warn, alert, NOT_COMPUTED,
                              {**ev, "why": "no lines in the bucket in some month"}))
            continue
        mean = sum(known) / len(known)
        ratio = round(now / mean, 4) if mean > 0 else (float("inf") if now > 0 else 1.0)
        level = _level(ratio, warn, alert) if now >= floor else OK
        ev["mean_before"] = round(mean, 4)
        out.append(Signal("roll_jump", bucket, None if ratio == float("inf") else ratio,
                          warn, alert, ALERT if ratio == float("inf") and now >= floor else level,
                          ev))
    return out


def ecl_signal(rules: WarningRules, ecl: dict[str, Any] | None) -> Signal:
    """Coverage = allowance / exposure from an ECL result (keys ``allowance`` and
    ``exposure``, money strings); without one the indicator is not computed."""
    warn, alert = _thresholds(rules.p("ecl_coverage"))
    if not ecl:
        return Signal("ecl_coverage", "book", None, warn, alert, NOT_COMPUTED,
                      {"why": "no ECL result supplied (the ecl lane computes it)"})
    exposure, allowance = Decimal(str(ecl["exposure"])), Decimal(str(ecl["allowance"]))
    if exposure <= 0:
        return Signal("ecl_coverage", "book", None, warn, alert, NOT_COMPUTED,
                      {"why": "no exposure"})
    value = round(float(allowance / exposure), 4)
    return Signal("ecl_coverage", "book", value, warn, alert,
                  _level(value, warn, alert, below=True),
                  {"allowance": f"{allowance:f}", "exposure": f"{exposure:f}"})


def window_bounds(as_of: date, window_days: int, baseline_days: int) -> tuple[date, date, date]:
    """(baseline start, window start, as_of): the window is the last ``window_days`` up to and
    including ``as_of``; the baseline the ``baseline_days`` before it."""
    from datetime import timedelta

    start = as_of - timedelta(days=window_days - 1)
    return start - timedelta(days=baseline_days), start, as_of
