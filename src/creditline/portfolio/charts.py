"""Charts of expected credit loss and stress tests, drawn like every report's charts
(``creditline.reporting.charts``: matplotlib ``Figure`` objects as embedded PNGs), for the risk
report and the demo's report to place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from creditline.reporting.charts import Chart, figure, legend_right, png, thousands

STAGE_COLOURS = {1: "#4c78a8", 2: "#f58518", 3: "#e45756"}
# the words drawn in the charts; a caller in another language passes its own (the console)
WORDS = {"stage": "stage {n}", "cover": "{cover} of EAD\n{lines} lines", "axis": "ECL (CNY)"}


def ecl_by_stage(rows: Sequence[Mapping[str, Any]], title: str = "ECL by stage",
                 words: Mapping[str, str] = WORDS) -> Chart:
    """Bars of ECL per stage, each labelled with its coverage (ECL / EAD).  ``rows``: the
    stage summary of a run (``stage``, ``lines``, ``ead``, ``ecl`` in cents)."""
    fig, ax = figure(5.2, 3.2)
    stages = [int(r["stage"]) for r in rows]
    ecl = [int(r["ecl"]) / 100 for r in rows]
    bars = ax.bar([words["stage"].format(n=s) for s in stages], ecl,
                  color=[STAGE_COLOURS.get(s, "#888888") for s in stages])
    for bar, r in zip(bars, rows, strict=True):
        cover = int(r["ecl"]) / int(r["ead"]) if int(r["ead"]) else 0.0
        ax.annotate(words["cover"].format(cover=f"{cover:.1%}", lines=f"{int(r['lines']):,}"),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(words["axis"])
    ax.yaxis.set_major_formatter(thousands)
    ax.margins(y=0.25)
    total = sum(ecl)
    return Chart(title, png(fig), f"Loss allowance {total:,.2f} CNY over {sum(int(r['lines']) for r in rows):,} lines.")


def stress_ecl(names: Sequence[str], by_stage: Sequence[Mapping[int, int]],
               title: str = "ECL under stress, by stage", words: Mapping[str, str] = WORDS
               ) -> Chart:
    """Stacked bars of ECL by stage, one bar per scenario (cents in, CNY shown)."""
    fig, ax = figure(6.0, 3.4)
    bottom = np.zeros(len(names))
    for stage in (1, 2, 3):
        vals = np.array([s.get(stage, 0) / 100 for s in by_stage])
        ax.bar(list(names), vals, bottom=bottom, label=words["stage"].format(n=stage),
               color=STAGE_COLOURS[stage])
        bottom += vals
    for x, tot in enumerate(bottom):
        ax.annotate(f"{tot:,.0f}", (x, tot), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(words["axis"])
    ax.yaxis.set_major_formatter(thousands)
    ax.tick_params(axis="x", labelrotation=15)
    ax.margins(y=0.15)
    legend_right(ax)
    return Chart(title, png(fig), "Each scenario reruns staging, PD and LGD on the same book.")


def stress_cashflow(names: Sequence[str], cumulative: Sequence[Sequence[int]],
                    title: str = "Cumulative net cash flow, 12 months") -> Chart:
    """One line per scenario: the running sum of repayments in less new draws (cents in)."""
    fig, ax = figure(6.0, 3.4)
    for name, series in zip(names, cumulative, strict=True):
        months = np.arange(1, len(series) + 1)
        ax.plot(months, np.asarray(series, dtype=float) / 100, marker="o", markersize=3,
                label=name)
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.set_xlabel("month")
    ax.set_ylabel("CNY")
    ax.yaxis.set_major_formatter(thousands)
    legend_right(ax)
    return Chart(title, png(fig), "Below zero: funding the book needs beyond its repayments.")
