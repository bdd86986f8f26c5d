"""The risk disclosure report: HTML (and PDF through ``reporting.pdf``) in Chinese and
English, built as an ordered list of sections.

A ``Section`` is a compute function (the book and extras -> JSON-able data), a Jinja partial
in ``portfolio/templates/`` that renders that data, charts drawn from it, and the summary
lines it contributes to the one-page summary.  The report is the summary page, then every
section in order, then the methods.  More sections (the ECL and stress sections of the
``ecl`` lane) are appended to ``default_sections()`` one line each, without touching these.
The data of every section is also the JSON the API answers, so report and API never differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from creditline.portfolio.book import Book
from creditline.reporting.charts import Chart, figure, png

TEMPLATES = Path(__file__).parent / "templates"
LANGS = ("en", "zh")
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "DejaVu Sans"]


@dataclass(frozen=True)
class ReportInput:
    """What every section computes from: the book as of the date, and extras a service
    supplies (``signals``: the early-warning readings; later ``ecl``, ``stress``)."""

    book: Book
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        return self.book.as_of


Headline = tuple[str, str, str]  # (label key, value, css class: "" | "bad" | "good")


@dataclass(frozen=True)
class Section:
    key: str
    title: dict[str, str]  # per language
    compute: Callable[[ReportInput], dict[str, Any]]
    template: str  # a partial in portfolio/templates/
    charts: Callable[[dict[str, Any], str], list[Chart]] = lambda _d, _l: []
    headlines: Callable[[dict[str, Any]], list[Headline]] = lambda _d: []


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


# --------------------------------------------------------------------------- sections
def _vintage_data(inp: ReportInput) -> dict[str, Any]:
    from creditline.portfolio.views import vintages_of

    return vintages_of(inp.book)


def _pivot(rows: list[dict[str, Any]], column: str) -> dict[str, Any]:
    """Vintages down, months on book across: the share in ``column`` (the usual layout)."""
    mobs = sorted({r["mob"] for r in rows})
    table: dict[str, dict[int, float]] = {}
    lines: dict[str, int] = {}
    for r in rows:
        table.setdefault(r["vintage"], {})[r["mob"]] = r[column]
        if r["mob"] == 0:
            lines[r["vintage"]] = r["lines"]
    return {"mobs": mobs, "rows": [{"vintage": v, "lines": lines.get(v, 0),
                                    "cells": [table[v].get(m) for m in mobs]}
                                   for v in sorted(table)]}


def _vintage_section_data(inp: ReportInput) -> dict[str, Any]:
    d = _vintage_data(inp)
    d["pivots"] = {c: _pivot(d["rows"], c) for c in ("share_30", "share_90", "share_co",
                                                      "balance_share_30")}
    return d


def vintage_chart(d: dict[str, Any], lang: str) -> list[Chart]:
    t = TEXT[lang]
    fig, ax = figure(6.4, 3.4)
    with _fonts():
        for v in d["pivots"]["share_30"]["rows"][-12:]:
            pts = [(m, c) for m, c in zip(d["pivots"]["share_30"]["mobs"], v["cells"], strict=True)
                   if c is not None]
            if pts:
                ax.plot([p[0] for p in pts], [100 * p[1] for p in pts], marker=".", label=v["vintage"])
        ax.set_xlabel(t["mob"])
        from matplotlib.ticker import MaxNLocator
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(t["share_30_axis"])
        if d["pivots"]["share_30"]["rows"]:
            ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        img = png(fig)
    return [Chart(t["chart_vintage"], img, t["chart_vintage_caption"])]


def _vintage_headlines(d: dict[str, Any]) -> list[Headline]:
    return []


def _roll_data(inp: ReportInput) -> dict[str, Any]:
    from creditline.portfolio.views import rolls_of

    return rolls_of(inp.book)


def heat_map(d: dict[str, Any], lang: str) -> list[Chart]:
    t = TEXT[lang]
    names = d["states"]
    m = np.array([[np.nan if x is None else x for x in row] for row in d["matrix"]], dtype=float)
    fig, ax = figure(5.6, 4.4, frame=True)
    with _fonts():
        ax.imshow(np.nan_to_num(m, nan=0.0), cmap="Reds", vmin=0, vmax=1)
        ax.set_xticks(range(len(names)), names, fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        ax.set_xlabel(t["to_state"])
        ax.set_ylabel(t["from_state"])
        for i in range(len(names)):
            for j in range(len(names)):
                if not np.isnan(m[i, j]) and m[i, j] > 0:
                    ax.text(j, i, f"{100 * m[i, j]:.0f}", ha="center", va="center", fontsize=7,
                            color="white" if m[i, j] > 0.5 else "black")
        img = png(fig)
    return [Chart(t["chart_heat"], img, t["chart_heat_caption"])]


def _roll_headlines(d: dict[str, Any]) -> list[Headline]:
    if not d["periods"]:
        return []
    last = d["periods"][-1]
    first = d["states"][0]
    return [("roll_m0", _pct(last["roll"].get(first)), ""),
            ("cure_m1", _pct(last["cure"].get(d["states"][1])), "good")]


def _concentration_data(inp: ReportInput) -> dict[str, Any]:
    from creditline.portfolio.views import concentration_of

    return concentration_of(inp.book)


def concentration_chart(d: dict[str, Any], lang: str) -> list[Chart]:
    t = TEXT[lang]
    out = []
    for dim in ("industry", "region"):
        segs = d["dimensions"][dim]["segments"][:10][::-1]
        fig, ax = figure(5.2, 3.2)
        with _fonts():
            ax.barh([s["segment"] for s in segs], [100 * s["share"] for s in segs],
                    color=["#b3261e" if s["breach"] else "#3182bd" for s in segs])
            for s in segs:
                if s["limit"] is not None:
                    ax.plot([100 * float(s["limit"])] * 2,
                            [segs.index(s) - 0.4, segs.index(s) + 0.4], color="black", lw=1)
            ax.set_xlabel(t["share_of_exposure"])
            img = png(fig)
        out.append(Chart(t[f"chart_{dim}"], img, t["chart_concentration_caption"]))
    return out


def _concentration_headlines(d: dict[str, Any]) -> list[Headline]:
    return [("hhi_industry", f"{d['dimensions']['industry']['hhi']:.3f}", ""),
            ("breaches", str(len(d["breaches"])), "bad" if d["breaches"] else "good")]


def _warning_data(inp: ReportInput) -> dict[str, Any]:
    signals = inp.extras.get("signals") or []
    return {"signals": [s.as_json() if hasattr(s, "as_json") else s for s in signals],
            "rules_version": inp.extras.get("warning_rules", "")}


def _warning_headlines(d: dict[str, Any]) -> list[Headline]:
    alerts = sum(1 for s in d["signals"] if s["level"] == "alert")
    return [("alerts", str(alerts), "bad" if alerts else "good")]


def default_sections() -> list[Section]:
    """The report's sections, in order.  Other lanes append theirs here, one line each."""
    return [
        Section("vintages", {"en": "Vintages", "zh": "账龄分析（Vintage）"}, _vintage_section_data,
                "_vintages.html.j2", vintage_chart, _vintage_headlines),
        Section("rolls", {"en": "Roll rates and the transition matrix",
                          "zh": "滚动率与迁移矩阵"}, _roll_data, "_rolls.html.j2", heat_map,
                _roll_headlines),
        Section("concentration", {"en": "Concentration", "zh": "集中度"}, _concentration_data,
                "_concentration.html.j2", concentration_chart, _concentration_headlines),
        Section("warnings", {"en": "Early warning", "zh": "风险预警"}, _warning_data,
                "_warnings.html.j2", headlines=_warning_headlines),
    ]


