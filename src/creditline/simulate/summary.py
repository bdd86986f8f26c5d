"""The demo's summary: what happened, in one JSON-able dict that depends only on the seed
and the options (no ids, paths or timings), so two runs can be compared for equality.

Money is a decimal string (``"1234.50"``), rates are floats rounded to 6 places.  The hidden
truth (who was really bad, who was a fraudster) is used here only to grade the decisions,
never to make them.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from creditline.closure.ports import RequestQuery
from creditline.closure.services import list_requests
from creditline.money import money_str
from creditline.origination.application import APPROVED, DECLINED, REFERRED
from creditline.paging import PageRequest
from creditline.scoring.metrics import discrimination
from creditline.simulate.book import DPD_BUCKETS
from creditline.simulate.context import ApplicationRecord, DemoContext, Flow
from creditline.simulate.ecl_summary import ecl_summary  # issue 17
from creditline.simulate.steps.sme import summary as sme_summary

SUMMARY_FILE = "summary.json"
SCORE_BIN = 10
DELINQUENT_FROM = 1  # bucket index of 1-30 DPD in DPD_BUCKETS
LOSS_BUCKET = len(DPD_BUCKETS) - 1  # 90+
FRAUD_RULE_PREFIXES = ("BLACKLIST_", "VELOCITY_", "RING_", "ID_INVALID", "PHONE_INVALID",
                       "COOLDOWN", "PHONE_NEW")


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
    # fraudq: the A-card's reasons given, and how many fell back to the generic text
    out["score_reasons"] = dict(sorted(Counter(c for a in apps for c in a.reasons
                                               if c.startswith("A_")).items()))
    out["generic_reasons"] = sum(a.generic_reasons for a in apps)
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


def _fraud(apps: list[ApplicationRecord], balance: dict[str, int],
           status: dict[str, str]) -> dict[str, Any]:
    """Fraudsters (hidden truth): caught (declined at application or in review, or their
    line frozen when a later application exposed their ring) or missed (a line that stayed
    open), the money each kind owes at the end, and the false alarms among good applicants
    (flagged by a fraud rule; declined for it in review)."""
    fraud = [a for a in apps if a.fraud_kind != "none"]
    good = [a for a in apps if a.fraud_kind == "none"]

    def flagged(a: ApplicationRecord) -> bool:
        return any(fraud_rule(c) for c in (*a.declined_by, *a.referred_by))

    def frozen(a: ApplicationRecord) -> bool:
        return a.line_id is not None and status.get(a.line_id) == "frozen"

    def owed(group: list[ApplicationRecord]) -> int:
        return sum(balance.get(a.line_id or "", 0) for a in group)

    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({a.fraud_kind for a in fraud}):
        group = [a for a in fraud if a.fraud_kind == kind]
        approved = [a for a in group if a.status == APPROVED]
        missed = [a for a in approved if not frozen(a)]
        late = [a for a in approved if frozen(a)]
        by_kind[kind] = {
            "applied": len(group), "flagged_by_fraud_rules": sum(flagged(a) for a in group),
            "declined_at_application": sum(a.status == DECLINED and a.review_id is None
                                           for a in group),
            "declined_in_review": sum(a.status == DECLINED and a.review_id is not None
                                      for a in group),
            "still_in_review": sum(a.status == REFERRED for a in group),
            "frozen_after_approval": len(late), "caught": len(group) - len(missed),
            "missed": len(missed), "catch_rate": rate(len(group) - len(missed), len(group)),
            "money_lost_missed": money(owed(missed)),
            "money_owed_frozen": money(owed(late))}
    missed = [a for a in fraud if a.status == APPROVED and not frozen(a)]
    caught = [a for a in fraud if a not in missed]
    alarms = [a for a in good if flagged(a)]
    return {"fraudsters": len(fraud), "caught": len(caught), "missed": len(missed),
            "catch_rate": rate(len(caught), len(fraud)),
            "caught_by_fraud_rules": sum(flagged(a) for a in caught),
            "caught_by_other_rules": sum(not flagged(a) and bool(a.declined_by or a.referred_by)
                                         for a in caught),
            "caught_by_score": sum(not (a.declined_by or a.referred_by) for a in caught),
            "by_kind": by_kind,
            "missed_balance_end": money(owed(missed)),
            "false_alarms": len(alarms),
            "false_alarm_rate": rate(len(alarms), len(good)),
            "false_alarms_declined_in_review": sum(a.status == DECLINED for a in alarms)}


def _reviews(apps: list[ApplicationRecord]) -> dict[str, Any]:
    """The review queue as the simulated reviewers worked it: how long referred applicants
    waited, how many past the SLA, and the outcomes graded by the hidden truth."""
    referred = [a for a in apps if a.review_id is not None]
    decided = [a for a in referred if a.review_hours is not None]
    hours = np.array([a.review_hours for a in decided], dtype=np.float64)
    approved = [a for a in decided if a.status == APPROVED]
    declined = [a for a in decided if a.status == DECLINED]

    def q(p: float) -> float:
        return round(float(np.quantile(hours, p)), 2) if len(hours) else 0.0

    return {"referred": len(referred), "decided": len(decided),
            "pending_at_end": len(referred) - len(decided),
            "approved": len(approved), "declined": len(declined),
            "hours_to_decision": {"mean": round(float(hours.mean()), 2) if len(hours) else 0.0,
                                  "median": q(0.5), "p90": q(0.9),
                                  "max": round(float(hours.max()), 2) if len(hours) else 0.0},
            "decided_after_sla": sum(a.review_breached for a in decided),
            "approved_then_bad": sum(a.bad for a in approved),
            "approved_fraudsters": sum(a.fraud_kind != "none" for a in approved),
            "declined_but_good": sum(not a.bad and a.fraud_kind == "none" for a in declined),
            "declined_fraudsters": sum(a.fraud_kind != "none" for a in declined)}


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


def _triggers(ctx: DemoContext) -> dict[str, Any]:
    """Triggers fired (by code, from the store), purchases held and category refusals."""
    with ctx.uow() as uow:
        fired = uow.trigger_events.counts()
    refused = ctx.activity.refused
    return {"fired": dict(sorted(fired.items())), "fired_total": sum(fired.values()),
            "purchases_held": _flow(ctx.activity.held),
            "category_refusals": {k.split(": ", 1)[1]: v for k, v in sorted(refused.items())
                                  if k.startswith("purchase: category_")}}
def _notifications(ctx: DemoContext) -> dict[str, Any]:
    """notify: the messages the relay made over the run, by topic, channel and status; the
    reminders among them; and the check that none went out before its delivery time."""
    with ctx.uow() as uow:
        rows = uow.notifications.counts().rows
        early = uow.notifications.sent_early()
    by: dict[str, Counter[str]] = {"topic": Counter(), "channel": Counter(), "status": Counter()}
    for (topic, channel, status), n in rows.items():
        by["topic"][topic] += n
        by["channel"][channel] += n
        by["status"][status] += n
    reminders = {f"{ch}:{st}": n for (tp, ch, st), n in sorted(rows.items())
                 if tp == "statement.reminder"}
    return {"messages": sum(rows.values()),
            "by_topic": dict(sorted(by["topic"].items())),
            "by_channel": dict(sorted(by["channel"].items())),
            "by_status": dict(sorted(by["status"].items())),
            "reminders": reminders, "sent_before_deliver_after": early,
            "relay": {k: ctx.notify[k] for k in ("events", "internal", "messages", "sent",
                                                 "retried", "failed", "undeliverable")}}


def build_summary(ctx: DemoContext) -> dict[str, Any]:
    cfg = ctx.config
    apps = ctx.applications
    book = ctx.book()
    owed = book.total_owed
    balance = dict(zip(book.line_id, owed.tolist()))
    bucket = book.bucket()
    # losses (issue 16): a line charged off is closed with nothing on its books; it went
    # bad all the same, and the customer still owes the claim (written off less recovered)
    losses, claims, written = _losses(ctx)
    observed_bad = {line: bool(b) or line in claims
                    for line, b in zip(book.line_id, (bucket == LOSS_BUCKET).tolist())}
    balance = {line: cents + claims.get(line, 0) for line, cents in balance.items()}
    booked = [a for a in apps if a.line_id is not None]
    total_limit = sum(a.limit for a in booked)
    act = ctx.activity
    last = ctx.snapshots[-1] if ctx.snapshots else None
    consumer = book.consumer()  # the headline: consumer lines (enterprises: "sme")
    c_owed, c_bucket = consumer.total_owed, consumer.bucket()
    late_90 = int(c_owed[c_bucket == LOSS_BUCKET].sum())
    consumer_ids = set(consumer.line_id)
    charged_off = sum(c for line, c in written.items() if line in consumer_ids)
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
        "end": {"lines": "consumer", "balance": money(int(c_owed.sum())),
                "utilisation": rate(last.used, last.limit) if last else 0.0,
                "buckets": {name: money(int(c_owed[c_bucket == i].sum()))
                            for i, (name, _, _) in enumerate(DPD_BUCKETS)},
                # losses are what was charged off; the 90+ balance is still on the book
                "charged_off": money(charged_off),
                "charge_off_rate_of_purchases": rate(charged_off, act.purchases.cents),
                "balance_90_plus": money(late_90),
                "rate_90_plus_of_balance": rate(late_90, int(c_owed.sum())),
                "rate_90_plus_of_purchases": rate(late_90, act.purchases.cents)},
        "losses": losses,  # losses (issue 16): write-offs, recoveries, debt sales (all lines)
        "triggers": _triggers(ctx),  # issue 13: real-time triggers and category caps
        "sme": sme_summary(ctx),  # issue 13: enterprises, reviews and sector actions
        "fraud": _fraud(apps, balance, dict(zip(book.line_id, map(str, book.status)))),
        "reviews": _reviews(apps),
        "truth": _truth(apps, observed_bad, balance),
        "scores": _scores(apps),
        "ledger": dict(ctx.ledger),
        "collections": _collections(ctx),  # collections
        "notifications": _notifications(ctx),  # notify
        "closures": _closures(ctx),  # closure (issue 14)
        "limits": dict(ctx.limits),  # issue 13: limit moves, revenue, cuts before default
        "portfolio": dict(ctx.portfolio),  # issue 17: vintages, rolls, the risk report
        "ecl": ecl_summary(ctx),  # issue 17: provisions, ECL by stage, stress, outcome
        "bureau": dict(ctx.bureau),  # bureau (issue 16): monthly runs, the last files
    }


def write_summary(summary: dict[str, Any], out: Path) -> Path:
    path = out / SUMMARY_FILE
    path.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- collections
def _collections(ctx: DemoContext) -> dict[str, Any]:
    """Collection buckets at each month end (lines and balances), roll and cure rates month
    to month, cases opened and closed, the desk's contacts and the contact-log replay."""
    state = ctx.collections
    if state is None:
        return {}
    months = state.months
    rolls = []
    for before, after in pairwise(months):
        a, b = before["of_line"], after["of_line"]
        both = [line for line in a if line in b]
        names = list(before["lines"])
        roll: dict[str, float] = {}
        cure: dict[str, float] = {}
        for k, name in enumerate(names):
            start = [line for line in both if a[line] == k]
            if k + 1 < len(names):
                roll[f"{name}->{names[k + 1]}"] = rate(sum(b[x] == k + 1 for x in start),
                                                       len(start))
            if k > 0:
                cure[name] = rate(sum(b[x] == 0 for x in start), len(start))
        rolls.append({"from": before["month"], "to": after["month"], "roll": roll,
                      "cure": cure})
    kept = state.promise_status.get("kept", 0)
    broken = state.promise_status.get("broken", 0)
    return {
        "months": [{"month": m["month"], "lines": m["lines"],
                    "balance": {k: money(v) for k, v in m["balance"].items()}}
                   for m in months],
        "roll_and_cure": rolls,
        "cases_by_month": state.cases,
        "desk": {"collectors": len(state.collectors),
                 "attempts": dict(sorted(state.attempts.items())),
                 "promises": state.promises, "promise_status": dict(state.promise_status),
                 "promise_kept_rate": rate(kept, kept + broken)},
        "contact_replay": dict(state.replay),
        "strategy": dict(state.strategy),  # ccard: contacts by channel, recoveries, cures, cost
    }
