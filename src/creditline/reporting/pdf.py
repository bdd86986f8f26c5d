"""The same report as PDF, printed by WeasyPrint from the self-contained HTML (the charts are
already embedded PNGs, so nothing is fetched).  ``PRINT_CSS`` is laid over the report's own
style for paper (WeasyPrint takes it as a user stylesheet, hence ``!important``): numbered
A4 landscape pages (the demo's month-by-month table is 14 columns wide), no screen-width
centring, KPI boxes and charts three to a row, and no chart, KPI box or table row cut across
a page break.  The HTML itself is unchanged, so the browser and the PDF show the same
content.

WeasyPrint needs Pango (Debian: ``libpango-1.0-0``, ``libpangoft2-1.0-0``) and a font
(``fonts-dejavu-core``); ``.ci/run`` installs them when they are missing."""

from __future__ import annotations

from pathlib import Path

from creditline.errors import CreditlineError

PRINT_CSS = """
@page { size: A4 landscape; margin: 12mm 12mm 14mm 12mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt;
                        color: #57606a; } }
body { margin: 0 !important; max-width: none !important; padding: 0 !important;
       font-size: 9.5pt !important; }
h2 { break-after: avoid; }
.kpis { display: block !important; }
.kpi { display: inline-block !important; width: 32% !important; box-sizing: border-box !important;
       margin: 0 .8% .5rem 0 !important; vertical-align: top; break-inside: avoid; }
.charts { display: grid !important; grid-template-columns: 1fr 1fr 1fr !important; gap: .8rem; }
figure, tr, img { break-inside: avoid; }
table { font-size: 7pt !important; max-width: 100%; }
th, td { padding: .1rem .3rem !important; }
"""


class PdfUnavailable(CreditlineError):
    """WeasyPrint or the system libraries it loads are missing."""

    http_status = 501
    code = "pdf_unavailable"


def html_to_pdf(html: str) -> bytes:
    """The report as PDF bytes."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: Pango cannot be loaded
        raise PdfUnavailable(
            f"PDF needs WeasyPrint and Pango ({exc}); install them with "
            "`pip install weasyprint` and `apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "fonts-dejavu-core`") from None
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=PRINT_CSS)])
    assert pdf is not None  # write_pdf returns the bytes when no target is given
    return bytes(pdf)


def write_pdf(html: str, path: Path) -> Path:
    """Print ``html`` to ``path``."""
    path.write_bytes(html_to_pdf(html))
    return path
