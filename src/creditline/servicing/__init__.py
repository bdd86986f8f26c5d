"""Servicing: products, installment schedules, purchases, returns, repayments, statements, end of day."""
