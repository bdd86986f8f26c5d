"""The book's business calendar: the business date every money event, decision and end of
day is dated on, kept by the store and moved on purpose (``set`` / ``advance``), never read
off the wall clock once an operator has set it.  Timestamps (audit ``at``, token expiry,
``created_at``) stay on the wall clock: the two are different clocks."""
