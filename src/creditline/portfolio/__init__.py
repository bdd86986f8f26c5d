"""Watching the book (issue 17): the book as of a date as columns (``book``), vintages
(``vintages``), roll rates and the transition matrix (``rolls``), concentration
(``concentration``), early warning (``warning``) and the risk disclosure report (``report``).

Domain code: pure column functions over Polars frames and an explicit business date.  The
store reads the book in bulk (``creditline.store.portfolio``); ``services`` joins the two.
IFRS 9 expected credit loss (``staging``, ``ecl``, ``movement``, ``allowance``), stress tests
(``stress``) and the cash-flow forecast (``cashflow``) plug into the report as sections of
their own."""
