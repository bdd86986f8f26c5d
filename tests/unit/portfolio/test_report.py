"""The risk disclosure report looked at as a person would: a book of two years, rendered in
English and Chinese to HTML and PDF; the PDF's first pages are rasterised (pypdfium2) and
must not be blank, and no table may be wider than the page (WeasyPrint's own layout boxes).
The width check is shown to fail on a table that is too wide."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from creditline.portfolio.book import build_book
from creditline.portfolio.report import ReportInput, compute, default_sections, render, write
from tests.unit.portfolio.book_support import inputs, line, states

AS_OF = date(2026, 12, 31)


def two_years() -> ReportInput:
    """24 vintages of 25 lines; each line may fall late some month and roll on or cure."""
    rnd = random.Random(11)
    lines, intervals, statements = [], [], []
    regions = ["Shanghai", "Beijing", "Guangdong", "Zhejiang", "Sichuan"]
    for v in range(24):
        opened = date(2025, 1, 1) + timedelta(days=31 * v)
        for i in range(25):
            lid = f"L{v:02d}{i:02d}"
            kind = "enterprise" if i % 5 == 0 else "person"
            lines.append(line(lid, opened, balance=rnd.randint(1000, 900000),
                              kind=kind, industry="CFGKM"[i % 5] if kind == "enterprise" else None,
                              region=regions[i % 5], channel=["app", "web"][i % 2],
                              band="ABCDE"[i % 5]))
            day = opened + timedelta(days=40)
            if rnd.random() < 0.3 and day < AS_OF:
                out = day + timedelta(days=30)
                intervals.append((lid, "M1", day, out if rnd.random() < 0.5 else None))
                if rnd.random() < 0.5 and out < AS_OF:
                    intervals.append((lid, "M2", out, None))
            d = opened.replace(day=1)
            while d <= AS_OF:
                statements.append((lid, d, rnd.randint(1000, 900000)))
                d = (d + timedelta(days=32)).replace(day=1)
    book = build_book(inputs(lines, intervals, statements,
                             categories=[("groceries", 500000), ("travel", 300000)]),
                      AS_OF, states())
    return ReportInput(book, {"signals": [], "warning_rules": "test"})


def layout(html: str) -> object:
    """WeasyPrint's layout of the report with the print style ``reporting.pdf`` uses."""
    from weasyprint import CSS, HTML

    from creditline.reporting.pdf import PRINT_CSS

    return HTML(string=html).render(stylesheets=[CSS(string=PRINT_CSS)])


def overflowing_tables(doc: object) -> list[tuple[int, float, float]]:
    """(page, table right edge, content right edge) of every table past the page's content
    box, from the layout boxes."""
    from weasyprint.formatting_structure import boxes

    out = []
    for n, page in enumerate(doc.pages, 1):  # type: ignore[attr-defined]
        pb = page._page_box
        right = pb.content_box_x() + pb.width
        stack = [pb]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.TableBox):
                edge = box.position_x + box.margin_width()
                if edge > right + 0.5:
                    out.append((n, edge, right))
            stack.extend(getattr(box, "children", []))
    return out


@pytest.fixture(scope="module")
def report() -> ReportInput:
    return two_years()


def test_the_report_prints_in_both_languages_without_overflow(report: ReportInput,
                                                             tmp_path: Path) -> None:
    """The HTML is written as ``creditline report risk`` writes it; the PDF is printed from
    the same layout the width check reads (one layout per language: it is the slow part)."""
    pdfium = pytest.importorskip("pypdfium2")
    paths = write(report, tmp_path / "risk.html", pdf=False)
    assert sorted(p.name for p in paths) == ["risk.en.html", "risk.zh.html"]
    zh = (tmp_path / "risk.zh.html").read_text(encoding="utf-8")
    assert "风险披露报告" in zh and "迁移矩阵" in zh and "方法说明" in zh
    en = (tmp_path / "risk.en.html").read_text(encoding="utf-8")
    assert "Vintage curves" in en and "Transition matrix" in en
    for lang in ("en", "zh"):
        doc = layout((tmp_path / f"risk.{lang}.html").read_text(encoding="utf-8"))
        assert overflowing_tables(doc) == []
        target = tmp_path / f"risk.{lang}.pdf"
        target.write_bytes(doc.write_pdf())  # type: ignore[attr-defined]
        pdf = pdfium.PdfDocument(str(target))
        assert len(pdf) >= 4
        for i in range(3):
            img = np.asarray(pdf[i].render(scale=0.6).to_pil().convert("L"), dtype=float)
            ink = (img < 200).mean()  # share of the page that is not white
            assert ink > 0.01, (lang, i)  # something readable is drawn
            assert img.std() > 10, (lang, i)


def test_the_width_check_catches_a_table_that_is_too_wide() -> None:
    wide = ("<table>" + "<tr>" + "".join(f"<td>column-{k:03d}-wide</td>" for k in range(40))
            + "</tr></table>")
    assert overflowing_tables(layout(f"<html><body>{wide}</body></html>"))


def test_sections_are_data_the_api_can_answer(report: ReportInput) -> None:
    data = compute(report)
    assert list(data["sections"]) == ["vintages", "rolls", "concentration", "warnings", "ecl",
                                      "movement", "stress", "cashflow"]
    # built from a book alone (no store), the ECL sections say they were not computed
    assert all(data["sections"][k] == {"available": False}
               for k in ("ecl", "movement", "stress", "cashflow"))
    assert data["book"]["lines"] == 600
    import json
    json.dumps(data)  # JSON-able as it stands
    # a section appended after these (as the ecl lane will) renders without touching them
    from creditline.portfolio.report import Section
    extra = Section("ecl", {"en": "Expected credit loss", "zh": "预期信用损失"},
                    lambda inp: {"lines": inp.book.snapshot.height}, "_vintages.html.j2")
    secs = default_sections()
    assert [s.key for s in secs][-1] == "cashflow"
    html = render(report, "en", [*secs[:1], Section(extra.key, extra.title,
                                                    _vintage_like, "_vintages.html.j2")])
    assert "Expected credit loss" in html


def _vintage_like(inp: ReportInput) -> dict[str, object]:
    return {"pivots": {c: {"mobs": [], "rows": []} for c in
                       ("share_30", "share_90", "share_co", "balance_share_30")}}