# --------------------------------------------------------------------------- the whole
def book_headlines(book: Book) -> dict[str, Any]:
    """The book in a few figures (the summary page and the demo summary's ``portfolio``)."""
    s = book.snapshot
    st = book.states
    on = s.filter(~s["charged_off"]) if s.height else s
    bal = int(on["balance"].sum()) if on.height else 0
    b30 = int(on.filter(on["state"] >= st.dpd30)["balance"].sum()) if on.height else 0
    b90 = int(on.filter(on["state"] >= st.dpd90)["balance"].sum()) if on.height else 0
    wo = int(s["written_off"].sum()) if s.height else 0
    n = s.height
    l30 = int((on["state"] >= st.dpd30).sum()) if on.height else 0
    return {"as_of": book.as_of.isoformat(), "lines": n, "balance_cents": bal,
            "balance_30_cents": b30, "balance_90_cents": b90, "written_off_cents": wo,
            "share_30_lines": round(l30 / n, 4) if n else 0.0,
            "share_30_balance": round(b30 / bal, 4) if bal else 0.0,
            "share_90_balance": round(b90 / bal, 4) if bal else 0.0,
            "charged_off_lines": int(s["charged_off"].sum()) if n else 0}


def compute(inp: ReportInput, sections: Sequence[Section] | None = None) -> dict[str, Any]:
    """Every section's data, by key (JSON-able), plus the book's headline figures."""
    secs = list(sections) if sections is not None else default_sections()
    return {"as_of": inp.as_of.isoformat(), "book": book_headlines(inp.book),
            "sections": {s.key: s.compute(inp) for s in secs}}


