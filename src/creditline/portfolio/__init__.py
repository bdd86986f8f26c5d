"""Watching the book (issue 17): IFRS 9 expected credit loss, provisions, stress tests and cash flow."""
