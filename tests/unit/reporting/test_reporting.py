"""The shared report kit: charts are real PNGs embedded in the page, templates escape what
they are given, and both reports (model and demo) draw every chart through it."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pandas as pd

from creditline.reporting.charts import Chart, figure, png, thousands
from creditline.reporting.html import html_table, render
from creditline.scoring import Scorecard
from creditline.scoring.report import build_report
from creditline.simulate import report as demo_report
from tests.unit.scoring.simdata import simulate, split

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def embedded_pngs(html: str) -> list[bytes]:
    return [base64.b64decode(b) for b in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]


def test_a_chart_is_a_png_of_the_figure_and_frames_are_optional() -> None:
    fig, ax = figure(3, 2)
    ax.plot([0, 1], [1, 0])
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    chart = Chart("a line", png(fig), caption="falls")
    assert base64.b64decode(chart.png).startswith(PNG_MAGIC)
    _, framed = figure(3, 2, frame=True)
    assert framed.spines["top"].get_visible()
    assert (thousands(1_500_000), thousands(12_000), thousands(950)) == ("1.5M", "12k", "950")


def test_templates_escape_their_input_but_not_tables(tmp_path: Path) -> None:
    (tmp_path / "t.html.j2").write_text("<h1>{{ title }}</h1>{{ table }}{{ n | twice }}")
    html = render(tmp_path, "t.html.j2", filters={"twice": lambda v: v * 2},
                  title="<script>x</script>", table=html_table(pd.DataFrame({"a": [0.123456]})),
                  n=21)
    assert "&lt;script&gt;" in html and "<table" in html and "0.1235" in html
    assert html.endswith("42")


def test_every_model_report_chart_is_an_embedded_png() -> None:
    train, test = split(simulate(n=3000, seed=1))
    card = Scorecard().fit(train.X, train.y)
    pngs = embedded_pngs(build_report(card, test.X, test.y))
    assert len(pngs) == 4 + len(card.variables_)
    assert all(p.startswith(PNG_MAGIC) for p in pngs)


def small_summary() -> dict[str, Any]:
    """A demo summary of two months, enough for every chart."""
    months = [{"month": f"2026-{m:02d}", "utilisation": 0.3, "delinquent_share": 0.02,
               "share_30_plus": 0.01,
               "buckets": {"current": "1000.00", "1-30": "20.00", "31-60": "0.00",
                           "61-90": "0.00", "90+": "0.00"},
               "purchases": {"amount": "500.00"}, "repayments": {"amount": "400.00"},
               "returns": {"amount": "10.00"}} for m in (1, 2)]
    summary = {
        "applications": {"applied": 10, "screened_out": 1, "scored": 9, "approved": 6,
                         "referred": 1, "declined_after_scoring": 2},
        "scores": {"edges": [500, 550, 600], "good": [2, 5], "bad": [2, 0],
                   "lowest_referred": 540, "lowest_approved": 560},
        "truth": {g: {"bad_rate": 0.1, "mean_true_pd": 0.08, "applicants": 3}
                  for g in ("approved", "referred", "declined")},
        "fraud": {"by_kind": {"ring": {"caught": 1, "missed": 0}}, "caught": 1,
                  "fraudsters": 1, "missed_balance_end": "0.00", "false_alarms": 0,
                  "false_alarm_rate": 0.0},
        "months": months,
    }
    return summary


def test_the_demo_report_draws_its_seven_charts_with_captions() -> None:
    charts = demo_report.charts(small_summary())
    assert [c.title for c in charts] == [
        "Application funnel", "Score distribution by true outcome",
        "Decisions against the hidden truth", "Fraud caught vs missed",
        "Utilisation and delinquency over time", "Balances by days past due",
        "Purchases, repayments and returns"]
    assert all(c.caption for c in charts)
    assert all(base64.b64decode(c.png).startswith(PNG_MAGIC) for c in charts)
