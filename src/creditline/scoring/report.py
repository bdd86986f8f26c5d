"""The HTML model report a validation committee reads: one self-contained file (charts are
embedded PNGs, no network) built from a fitted model and a labelled sample.  Charts and
rendering come from ``creditline.reporting``, shared with the demo report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import roc_curve

from creditline.reporting.charts import Chart, figure, png
from creditline.reporting.html import html_table, render
from creditline.scoring import metrics
from creditline.scoring.scorecard import Scorecard, binary_target

_TEMPLATES = Path(__file__).parent / "templates"
DPI = 90


def _png(fig: Figure) -> str:
    return png(fig, dpi=DPI)


def _roc(y: np.ndarray, p: np.ndarray, auc: float) -> Chart:
    fpr, tpr, _ = roc_curve(y, p)
    fig, ax = figure(5, 4, frame=True)
    ax.plot(fpr, tpr, label=f"model (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], "--", color="grey", label="random")
    ax.set_xlabel("false positive rate (goods declined)")
    ax.set_ylabel("true positive rate (bads caught)")
    ax.legend(loc="lower right")
    return Chart("ROC curve", _png(fig))


def _ks(y: np.ndarray, score: np.ndarray, ks: float) -> Chart:
    order = np.argsort(score, kind="stable")
    ys, ss = y[order], score[order]
    cum_bad = np.cumsum(ys) / ys.sum()
    cum_good = np.cumsum(1 - ys) / (1 - ys).sum()
    fig, ax = figure(5, 4, frame=True)
    ax.plot(ss, cum_bad, label="bads")
    ax.plot(ss, cum_good, label="goods")
    k = int(np.argmax(cum_bad - cum_good))
    ax.vlines(ss[k], cum_good[k], cum_bad[k], colors="red", label=f"KS {ks:.3f}")
    ax.set_xlabel("score")
    ax.set_ylabel("cumulative share")
    ax.legend(loc="lower right")
    return Chart("KS: cumulative bads and goods by score", _png(fig))


def _distribution(y: np.ndarray, score: np.ndarray) -> Chart:
    fig, ax = figure(5, 4, frame=True)
    bins = np.histogram_bin_edges(score, bins=40)
    ax.hist(score[y == 0], bins=bins, alpha=0.6, density=True, label="good")  # type: ignore[arg-type]  # matplotlib's stubs say Sequence[float]; it takes an array
    ax.hist(score[y == 1], bins=bins, alpha=0.6, density=True, label="bad")  # type: ignore[arg-type]  # as above
    ax.set_xlabel("score")
    ax.set_ylabel("density")
    ax.legend()
    return Chart("Score distribution by outcome", _png(fig))


def _calibration(cal: pd.DataFrame) -> Chart:
    fig, ax = figure(5, 4, frame=True)
    x = np.arange(len(cal))
    ax.bar(x - 0.2, cal["predicted_bad_rate"], width=0.4, label="predicted")
    ax.bar(x + 0.2, cal["observed_bad_rate"], width=0.4, label="observed")
    ax.set_xticks(x, [f"{a:.0f}-{b:.0f}" for a, b in zip(cal["min_key"], cal["max_key"])],
                  rotation=45, fontsize=7)
    ax.set_xlabel("score band")
    ax.set_ylabel("bad rate")
    ax.legend()
    return Chart("Calibration by score band", _png(fig))


def _woe_bars(card: Scorecard) -> list[Chart]:
    charts = []
    table = card.table()
    for v in card.variables_:
        t = table[table["variable"] == v]
        fig, ax = figure(4, 3, frame=True)
        colors = ["#2da44e" if w >= 0 else "#cf222e" for w in t["woe"]]
        ax.bar(range(len(t)), t["woe"], color=colors)
        ax.set_xticks(range(len(t)), [str(b)[:18] for b in t["bin"]], rotation=60, fontsize=6)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set_ylabel("WOE (higher = safer)")
        charts.append(Chart(f"{v} (IV {card.bins_[v].iv:.3f})", _png(fig)))
    return charts


def _importance(model: Any) -> Chart:
    imp = sorted(model.importance().items(), key=lambda kv: kv[1])
    fig, ax = figure(5, max(3, 0.25 * len(imp)), frame=True)
    ax.barh([k for k, _ in imp], [v for _, v in imp])
    ax.set_xlabel("total gain")
    return Chart("Variable importance (gain)", _png(fig))


def build_report(model: Any, X: Any, y: Any, *, title: str = "Model report",
                 generated_at: datetime | None = None, n_bands: int = 10) -> str:
    """The report as an HTML string."""
    score = np.asarray(model.score(X), dtype=np.float64)
    _, y01 = binary_target(y, len(score))
    p = model.predict_proba(X)[:, 1]
    disc = metrics.discrimination(y01, p)
    cal_sum = metrics.calibration_summary(y01, p)
    cal = metrics.calibration_table(y01, p, score=score, n_bands=n_bands)
    gains = metrics.gains_table(y01, p, n_bands=n_bands)
    is_card = isinstance(model, Scorecard)
    charts = [_roc(y01, p, disc["auc"]), _ks(y01, score, disc["ks"]),
              _distribution(y01, score), _calibration(cal)]
    if not is_card:
        charts.append(_importance(model))
    kpis = [("AUC", f"{disc['auc']:.4f}"), ("KS", f"{disc['ks']:.4f}"),
            ("Gini", f"{disc['gini']:.4f}"),
            ("Predicted bad rate", f"{cal_sum['predicted_bad_rate']:.2%}"),
            ("Observed bad rate", f"{cal_sum['observed_bad_rate']:.2%}"),
            ("Brier", f"{cal_sum['brier']:.4f}")]
    return render(
        _TEMPLATES, "model_report.html.j2",
        title=title,
        kind_label="WOE logistic scorecard" if is_card else "LightGBM challenger",
        card_type=model.card_type, n_rows=len(y01), n_bad=int(y01.sum()),
        generated_at=generated_at.isoformat(timespec="seconds") if generated_at else None,
        kpis=kpis, charts=charts,
        gains_html=html_table(gains), calibration_html=html_table(cal),
        woe_charts=_woe_bars(model) if is_card else [],
        card_html=html_table(model.table()) if is_card else None,
        dropped=sorted(model.dropped_.items()) if is_card else [],
    )
