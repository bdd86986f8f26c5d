"""The demo's year ends with the risk report (issue 17): written into the demo's folder in
both languages (the English one also as PDF), its headline figures in the summary under
``portfolio``, and those figures agree with the demo's own month-end buckets."""

from __future__ import annotations

from pathlib import Path

import pytest

from creditline.simulate.demo import DemoConfig, DemoResult, DemoRun
from tests.conftest import SECRET


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    out = tmp_path_factory.mktemp("demo_portfolio")
    return DemoRun(DemoConfig(out=out, customers=150, months=3, seed=5, activity=1.0),
                   secret_key=SECRET).run(report=False)


def test_the_risk_report_is_in_the_demo_folder(demo: DemoResult) -> None:
    out: Path = demo.context.config.out
    p = demo.summary["portfolio"]
    assert p["files"] == ["risk_report.en.html", "risk_report.en.pdf", "risk_report.zh.html"]
    assert "风险披露报告" in (out / "risk_report.zh.html").read_text(encoding="utf-8")
    assert (out / "risk_report.en.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_headline_figures_add_up(demo: DemoResult) -> None:
    p = demo.summary["portfolio"]
    assert p["lines"] == demo.summary["lines"]["opened"]
    assert sum(v["lines"] for v in p["vintages"].values()) == p["lines"]
    assert p["as_of"] == demo.summary["run"]["last_day"]
    row = [x for x in p["matrix_current_row"].values() if x is not None]
    assert row and abs(sum(row) - 1) < 1e-5
    # the book's balance is the demo's own end balance (same lines, read another way)
    assert p["balance"] == demo.summary["end"]["balance"]
