"""``creditline report pdf``: print a report (the demo's ``report.html``, a model report) to
PDF with WeasyPrint.  The HTML reports are self-contained, so any of them converts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from creditline.cli.common import console
from creditline.errors import ValidationError
from creditline.reporting.pdf import write_pdf

sub = typer.Typer(help="Reports: print an HTML report to PDF.", no_args_is_help=True)


@sub.command("pdf")
def report_pdf(
    html: Annotated[Path, typer.Argument(help="A report written by `creditline demo` or "
                                              "`creditline model report`.")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Where to write the PDF; default: beside the HTML, as .pdf.",
        show_default=False)] = None,
) -> None:
    """Print an HTML report to PDF.

    A4, with charts and tables kept whole across pages."""
    if not html.is_file():
        raise ValidationError("HTML", f"{html} is not a file")
    target = out or html.with_suffix(".pdf")
    write_pdf(html.read_text(encoding="utf-8"), target)
    console.print(f"PDF written to {target} ({target.stat().st_size // 1024} KiB)")
