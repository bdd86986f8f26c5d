"""Closing and restructuring a credit line (issue 14): customer closure requests with
proofs, the system review (versioned decision tables), the manual review queue with
maker-checker, the outcome (``closing`` and the end-of-day close, or a limit reduction),
enterprise negotiation cases, restructuring of outstanding draws and the emergency plan
(acceleration).  Pure domain here; services in ``closure.services``."""
