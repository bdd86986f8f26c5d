"""Watching the book (issue 17): the book as of a date as columns (``book``), vintages
(``vintages``), roll rates and the transition matrix (``rolls``), concentration
(``concentration``), early warning (``warning``) and the risk disclosure report (``report``).

Domain code: pure column functions over Polars frames and an explicit business date.  The
store reads the book in bulk (``creditline.store.portfolio``); ``services`` joins the two.
The expected credit loss, stress tests and cash-flow forecast (``ecl``, ``stress``,
``cashflow``) are the ``ecl`` lane's and plug into the report as sections of their own."""
