"""Reports every context shares the making of: charts drawn with matplotlib and embedded as
PNGs (``charts``), self-contained HTML rendered from a Jinja template (``html``) and, when
WeasyPrint is installed, the same HTML printed to PDF (``pdf``).  The demo report
(``simulate.report``) and the model report (``scoring.report``) are built on it; the next
reports (portfolio, collections, disclosure) should be too."""
