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


# --------------------------------------------------------------------------- ECL and stress
def _disclosure(inp: ReportInput) -> dict[str, Any] | None:
    """The ECL extras (``portfolio.ecl_disclosure``), when the report was built from a store."""
    d = inp.extras.get("ecl_disclosure")
    return d if isinstance(d, dict) else None


def _ecl_data(inp: ReportInput) -> dict[str, Any]:
    d = _disclosure(inp)
    if d is None:
        return {"available": False}
    return {"available": True, "source": d["source"], "run": d["run"],
            "measured_on": d["measured_on"], **d["ecl"]}


def ecl_chart(d: dict[str, Any], lang: str) -> list[Chart]:
    from dataclasses import replace

    from creditline.portfolio.charts import ecl_by_stage

    if not d.get("available") or not d["by"]["stage"]:
        return []
    t = TEXT[lang]
    rows = [{"stage": r["key"], "lines": r["lines"], "ead": r["ead"], "ecl": r["ecl"]}
            for r in d["by"]["stage"]]
    with _fonts():
        c = ecl_by_stage(rows, t["chart_ecl"])
    return [replace(c, caption=t["chart_ecl_caption"].format(
        ecl=_money(d["ecl"]), lines=f"{d['lines']:,}"))]


def _ecl_headlines(d: dict[str, Any]) -> list[Headline]:
    if not d.get("available"):
        return []
    return [("ecl_total", _money(d["ecl"]), ""), ("ecl_coverage", _pct(d["coverage"]), "")]


def _movement_data(inp: ReportInput) -> dict[str, Any]:
    d = _disclosure(inp)
    if d is None:
        return {"available": False}
    return {"available": True, "source": d["source"], "run": d["run"],
            "movement": d["movement"]}


def _stress_data(inp: ReportInput) -> dict[str, Any]:
    d = _disclosure(inp)
    if d is None:
        return {"available": False}
    return {"available": True, "as_of": d["as_of"], "measured_on": d["measured_on"],
            **d["stress"]}


def stress_charts(d: dict[str, Any], lang: str) -> list[Chart]:
    from dataclasses import replace

    from creditline.portfolio.charts import stress_cashflow, stress_ecl

    if not d.get("available") or not d["scenarios"]:
        return []
    t = TEXT[lang]
    names = [s["name"] for s in d["scenarios"]]
    with _fonts():
        a = stress_ecl(names, [dict(zip((1, 2, 3), s["by_stage"], strict=True))
                               for s in d["scenarios"]], t["chart_stress"])
        b = stress_cashflow(names, [s["cumulative"] for s in d["scenarios"]],
                            t["chart_stress_cash"])
    return [replace(a, caption=t["chart_stress_caption"]),
            replace(b, caption=t["chart_stress_cash_caption"])]


def _stress_headlines(d: dict[str, Any]) -> list[Headline]:
    if not d.get("available") or len(d["scenarios"]) < 2:
        return []
    worst = max(d["scenarios"][1:], key=lambda s: s["change"])
    return [("stress_worst", f"+{_money(worst['change'])} ({worst['name']}, "
                             f"{_pct(worst['change_share'])})", "bad")]


def _cashflow_data(inp: ReportInput) -> dict[str, Any]:
    d = _disclosure(inp)
    if d is None or d["cashflow"] is None:
        return {"available": False}
    return {"available": True, "as_of": d["as_of"], "measured_on": d["measured_on"],
            **d["cashflow"]}


def cashflow_chart(d: dict[str, Any], lang: str) -> list[Chart]:
    from creditline.reporting.charts import legend_right, thousands

    if not d.get("available"):
        return []
    t = TEXT[lang]
    months = [m["month"] for m in d["months"]]
    x = np.arange(len(months))
    fig, ax = figure(6.4, 3.4)
    with _fonts():
        ax.bar(x - 0.2, [m["repayments_in"] / 100 for m in d["months"]], 0.4,
               label=t["repayments_in"], color="#4c78a8")
        ax.bar(x + 0.2, [-m["draws_out"] / 100 for m in d["months"]], 0.4,
               label=t["draws_out"], color="#f58518")
        ax.plot(x, [m["cumulative"] / 100 for m in d["months"]], color="#1d2733", marker="o",
                markersize=3, label=t["cumulative"])
        ax.plot(x, [-m["losses"] / 100 for m in d["months"]], color="#e45756", marker=".",
                label=t["losses"])
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.set_xticks(x, [str(m) for m in months])
        ax.set_xlabel(t["month"])
        ax.set_ylabel(t["cny"])
        span = max([abs(m[k]) for m in d["months"] for k in ("repayments_in", "draws_out",
                                                              "losses", "cumulative")] or [0])
        # below 10k CNY the 12k / 1.5M ticks would repeat: whole yuan instead
        ax.yaxis.set_major_formatter(thousands if span >= 1_000_000 else _yuan)
        legend_right(ax)
        img = png(fig)
    return [Chart(t["chart_cash"], img, t["chart_cash_caption"])]


