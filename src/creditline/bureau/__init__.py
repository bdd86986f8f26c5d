"""Credit-bureau reporting (issue 16): the monthly account file for the PBoC credit
reference system, with the notice before negative information (art. 15), disputes and
corrections, and the five-year limit on negative information (art. 16)."""
