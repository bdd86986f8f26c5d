"""After the last day (issue 17): the book watched as a risk officer would -- the risk
disclosure report written into the demo's folder (HTML in Chinese and English, the English
one also as PDF) and its headline figures for the summary: vintages, roll and cure rates, the
transition matrix's current row, concentration breaches and early-warning readings.  The
book is read once, in bulk; nothing is changed (no alert is kept: a report changes
nothing)."""

from __future__ import annotations

import contextlib
from typing import Any

from creditline.simulate.context import DemoContext

REPORT_STEM = "risk_report"


class PortfolioReport:
    name = "portfolio report"

    def __init__(self, pdf: bool = True) -> None:
        self.pdf = pdf

    def run(self, ctx: DemoContext) -> None:
        from creditline.portfolio import report as rp
        from creditline.portfolio import services as ps

        inp = ps.report_input(ps.BookQuery(), ctx.uow())
        data = rp.compute(inp)
        out = ctx.config.out
        written = []
        for lang in rp.LANGS:
            target = out / f"{REPORT_STEM}.{lang}.html"
            html = rp.render(inp, lang, data=data)
            target.write_text(html, encoding="utf-8")
            written.append(target.name)
            if self.pdf and lang == "en":
                from creditline.reporting.pdf import PdfUnavailable, write_pdf

                # no WeasyPrint / Pango here: the HTML stands alone
                with contextlib.suppress(PdfUnavailable):
                    written.append(write_pdf(html, target.with_suffix(".pdf")).name)
        ctx.portfolio = headline(data) | {"files": written}


def headline(data: dict[str, Any]) -> dict[str, Any]:
    """The figures the summary keeps: the book, each vintage's latest 30+ share, the last
    month's roll and cure rates, the pooled matrix's current row, breaches and alerts."""
    from creditline.portfolio.views import money

    book = data["book"]
    sec = data["sections"]
    latest: dict[str, dict[str, Any]] = {}
    for r in sec["vintages"]["rows"]:
        latest[r["vintage"]] = {"mob": r["mob"], "lines": r["lines"], "share_30": r["share_30"],
                                "share_90": r["share_90"], "share_co": r["share_co"],
                                "balance_share_30": r["balance_share_30"]}
    rolls = sec["rolls"]
    last = rolls["periods"][-1] if rolls["periods"] else None
    names = rolls["states"]
    signals = sec["warnings"]["signals"]
    return {
        "as_of": data["as_of"], "lines": book["lines"], "balance": money(book["balance_cents"]),
        "share_30_balance": book["share_30_balance"],
        "share_90_balance": book["share_90_balance"],
        "written_off": money(book["written_off_cents"]),
        "vintages": latest,
        "last_month": None if last is None else {
            "from": last["from"], "to": last["to"],
            "roll": {k: v for k, v in last["roll"].items() if v is not None},
            "cure": {k: v for k, v in last["cure"].items() if v is not None}},
        "matrix_current_row": dict(zip(names, rolls["matrix"][0], strict=True)),
        "concentration_breaches": len(sec["concentration"]["breaches"]),
        "hhi_industry": sec["concentration"]["dimensions"]["industry"]["hhi"],
        "warnings": {f"{s['indicator']}:{s['segment']}": s["level"] for s in signals
                     if s["level"] != "ok"},
    }