def _yuan(x: float, _pos: float = 0) -> str:
    return f"{x:,.0f}"


def _cashflow_headlines(d: dict[str, Any]) -> list[Headline]:
    if not d.get("available"):
        return []
    return [("funding_need", _money(d["funding_need"]), "bad" if d["funding_need"] else "")]


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
        # issue 17 (reportecl): IFRS 9 ECL, the allowance movement, stress tests, cash flow
        Section("ecl", {"en": "Expected credit loss (IFRS 9)", "zh": "预期信用损失（IFRS 9）"},
                _ecl_data, "_ecl.html.j2", ecl_chart, _ecl_headlines),
        Section("movement", {"en": "Allowance movement", "zh": "损失准备变动"}, _movement_data,
                "_movement.html.j2"),
        Section("stress", {"en": "Stress tests", "zh": "压力测试"}, _stress_data,
                "_stress.html.j2", stress_charts, _stress_headlines),
        Section("cashflow", {"en": "Cash-flow forecast", "zh": "现金流预测"}, _cashflow_data,
                "_cashflow.html.j2", cashflow_chart, _cashflow_headlines),
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
                       headlines=headlines, as_of=data["as_of"],
                       scenario_zh=SCENARIO_ZH)


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


# the ECL, movement, stress and cash-flow sections' texts
TEXT["en"].update({
    "ecl_total": "Expected credit loss (CNY)", "ecl_coverage": "ECL coverage of EAD",
    "stress_worst": "Worst stress: ECL change", "funding_need": "Funding need, 12 months",
    "ecl_from_run": "From the ECL run of {as_of} ({source}; staging {staging}, parameters "
                    "{params}): the loss allowance booked in the ledger.",
    "ecl_computed": "No ECL run on or before {as_of}: the book as it stands on {on} was "
                    "measured for this report (nothing was booked).",
    "stage": "Stage", "product": "Product", "ead": "EAD (CNY)", "ecl": "ECL (CNY)",
    "el_12m": "12-month EL (CNY)", "coverage": "Coverage", "total": "Total",
    "ecl_by_stage": "By stage", "ecl_by_product": "By product", "ecl_by_industry":
    "By industry (enterprises; persons under '-')", "ecl_by_region": "By region",
    "triggers": "Staging triggers",
    "trigger": "Trigger", "triggers_none": "No line is in stage 2 or 3.",
    "chart_ecl": "ECL by stage",
    "chart_ecl_caption": "Bars: ECL per stage, labelled with its coverage of EAD. Loss "
                         "allowance {ecl} CNY over {lines} lines.",
    "movement_between": "From the run of {a} to the run of {b}.",
    "movement_none": "Only one ECL run so far (none at the end of the month before {b}): "
                     "no movement to show yet.",
    "movement_computed": "No ECL run yet: no movement to show.",
    "mv_row": "Movement", "mv_lines": "Lines", "stage_n": "Stage {n}",
    "mv_names": "opening|new lines|derecognised (repaid, closed)|transfer to stage 1|"
                "transfer to stage 2|transfer to stage 3|written off|remeasurement|closing",
    "reconciles": "Opening plus every movement equals closing in each stage, to the cent.",
    "not_reconciled": "Does not reconcile: opening plus movements differ from closing.",
    "stress_note": "Measured on the book as it stands on {on} (parameters {params}); "
                   "nothing is stored. Change: against the base scenario.",
    "scenario": "Scenario", "change": "Change (CNY)", "change_share": "Change",
    "chart_stress": "ECL under stress, by stage",
    "chart_stress_caption": "Each scenario reruns staging, PD and LGD on the same book.",
    "chart_stress_cash": "Cumulative net cash flow, 12 months",
    "chart_stress_cash_caption": "Below zero: the book needs funding beyond its repayments.",
    "cash_note": "The base scenario, from the book as it stands on {on}: month 1 is the "
                 "month after.",
    "month": "month", "repayments_in": "Repayments in", "draws_out": "New draws out",
    "losses": "Losses", "net": "Net", "cumulative": "Cumulative", "cny": "CNY",
    "chart_cash": "Cash-flow forecast, 12 months",
    "chart_cash_caption": "Bars: repayments in (up) and new draws out (down); lines: the "
                          "running net and the month's expected losses.",
    "ecl_unavailable": "Not computed: the report was built without the store's ECL data.",
})
TEXT["zh"].update({
    "ecl_total": "预期信用损失（元）", "ecl_coverage": "ECL拨备覆盖率（占EAD）",
    "stress_worst": "最不利压力情景：ECL增加", "funding_need": "未来12个月资金需求",
    "ecl_from_run": "取自{as_of}的ECL计提（{source}；分阶段规则 {staging}，参数 {params}）：即账上"
                    "已计提的损失准备。",
    "ecl_computed": "{as_of}及之前没有ECL计提记录：本报告按{on}的资产现状即时计量（未入账）。",
    "stage": "阶段", "product": "产品", "ead": "违约风险敞口（元）", "ecl": "预期信用损失（元）",
    "el_12m": "12个月预期损失（元）", "coverage": "覆盖率", "total": "合计",
    "ecl_by_stage": "按阶段", "ecl_by_product": "按产品",
    "ecl_by_industry": "按行业（企业；个人记为“-”）", "ecl_by_region": "按地区",
    "triggers": "分阶段触发条件",
    "trigger": "触发条件", "triggers_none": "没有处于第二或第三阶段的额度。",
    "chart_ecl": "各阶段预期信用损失",
    "chart_ecl_caption": "柱：各阶段ECL，标注其占EAD的覆盖率。损失准备合计{ecl}元，"
                         "共{lines}笔额度。",
    "movement_between": "自{a}的计提至{b}的计提。",
    "movement_none": "目前只有一次ECL计提（{b}上月末之前没有）：暂无变动可列示。",
    "movement_computed": "尚无ECL计提记录：暂无变动可列示。",
    "mv_row": "变动项目", "mv_lines": "额度数", "stage_n": "第{n}阶段",
    "mv_names": "期初|新增额度|终止确认（结清、关闭）|转入第一阶段|转入第二阶段|转入第三阶段|"
                "核销|重新计量|期末",
    "reconciles": "各阶段期初加各项变动等于期末，精确到分。",
    "not_reconciled": "未能勾稽：期初加变动不等于期末。",
    "stress_note": "基于{on}的资产现状计量（参数 {params}）；结果不保存。变动：相对基准情景。",
    "scenario": "情景", "change": "变动（元）", "change_share": "变动比例",
    "chart_stress": "压力情景下各阶段ECL",
    "chart_stress_caption": "每个情景在同一资产上重新分阶段并重估PD与LGD。",
    "chart_stress_cash": "未来12个月累计净现金流",
    "chart_stress_cash_caption": "低于零：还款之外需要额外资金。",
    "cash_note": "基准情景，基于{on}的资产现状：第1月为其后一个月。",
    "month": "月份", "repayments_in": "还款流入", "draws_out": "新增支用流出",
    "losses": "损失", "net": "净额", "cumulative": "累计", "cny": "元",
    "chart_cash": "未来12个月现金流预测",
    "chart_cash_caption": "柱：还款流入（向上）与新增支用流出（向下）；线：累计净额与当月预期损失。",
    "ecl_unavailable": "未计算：本报告生成时未取得存储中的ECL数据。",
})
# the shipped stress scenarios' names in Chinese (others show their own title)
SCENARIO_ZH = {"base": "基准：按计量的资产", "export_shock": "出口行业冲击：关税与订单流失打击制造业与"
               "批发零售业，以及出口省份的从业者", "consumer_recession": "消费衰退：收入下降10%，"
               "失业率上升2个百分点，还款减少", "severe": "严重组合：全部PD翻倍，回收减半，还款下降15%"}
