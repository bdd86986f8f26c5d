"""The risk disclosure report's expected credit loss, allowance movement, stress and cash-flow
sections, on the three-line book of ``test_ecl_provisions`` (SQLite and PostgreSQL):

- Li Lei buys 1,200.00 in 12 installments on 2 March and pays her bills;
- Han Meimei buys 3,000.00 in 6 installments on 2 March and never pays (stage 2 by 31 May:
  DPD_30 and FROZEN);
- Wang Fang holds a 2,000.00 line she never uses.

Before the first month-end provision the report measures the book itself and says so; after
the April and May provisions it discloses May's run, the movement from April's, and the
stress and cash-flow figures.  Every figure is checked against what the ECL services answer
(``show_ecl``, ``ecl_movement``, ``run_stress``, ``cash_flow``), not against copied
constants.  Then the report is printed in both languages and looked at: no table wider than
the page, no blank page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.portfolio import ecl_services as es
from creditline.portfolio import services as ps
from creditline.portfolio.report import compute, render
from creditline.servicing import services as sv
from tests.integration.servicing_support import eod_through, open_line
from tests.unit.portfolio.test_report import layout, overflowing_tables


def cents(d: Decimal) -> int:
    return int(d.scaleb(2))


def test_the_risk_report_discloses_ecl_movement_stress_and_cash_flow(
        container: Container, clock: FixedClock, tmp_path: Path) -> None:
    clock.set_date(date(2026, 3, 2))
    li, han, _wang = (open_line(container, "10000.00"), open_line(container, "5000.00"),
                      open_line(container, "2000.00"))
    sv.purchase(sv.Purchase(li.id, "1200.00", "JD Mall", "electronics", 12,
                            idempotency_key="li-1"), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(han.id, "3000.00", "JD Mall", "electronics", 6,
                            idempotency_key="han-1"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 5))
    sv.repay(sv.Repay(li.id, "106.00", idempotency_key="li-p1"), container.uow(), SYSTEM)

    # before any provision: the report measures the book itself, and says so
    early = compute(ps.report_input(ps.BookQuery(), container.uow()))["sections"]
    assert early["ecl"]["source"] == "computed" and early["ecl"]["run"] is None
    with container.uow() as uow:
        now = es.measure_book(uow, date.fromisoformat(early["stress"]["measured_on"]))
    assert early["ecl"]["ecl"] == int(now.results["ecl"].sum()) > 0
    assert early["ecl"]["lines"] == now.results.height == 3
    assert early["movement"]["movement"] is None

    eod_through(container, clock, date(2026, 4, 30))
    eod_through(container, clock, date(2026, 5, 5))
    sv.repay(sv.Repay(li.id, "106.00", idempotency_key="li-p2"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 5, 31))

    inp = ps.report_input(ps.BookQuery(), container.uow())
    data = compute(inp)
    sec = data["sections"]

    # ECL: May's provision run, as show_ecl answers it
    shown = es.show_ecl(es.ShowEcl(as_of=inp.as_of), container.uow(), SYSTEM)
    assert shown.run.as_of == date(2026, 5, 31)
    e = sec["ecl"]
    assert (e["source"], e["run"]["id"], e["run"]["source"]) == ("run", shown.run.id,
                                                                 "provisions")
    assert (e["ecl"], e["ead"], e["lines"]) == (cents(shown.run.ecl), cents(shown.run.ead),
                                                shown.run.lines)
    for dim in ("stage", "product", "industry", "region"):
        assert [(r["key"], r["lines"], r["ead"], r["ecl"]) for r in e["by"][dim]] == \
            [(str(r[dim]), r["lines"], r["ead"], r["ecl"]) for r in shown.summaries[dim]]
    assert e["coverage"] == round(e["ecl"] / e["ead"], 6)
    # Han is the one line past stage 1: 51 days late and frozen
    assert e["triggers"] == [{"stage": 2, "trigger": "DPD_30", "lines": 1},
                             {"stage": 2, "trigger": "FROZEN", "lines": 1}]

    # the movement from April's run to May's, as ecl_movement answers it
    mv = es.ecl_movement(es.MovementQuery(date(2026, 4, 30), date(2026, 5, 31)),
                         container.uow(), SYSTEM)
    m = sec["movement"]["movement"]
    assert (m["opening"]["id"], m["closing"]["id"]) == (mv.opening.id, mv.closing.id)
    assert m["reconciles"] and mv.movement.reconciles
    assert {r["row"]: r["stages"] for r in m["rows"]} == \
        {r: [mv.movement.cells[r][s] for s in (1, 2, 3)] for r in mv.movement.cells}
    assert m["rows"][-1]["total"] == e["ecl"]

    # looking back to 30 April: April's run, nothing to move from yet; stress and cash flow
    # are still measured on the book as it stands (the store keeps no past balances)
    back_inp = ps.report_input(ps.BookQuery(as_of=date(2026, 4, 30)), container.uow())
    back = compute(back_inp)["sections"]
    assert back["ecl"]["run"]["id"] == mv.opening.id
    assert back["ecl"]["ecl"] == m["rows"][0]["total"]
    assert back["movement"]["movement"] is None
    assert back["stress"]["measured_on"] == inp.as_of.isoformat() != back["stress"]["as_of"]
    assert "no movement to show yet" in render(back_inp, "en")

    # stress and cash flow, as run_stress and cash_flow answer them on the same date
    view = es.run_stress(es.RunStress(), container.uow(), SYSTEM)
    assert view.as_of == inp.as_of
    assert sec["stress"]["measured_on"] == view.as_of.isoformat()
    st = sec["stress"]["scenarios"]
    assert [(s["name"], s["ecl"], s["el_12m"], s["funding_need"]) for s in st] == \
        [(r.scenario.name, r.ecl, r.el_12m, r.cashflow.funding_need) for r in view.results]
    assert st[0]["name"] == "base" and st[0]["change"] == 0
    assert all(s["change"] == s["ecl"] - st[0]["ecl"] for s in st)
    assert max(s["change"] for s in st) > 0  # some scenario is worse than the base
    _, projection = es.cash_flow(container.uow(), SYSTEM)
    assert sec["cashflow"]["months"] == projection.months.to_dicts()
    assert sec["cashflow"]["funding_need"] == projection.funding_need

    # the early-warning coverage reads the ECL the report discloses
    [cov] = [s for s in sec["warnings"]["signals"] if s["indicator"] == "ecl_coverage"]
    assert cov["value"] == round(e["ecl"] / e["ead"], 4)

    # the summary page's headline figures, in both languages
    en, zh = render(inp, "en", data=data), render(inp, "zh", data=data)
    worst = max(st[1:], key=lambda s: s["change"])
    total = f"{Decimal(e['ecl']).scaleb(-2):,.2f}"
    assert f"Expected credit loss (CNY)<b>{total}</b>" in en
    assert f"预期信用损失（元）<b>{total}</b>" in zh
    assert f"({worst['name']}," in en
    for title in ("Expected credit loss (IFRS 9)", "Allowance movement", "Stress tests",
                  "Cash-flow forecast", "ECL by stage", "DPD_30"):
        assert title in en, title
    for title in ("预期信用损失（IFRS 9）", "损失准备变动", "压力测试", "现金流预测",
                  "转入第二阶段", "出口行业冲击"):
        assert title in zh, title

    # printed and looked at: no table past the page, every page has something on it
    pdfium = pytest.importorskip("pypdfium2")
    for lang, html in (("en", en), ("zh", zh)):
        doc = layout(html)
        assert overflowing_tables(doc) == []
        target = tmp_path / f"risk.{lang}.pdf"
        target.write_bytes(doc.write_pdf())  # type: ignore[attr-defined]
        pdf = pdfium.PdfDocument(str(target))
        assert len(pdf) >= 6
        for i in range(len(pdf)):
            img = np.asarray(pdf[i].render(scale=0.5).to_pil().convert("L"), dtype=float)
            assert (img < 200).mean() > 0.005, (lang, i)
