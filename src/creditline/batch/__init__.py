"""Batch engines: whole-book passes over columns, partitioned by line id.  End of day is an
ordered pipeline of stages (``pipeline``), the servicing kernel its first (``eod``), run
over the book, one stage alone or one line (``run``).  ``batch`` imports the domain; no
domain package imports ``batch``."""
