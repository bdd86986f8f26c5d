"""Losses: write-off (charge-off) of balances that will not be repaid, recoveries after it,
and the sale of non-performing debt to a named buyer (issue 16, second half).

- ``charge_off``: what a write-off credits and debits, and the installments written down;
- ``sale``: a pool of debts chosen by filters, priced, previewed, sold;
- ``payments``: the small rule servicing asks on every repayment: a payment on a written-off
  line is a recovery, one on a sold line is owed on to the buyer;
- ``rules``: the write-off rule family (days past due per line kind, a decision table);
- ``services``: the use cases, with maker-checker.
"""
