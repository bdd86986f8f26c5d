"""After the last day: servicing's reconciliation — every line's cached balances equal its
installments and its postings, the trial balance sums to zero, every entry balances."""

from __future__ import annotations

from creditline.money import money_str
from creditline.servicing import services as servicing
from creditline.simulate.context import DemoContext


class LedgerCheck:
    name = "ledger check"

    def run(self, ctx: DemoContext) -> None:
        report = servicing.check_ledger(ctx.uow())
        ctx.ledger = {"ok": report.ok, "lines_checked": report.lines_checked,
                      "trial_balance_total": money_str(report.trial_balance_total),
                      "unbalanced_entries": len(report.unbalanced_entries),
                      "mismatches": len(report.mismatches)}
