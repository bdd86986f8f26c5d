"""The demo report: one self-contained HTML file (charts are embedded PNGs, no network)
drawn from the summary alone, so it shows exactly the numbers the console printed.  Charts
and rendering come from ``creditline.reporting``, shared with the model report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from creditline.reporting.charts import Chart, amount, figure, legend_right, png, thousands
from creditline.reporting.html import render

REPORT_FILE = "report.html"
_TEMPLATES = Path(__file__).parent / "templates"
BUCKET_COLOURS = {"current": "#9ecae1", "1-30": "#fdd49e", "31-60": "#fc8d59",
                  "61-90": "#e34a33", "90+": "#7f0000"}
GOOD, BAD, ACCENT, GREY = "#3182bd", "#e6550d", "#31a354", "#969696"


def funnel_chart(apps: dict[str, Any]) -> Chart:
    steps = [("applied", apps["applied"], GREY), ("screened out", apps["screened_out"], BAD),
             ("scored", apps["scored"], GREY), ("approved", apps["approved"], ACCENT),
             ("referred", apps["referred"], "#fdae6b"),
             ("declined after scoring", apps["declined_after_scoring"], BAD)]
    fig, ax = figure()
    labels = [s[0] for s in steps][::-1]
    values = [s[1] for s in steps][::-1]
    bars = ax.barh(labels, values, color=[s[2] for s in steps][::-1])
    total = max(apps["applied"], 1)
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2,
                f"  {v:,} ({v / total:.0%})", va="center", fontsize=9)
    ax.set_xlim(0, total * 1.3)
    ax.set_xlabel("applications")
    return Chart("Application funnel", caption=
                 "Screened out = declined by a knock-out (identity, fraud, cool-down, income) "
                 "before the score mattered; referred applications wait in the review queue.",
                 png=png(fig))


def score_chart(scores: dict[str, Any]) -> Chart:
    edges = np.array(scores["edges"], dtype=float)
    good = np.array(scores["good"], dtype=float)
    bad = np.array(scores["bad"], dtype=float)
    fig, ax = figure()
    if len(edges) > 1:
        width = edges[1] - edges[0]
        ax.bar(edges[:-1], good / max(good.sum(), 1), width=width, align="edge", alpha=0.6,
               color=GOOD, label=f"truly good ({int(good.sum()):,})")
        ax.bar(edges[:-1], bad / max(bad.sum(), 1), width=width, align="edge", alpha=0.6,
               color=BAD, label=f"truly bad ({int(bad.sum()):,})")
        for key, label, style in (("lowest_referred", "lowest referred", ":"),
                                  ("lowest_approved", "lowest approved", "--")):
            if scores.get(key) is not None:
                ax.axvline(scores[key], color="black", linestyle=style, linewidth=1,
                           label=f"{label} ({scores[key]:.0f})")
    ax.set_xlabel("A-card score")
    ax.set_ylabel("share of group")
    legend_right(ax)
    return Chart("Score distribution by true outcome", caption=
                 "Scores of the applicants who were really bad (defaulted within 12 months, "
                 "hidden truth) against those who were good; the further apart, the better "
                 "the card.", png=png(fig))


def trend_chart(months: list[dict[str, Any]]) -> Chart:
    fig, ax = figure()
    labels = [m["month"] for m in months]
    x = np.arange(len(labels))
    ax.plot(x, [100 * m["utilisation"] for m in months], marker="o", color=GOOD,
            label="utilisation (used / limit)")
    ax.plot(x, [100 * m["delinquent_share"] for m in months], marker="o", color="#fdae6b",
            label="balance 1+ days past due")
    ax.plot(x, [100 * m["share_30_plus"] for m in months], marker="o", color=BAD,
            label="balance 31+ days past due")
    ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("% at month end")
    ax.set_ylim(bottom=0)
    legend_right(ax)
    return Chart("Utilisation and delinquency over time", caption=
                 "At each month end, after end of day.", png=png(fig))


def bucket_chart(months: list[dict[str, Any]]) -> Chart:
    fig, ax = figure()
    labels = [m["month"] for m in months]
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    names = list(months[0]["buckets"]) if months else []
    for name in names:
        values = np.array([amount(m["buckets"][name]) for m in months])
        ax.bar(x, values, bottom=bottom, color=BUCKET_COLOURS.get(name, GREY),
               label=f"{name} DPD" if name != "current" else "current")
        bottom += values
    ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(thousands)
    ax.set_ylabel("balance (CNY)")
    legend_right(ax)
    return Chart("Balances by days past due", caption=
                 "Everything owed (principal, fees, interest, penalties) by the line's days "
                 "past due at month end.", png=png(fig))


def activity_chart(months: list[dict[str, Any]]) -> Chart:
    fig, ax = figure()
    labels = [m["month"] for m in months]
    x = np.arange(len(labels))
    for i, (key, colour) in enumerate((("purchases", GOOD), ("repayments", ACCENT),
                                       ("returns", "#fdae6b"))):
        ax.bar(x + (i - 1) * 0.27, [amount(m[key]["amount"]) for m in months], width=0.27,
               color=colour, label=key)
    ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(thousands)
    ax.set_ylabel("CNY in the month")
    legend_right(ax)
    return Chart("Purchases, repayments and returns", caption="Amounts the services accepted.",
                 png=png(fig))


def fraud_chart(fraud: dict[str, Any]) -> Chart:
    fig, ax = figure()
    kinds = list(fraud["by_kind"])
    caught = [fraud["by_kind"][k]["caught"] for k in kinds]
    missed = [fraud["by_kind"][k]["missed"] for k in kinds]
    ax.bar(kinds, caught, color=ACCENT, label="caught (declined, or line frozen)")
    ax.bar(kinds, missed, bottom=caught, color=BAD, label="missed (line open)")
    ax.set_ylabel("fraudulent applicants (hidden truth)")
    legend_right(ax)
    return Chart("Fraud caught vs missed", caption=
                 f"{fraud['caught']} of {fraud['fraudsters']} fraudsters stopped (at "
                 f"application, in review, or their line frozen when their ring showed); the "
                 f"missed ones owed {Decimal(fraud['missed_balance_end']):,.2f} CNY at the end. "
                 f"False alarms: {fraud['false_alarms']} good applicants flagged "
                 f"({fraud['false_alarm_rate']:.2%}).",
                 png=png(fig))


def truth_chart(truth: dict[str, Any]) -> Chart:
    fig, ax = figure()
    groups = ["approved", "referred", "declined"]
    x = np.arange(len(groups))
    bad = [100 * truth[g]["bad_rate"] for g in groups]
    pd_ = [100 * truth[g]["mean_true_pd"] for g in groups]
    ax.bar(x - 0.2, bad, width=0.4, color=BAD, label="observed 12-month bad rate")
    ax.bar(x + 0.2, pd_, width=0.4, color=GREY, label="mean true PD")
    for xi, v, n in zip(x, bad, (truth[g]["applicants"] for g in groups), strict=True):
        ax.text(xi - 0.2, v, f"{v:.1f}%\nn={n:,}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, groups)
    ax.set_ylabel("%")
    legend_right(ax)
    return Chart("Decisions against the hidden truth", caption=
                 "How bad the applicants in each decision really were: a good policy "
                 "approves the low bad rates and declines the high ones.", png=png(fig))


def limits_chart(limits: dict[str, Any]) -> Chart:
    """Issue 13: the limit strategy's moves by month and action, with what they earned and
    how early the cuts came."""
    fig, ax = figure()
    months = list(limits["moves_by_month"])
    x = np.arange(len(months))
    bottom = np.zeros(len(months))
    colours = {"increase": GOOD, "decrease": BAD, "freeze": "#fdae6b", "suspend": GREY,
               "unfreeze": ACCENT}
    for action, colour in colours.items():
        v = np.array([limits["moves_by_month"][m].get(action, 0) for m in months], dtype=float)
        if v.any():
            ax.bar(x, v, bottom=bottom, color=colour, label=action)
            bottom += v
    ax.set_xticks(x, months, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("lines moved by the limit strategy")
    if months:
        legend_right(ax)
    rev, cuts = limits["revenue"], limits["cuts_before_default"]
    lead = cuts["median_days_before"]
    return Chart(f"Limit moves ({limits['mode']} limits)", caption=
                 f"Revenue {Decimal(rev['total']):,.2f} CNY (fees {Decimal(rev['fees']):,.2f}, "
                 f"interest {Decimal(rev['interest']):,.2f}, penalties "
                 f"{Decimal(rev['penalties']):,.2f}); average limit "
                 f"{Decimal(limits['average_limit']):,.2f}, utilisation "
                 f"{100 * limits['average_utilisation']:.1f}% at month ends.  Of "
                 f"{cuts['defaulters']} line holders who defaulted (hidden truth), "
                 f"{cuts['cut_before']} were cut or frozen before their default date"
                 + (f" (median {lead:.0f} days before)" if lead is not None else "")
                 + f", {cuts['cut_after']} after.  {limits['losses_note'].capitalize()}.",
                 png=png(fig))


def charts(summary: dict[str, Any]) -> list[Chart]:
    out = [funnel_chart(summary["applications"]), score_chart(summary["scores"]),
           truth_chart(summary["truth"]), fraud_chart(summary["fraud"])]
    if summary["months"]:
        out += [trend_chart(summary["months"]), bucket_chart(summary["months"]),
                activity_chart(summary["months"])]
    if summary.get("limits"):  # issue 13
        out.append(limits_chart(summary["limits"]))
    if summary.get("ecl"):  # issue 17: ECL by stage and the stress scenarios
        from creditline.simulate.ecl_summary import ecl_charts
        out += ecl_charts(summary["ecl"])
    return out


def render_report(summary: dict[str, Any], *, seconds: float | None = None) -> str:
    return render(_TEMPLATES, "report.html.j2",
                  filters={"money": lambda text: f"{Decimal(text):,.2f}"},
                  s=summary, charts=charts(summary), seconds=seconds)


def write_report(summary: dict[str, Any], out: Path, *, seconds: float | None = None) -> Path:
    path = out / REPORT_FILE
    path.write_text(render_report(summary, seconds=seconds), encoding="utf-8")
    return path
