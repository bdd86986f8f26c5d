"""Reports print to PDF (WeasyPrint): the same page, its charts embedded as images; the CLI
writes the PDF beside the HTML and refuses a missing file with exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creditline.reporting.pdf import html_to_pdf
from creditline.scoring import Scorecard
from creditline.scoring.report import build_report
from tests.api.test_cli_foundation import run_cli
from tests.unit.scoring.simdata import simulate, split


def images_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Subtype\s*/Image", pdf))


def test_the_model_report_prints_with_every_chart() -> None:
    train, test = split(simulate(n=3000, seed=2))
    card = Scorecard().fit(train.X, train.y)
    html = build_report(card, test.X, test.y, title="A-card for print")
    charts = html.count("data:image/png;base64,")
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-") and charts == 4 + len(card.variables_)
    assert images_in(pdf) >= charts


def test_report_pdf_writes_beside_the_html_and_refuses_a_missing_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "report.html"
    page.write_text("<!doctype html><h1>Book</h1><img alt='x' src='data:image/png;base64,"
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='>",
                    encoding="utf-8")
    code, out, _ = run_cli(["report", "pdf", str(page)], monkeypatch, capsys)
    assert code == 0 and "report.pdf" in out.replace("\n", "")
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and images_in(pdf) >= 1
    code, _, err = run_cli(["report", "pdf", str(tmp_path / "none.html")], monkeypatch, capsys)
    assert code == 2 and "none.html is not a file" in err