def render(inp: ReportInput, lang: str, sections: Sequence[Section] | None = None,
           data: dict[str, Any] | None = None) -> str:
    """The report as one self-contained HTML page in ``lang``."""
    from creditline.reporting.html import render as render_html

    if lang not in LANGS:
        from creditline.errors import ValidationError
        raise ValidationError("lang", f"must be one of {', '.join(LANGS)}")
    secs = list(sections) if sections is not None else default_sections()
    data = data or compute(inp, secs)
    parts = []
    headlines: list[Headline] = []
    for s in secs:
        d = data["sections"][s.key]
        headlines.extend(s.headlines(d))
        parts.append({"key": s.key, "title": s.title.get(lang, s.title["en"]),
                      "template": s.template, "data": d, "charts": s.charts(d, lang)})
    return render_html(TEMPLATES, "risk_report.html.j2", filters={"money": _money, "pct": _pct},
                       lang=lang, t=TEXT[lang], book=data["book"], sections=parts,
                       headlines=headlines, as_of=data["as_of"])


def write(inp: ReportInput, out: Path, langs: Sequence[str] = LANGS, *, pdf: bool = True,
          sections: Sequence[Section] | None = None) -> list[Path]:
    """HTML (and PDF) per language: ``out`` itself when one language is asked, else
    ``<stem>.<lang>.html``; the PDF beside each HTML."""
    from creditline.reporting.pdf import write_pdf

    secs = list(sections) if sections is not None else default_sections()
    data = compute(inp, secs)
    written = []
    out.parent.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        target = out.with_suffix(".html") if len(langs) == 1 else \
            out.with_name(f"{out.stem}.{lang}.html")
        html = render(inp, lang, secs, data)
        target.write_text(html, encoding="utf-8")
        written.append(target)
        if pdf:
            written.append(write_pdf(html, target.with_suffix(".pdf")))
    return written


def _money(cents: Any) -> str:
    from decimal import Decimal

    if isinstance(cents, str):
        return f"{Decimal(cents):,.2f}"
    return f"{Decimal(int(cents or 0)).scaleb(-2):,.2f}"


_CJK_GLOBS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
_registered: list[bool] = []


def _register_cjk() -> None:
    """Matplotlib's font list may predate the system's CJK fonts: add them once, in process
    (without one, Chinese labels would be empty boxes)."""
    if _registered:
        return
    from matplotlib import font_manager

    for path in _CJK_GLOBS:
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
    _registered.append(True)


@contextmanager
def _fonts() -> Iterator[None]:
    """Chinese labels in charts: a CJK font first, for the ``with`` block only."""
    import matplotlib

    _register_cjk()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": CJK_FONTS}):
        yield


TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Risk disclosure report", "as_of": "As of", "summary": "Summary",
        "lines": "Lines on the book", "balance": "Balance (CNY)", "share_30": "30+ DPD (balance)",
        "share_90": "90+ DPD (balance)", "written_off": "Written off (CNY)",
        "roll_m0": "Current to late, last month", "cure_m1": "Cured from M1, last month",
        "hhi_industry": "HHI by industry", "breaches": "Concentration breaches",
        "alerts": "Early-warning alerts", "methods": "Methods", "mob": "months on book",
        "share_30_axis": "% of lines over 30 days past due", "vintage": "Vintage",
        "chart_vintage": "Vintage curves: lines over 30 days past due",
        "chart_vintage_caption": "Each line is the month the lines opened; the later a curve "
                                 "rises and the lower it stays, the better the vintage.",
        "chart_heat": "One-month transition matrix (%)",
        "chart_heat_caption": "Rows: the state at a month end; columns: a month later. "
                              "Cohort method over every month of the history.",
        "from_state": "from", "to_state": "to",
        "share_of_exposure": "% of drawn balance",
        "chart_industry": "Exposure by industry", "chart_region": "Exposure by region",
        "chart_concentration_caption": "Bars past their limit (black tick) are red.",
        "share_30_table": "Share of lines over 30 days past due, by months on book",
        "share_90_table": "Share of lines over 90 days past due, by months on book",
        "share_co_table": "Share of lines charged off, by months on book",
        "balance_share_30_table": "Share of balance over 30 days past due, by months on book",
        "period": "Period", "roll": "Roll rate (to a worse state)", "cure": "Cure rate (back to current)",
        "flow": "Flow rate (balance)", "counts": "Transitions counted",
        "matrix": "Transition matrix", "segment": "Segment", "exposure": "Exposure (CNY)",
        "share": "Share", "limit": "Limit", "breach": "Breach", "rows": "Count",
        "borrowers": "Largest borrowers", "customer": "Customer", "top_ten": "Ten largest together",
        "hhi": "HHI", "dimension": "Dimension", "indicator": "Indicator", "value": "Value",
        "warn": "Warn above", "alert": "Alert above", "level": "Level", "proposal": "Proposed action",
        "none": "none", "no_data": "No data yet.", "limits_version": "Limits",
        "rules_version": "Thresholds", "industry": "Industry", "region": "Region",
        "merchant_category": "Merchant category", "page_note": "All money in CNY.",
    },
    "zh": {
        "title": "风险披露报告", "as_of": "截至", "summary": "摘要",
        "lines": "在账额度数", "balance": "余额（元）", "share_30": "逾期30天以上（余额）",
        "share_90": "逾期90天以上（余额）", "written_off": "核销金额（元）",
        "roll_m0": "上月正常转逾期比例", "cure_m1": "上月M1回正常比例",
        "hhi_industry": "行业HHI指数", "breaches": "集中度超限",
        "alerts": "预警数", "methods": "方法说明", "mob": "账龄（月）",
        "share_30_axis": "逾期30天以上额度占比（%）", "vintage": "放款月份",
        "chart_vintage": "账龄曲线：逾期30天以上占比",
        "chart_vintage_caption": "每条曲线为同一开立月份的额度；曲线越晚抬升、越低，资产质量越好。",
        "chart_heat": "月度迁移矩阵（%）",
        "chart_heat_caption": "行：月末状态；列：一个月后的状态。按队列法汇总全部历史月份。",
        "from_state": "起始", "to_state": "到达",
        "share_of_exposure": "占已用余额（%）",
        "chart_industry": "按行业的敞口", "chart_region": "按地区的敞口",
        "chart_concentration_caption": "超过限额（黑色刻度）的以红色显示。",
        "share_30_table": "逾期30天以上额度占比（按账龄）",
        "share_90_table": "逾期90天以上额度占比（按账龄）",
        "share_co_table": "核销额度占比（按账龄）",
        "balance_share_30_table": "逾期30天以上余额占比（按账龄）",
        "period": "期间", "roll": "滚动率（恶化）", "cure": "回收率（回到正常）",
        "flow": "流转率（余额）", "counts": "迁移计数",
        "matrix": "迁移矩阵", "segment": "分组", "exposure": "敞口（元）",
        "share": "占比", "limit": "限额", "breach": "超限", "rows": "数量",
        "borrowers": "最大借款人", "customer": "客户", "top_ten": "前十大合计",
        "hhi": "HHI", "dimension": "维度", "indicator": "指标", "value": "数值",
        "warn": "关注阈值", "alert": "预警阈值", "level": "级别", "proposal": "建议措施",
        "none": "无", "no_data": "暂无数据。", "limits_version": "限额版本",
        "rules_version": "阈值版本", "industry": "行业", "region": "地区",
        "merchant_category": "商户类别", "page_note": "金额单位：人民币元。",
    },
}
