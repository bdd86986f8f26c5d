"""Credit policy as data: GoRules JDM decision tables (knock-outs, score cut-offs, the limit
matrix, the debt-burden cap, product maxima, industry caps, collateral haircuts) kept as
versioned files in ``policy/rules/``, evaluated with zen-engine.  Money results (limits) are
computed here in ``Decimal``; the tables only compare."""
