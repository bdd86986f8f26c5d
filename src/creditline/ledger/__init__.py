"""The double-entry ledger: a chart of accounts, immutable journal entries of balanced
postings, and the checks that keep them so (after beancount and hordak)."""
