"""The demo's summary: what happened, in one JSON-able dict that depends only on the seed
and the options (no ids, paths or timings), so two runs can be compared for equality.

Money is a decimal string (``"1234.50"``), rates are floats rounded to 6 places.  The hidden
truth (who was really bad, who was a fraudster) is used here only to grade the decisions,
never to make them.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from creditline.money import money_str
from creditline.origination.application import APPROVED, DECLINED, REFERRED
from creditline.scoring.metrics import discrimination
from creditline.simulate.book import DPD_BUCKETS
from creditline.simulate.context import ApplicationRecord, DemoContext, Flow

SUMMARY_FILE = "summary.json"
SCORE_BIN = 10
DELINQUENT_FROM = 1  # bucket index of 1-30 DPD in DPD_BUCKETS
LOSS_BUCKET = len(DPD_BUCKETS) - 1  # 90+
FRAUD_RULE_PREFIXES = ("BLACKLIST_", "VELOCITY_", "RING_", "ID_INVALID", "PHONE_INVALID",
                       "COOLDOWN")


def money(cents: int) -> str:
    return money_str(Decimal(int(cents)).scaleb(-2))


def rate(num: float, den: float) -> float:
    return round(float(num) / float(den), 6) if den else 0.0


def _flow(f: Flow) -> dict[str, Any]:
    return {"count": f.count, "amount": money(f.cents)}


def _funnel(apps: list[ApplicationRecord]) -> dict[str, Any]:
    screened = [a for a in apps if a.declined_by]
    scored = [a for a in apps if not a.declined_by]
    out: dict[str, Any] = {
        "applied": len(apps), "screened_out": len(screened), "scored": len(scored),
        "approved": sum(a.status == APPROVED for a in apps),
        "referred": sum(a.status == REFERRED for a in apps),
        "declined": sum(a.status == DECLINED for a in apps),
        "declined_after_scoring": sum(a.status == DECLINED for a in scored),
    }
    out["approval_rate"] = rate(out["approved"], out["applied"])
    out["screened_out_by"] = dict(sorted(Counter(c for a in screened for c in a.declined_by)
                                         .most_common(8)))
    out["decline_reasons"] = dict(sorted(Counter(a.reasons[0] for a in apps
                                                 if a.status == DECLINED and a.reasons)
                                         .most_common(8)))
    out["refer_reasons"] = dict(sorted(Counter(a.reasons[0] for a in apps
                                               if a.status == REFERRED and a.reasons)
                                       .most_common(8)))
    return out


def _truth(apps: list[ApplicationRecord], observed_bad: dict[str, bool],
           balance: dict[str, int]) -> dict[str, Any]:
    """Decisions graded by the hidden truth: the 12-month bad rate and mean true PD of the
    approved, referred and declined, and how the A-card ranks the truth."""
    out: dict[str, Any] = {}
    for status in (APPROVED, REFERRED, DECLINED):
        group = [a for a in apps if a.status == status]
        out[status] = {"applicants": len(group),
                       "bad_rate": rate(sum(a.bad for a in group), len(group)),
                       "mean_true_pd": round(float(np.mean([a.pd_true for a in group])), 6)
                       if group else 0.0}
    booked = [a for a in apps if a.line_id is not None]
    went_bad = [a for a in booked if observed_bad.get(a.line_id or "", False)]
    out["booked_truly_bad"] = sum(a.bad for a in booked)
    out["booked_went_90_plus"] = len(went_bad)
    out["went_90_plus_truly_bad"] = sum(a.bad for a in went_bad)
    # Simulated customers never send a repayment under 1.00, so a few cents left over age
    # like any debt; shown apart so they are not mistaken for defaults.
    out["went_90_plus_owing_under_1"] = sum(balance.get(a.line_id or "", 0) < 100
                                            for a in went_bad)
    scored = [a for a in apps if a.score is not None and a.kind == "person"]
    y = np.array([a.bad for a in scored])
    if len(scored) and 0 < y.sum() < len(y):
        d = discrimination(y, np.array([a.pd for a in scored], dtype=np.float64))
        out["a_card_vs_truth"] = {k: round(float(v), 4) for k, v in d.items()}
    return out


def fraud_rule(code: str) -> bool:
    """Knock-outs aimed at fraud (rather than at credit policy such as age or income)."""
    return code.startswith(FRAUD_RULE_PREFIXES)


def _fraud(apps: list[ApplicationRecord], balance: dict[str, int]) -> dict[str, Any]:
    """Fraudsters (hidden truth) stopped at application (declined or referred) or booked."""
    fraud = [a for a in apps if a.fraud_kind != "none"]

    def flagged(a: ApplicationRecord) -> bool:
        return any(fraud_rule(c) for c in (*a.declined_by, *a.referred_by))

    by_kind: dict[str, dict[str, int]] = {}
    for a in fraud:
        k = by_kind.setdefault(a.fraud_kind, {"applied": 0, "caught": 0, "missed": 0})
        k["applied"] += 1
        k["missed" if a.status == APPROVED else "caught"] += 1
    missed = [a for a in fraud if a.status == APPROVED]
    caught = [a for a in fraud if a.status != APPROVED]
    return {"fraudsters": len(fraud), "caught": len(caught), "missed": len(missed),
            "catch_rate": rate(len(caught), len(fraud)),
            "caught_by_fraud_rules": sum(flagged(a) for a in caught),
            "caught_by_other_rules": sum(not flagged(a) and bool(a.declined_by or a.referred_by)
                                         for a in caught),
            "caught_by_score": sum(not (a.declined_by or a.referred_by) for a in caught),
            "by_kind": dict(sorted(by_kind.items())),
            "missed_balance_end": money(sum(balance.get(a.line_id or "", 0) for a in missed)),
            "false_alarms": sum(a.fraud_kind == "none" and flagged(a) for a in apps)}


def _scores(apps: list[ApplicationRecord]) -> dict[str, Any]:
    """Score histogram of scored persons by true outcome, and where decisions fell."""
    scored = [a for a in apps if a.score is not None and a.kind == "person"]
    if not scored:
        return {"edges": [], "good": [], "bad": []}
    s = np.array([a.score for a in scored])
    lo = int(np.floor(s.min() / SCORE_BIN) * SCORE_BIN)
    hi = int(np.ceil((s.max() + 1e-9) / SCORE_BIN) * SCORE_BIN)
    edges = np.arange(lo, hi + SCORE_BIN, SCORE_BIN)
    bad = np.array([a.bad for a in scored], dtype=bool)
    by_score = [a for a in scored if not a.declined_by and not a.referred_by]
    approved = [a.score for a in by_score if a.status == APPROVED and a.score is not None]
    referred = [a.score for a in by_score if a.status == REFERRED and a.score is not None]
    return {"edges": edges.tolist(),
            "good": np.histogram(s[~bad], edges)[0].tolist(),
            "bad": np.histogram(s[bad], edges)[0].tolist(),
            "lowest_approved": round(min(approved), 2) if approved else None,
            "lowest_referred": round(min(referred), 2) if referred else None}


def _months(ctx: DemoContext) -> list[dict[str, Any]]:
    out = []
    for snap in ctx.snapshots:
        flows = ctx.activity.by_month.get(snap.month, {})
        delinquent = sum(v for i, v in enumerate(snap.buckets.values()) if i >= DELINQUENT_FROM)
        over_30 = sum(v for i, v in enumerate(snap.buckets.values()) if i >= 2)
        out.append({
            "month": snap.month, "date": snap.day.isoformat(), "lines": snap.lines,
            "limit": money(snap.limit), "used": money(snap.used),
            "utilisation": rate(snap.used, snap.limit), "balance": money(snap.balance),
            "buckets": {k: money(v) for k, v in snap.buckets.items()},
            "bucket_lines": dict(snap.bucket_lines),
            "delinquent_share": rate(delinquent, snap.balance),
            "share_30_plus": rate(over_30, snap.balance),
            "purchases": _flow(flows.get("purchases", Flow())),
            "returns": _flow(flows.get("returns", Flow())),
            "repayments": _flow(flows.get("repayments", Flow())),
        })
    return out


def build_summary(ctx: DemoContext) -> dict[str, Any]:
    cfg = ctx.config
    apps = ctx.applications
    book = ctx.book()
    owed = book.total_owed
    balance = dict(zip(book.line_id, owed.tolist()))
    bucket = book.bucket()
    observed_bad = dict(zip(book.line_id, (bucket == LOSS_BUCKET).tolist()))
    booked = [a for a in apps if a.line_id is not None]
    total_limit = sum(a.limit for a in booked)
    act = ctx.activity
    last = ctx.snapshots[-1] if ctx.snapshots else None
    losses = int(owed[bucket == LOSS_BUCKET].sum())
    return {
        "run": {"customers": cfg.customers, "enterprises": cfg.enterprises,
                "months": cfg.months, "seed": cfg.seed, "activity": cfg.activity,
                "first_day": cfg.as_of.isoformat(), "last_day": cfg.last_day.isoformat(),
                "business_days": len(cfg.days), "limits": cfg.limits},
        "customers": {"registered": len(ctx.customer_ids), "contacts": ctx.contacts_added,
                      "refused": dict(sorted(ctx.contacts_refused.items()))},
        "applications": _funnel(apps),
        "lines": {"opened": len(booked), "total_limit": money(total_limit),
                  "average_limit": money(total_limit // len(booked)) if booked else "0.00",
                  "by_product": dict(sorted(Counter(a.product for a in booked).items()))},
        "activity": {"purchases": _flow(act.purchases), "returns": _flow(act.returns),
                     "repayments": _flow(act.repayments),
                     "installment_purchases": act.installment_purchases,
                     "return_rate": rate(act.returns.cents, act.purchases.cents),
                     "refused": dict(sorted(act.refused.items()))},
        "months": _months(ctx),
        "end": {"balance": money(int(owed.sum())),
                "utilisation": rate(last.used, last.limit) if last else 0.0,
                "buckets": {name: money(int(owed[bucket == i].sum()))
                            for i, (name, _, _) in enumerate(DPD_BUCKETS)},
                "losses_90_plus": money(losses),
                "loss_rate_of_balance": rate(losses, int(owed.sum())),
                "loss_rate_of_purchases": rate(losses, act.purchases.cents)},
        "fraud": _fraud(apps, balance),
        "truth": _truth(apps, observed_bad, balance),
        "scores": _scores(apps),
        "ledger": dict(ctx.ledger),
        "limits": dict(ctx.limits),  # issue 13: limit moves, revenue, cuts before default
    }


def write_summary(summary: dict[str, Any], out: Path) -> Path:
    path = out / SUMMARY_FILE
    path.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