# ----- closure (issue 14): closure requests by outcome and the days they took, from the store
def _closures(ctx: DemoContext) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    req = PageRequest(limit=200)
    while True:
        page = list_requests(RequestQuery(), req, ctx.uow(), ctx.system)
        items.extend(page.items)
        if page.next is None:
            break
        req = PageRequest(limit=200, after=page.next)
    owed = [Decimal(r["review"]["facts"]["balance"]) > 0 for r in items]
    took: dict[str, list[int]] = {}
    for r in items:
        if r["finished_on"] is not None:
            took.setdefault(r["status"], []).append(
                (date.fromisoformat(r["finished_on"]) - date.fromisoformat(r["submitted_on"])).days)

    def days(v: list[int]) -> dict[str, Any]:
        v = sorted(v)
        return {"count": len(v), "median": v[len(v) // 2], "mean": round(sum(v) / len(v), 1),
                "max": v[-1]}

    return {"requested": len(items), "with_balance": sum(owed),
            "system_review": dict(sorted(Counter(r["review"]["outcome"] for r in items).items())),
            "by_outcome": dict(sorted(Counter(r["status"] for r in items).items())),
            "closed_with_balance": sum(o for o, r in zip(owed, items, strict=True)
                                       if r["status"] == "closed"),
            "days_to_outcome": {k: days(v) for k, v in sorted(took.items())}}


# ----- losses (issue 16): write-offs and recoveries, from the store
def _losses(ctx: DemoContext) -> tuple[dict[str, Any], dict[str, int], dict[str, int]]:
    """Lines charged off (by end of day at the rules' days past due, or by an officer), how
    the charge was carried (allowance, expense), what was recovered since, sales of debt;
    by month.  Also each written-off line's claim in cents (what its customer still owes) and
    the amount each line was written off with, in cents."""
    with ctx.uow() as uow:
        accounts = uow.losses.accounts()
        wos = uow.losses.write_offs(status="executed", limit=100_000)
        payments = uow.losses.payments(limit=100_000)
    by_month: dict[str, dict[str, Any]] = {}

    def month(d: date | None) -> dict[str, Any]:
        key = "" if d is None else d.strftime("%Y-%m")
        return by_month.setdefault(key, {"month": key, "lines": 0, "written_off": 0,
                                         "recovered": 0})

    for w in wos:
        m = month(w.business_date)
        m["lines"] += 1
        m["written_off"] += int(w.amount * 100)
    recovered = 0
    for p in payments:
        if p.kind.value == "recovery":
            month(p.business_date)["recovered"] += int(p.amount * 100)
            recovered += int(p.amount * 100)
    written = sum(int(w.amount * 100) for w in wos)
    sold = [a for a in accounts if a.status.value == "sold"]
    claims = {a.line_id: int(a.claim * 100) for a in accounts if a.status.value == "written_off"}
    return {
        "written_off": {"lines": len(wos), "amount": money(written),
                        "by_source": dict(sorted(Counter(w.source.value for w in wos).items())),
                        "from_allowance": money(sum(int(w.from_allowance * 100) for w in wos)),
                        "to_expense": money(sum(int(w.to_expense * 100) for w in wos)),
                        "median_dpd": sorted(w.dpd for w in wos)[len(wos) // 2] if wos else 0},
        "recovered": money(recovered), "recovery_rate": rate(recovered, written),
        "claims_outstanding": money(sum(claims.values())),
        "sold": {"lines": len(sold), "face": money(sum(int(a.sold_face * 100) for a in sold)),
                 "price": money(sum(int(a.sale_price * 100) for a in sold))},
        "by_month": [{**m, "written_off": money(m["written_off"]),
                      "recovered": money(m["recovered"])}
                     for _, m in sorted(by_month.items())],
    }, claims, {w.line_id: int(w.amount * 100) for w in wos}

