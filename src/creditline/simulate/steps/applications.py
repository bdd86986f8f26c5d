"""Send every registered applicant's application through origination (screening, A-card,
policy, limit; an approval opens the line in the same transaction).  Persons apply for
``consumer_bnpl`` with their credit-bureau file, device and IP; enterprises for
``sme_line`` with their financial statements and collateral.  Referred applications stay
in the manual review queue, which the simulated reviewers work (``steps.reviewers``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from creditline.origination import apply as origination
from creditline.origination.application import APPROVED
from creditline.scoring.reasons import is_generic
from creditline.simulate.context import ApplicationRecord, DemoContext
from creditline.simulate.default_cards import COLLATERAL

PERSON_PRODUCT = "consumer_bnpl"
ENTERPRISE_PRODUCT = "sme_line"
CHANNEL = "app"


def bureau(row: dict[str, Any]) -> dict[str, Any]:
    """The credit-bureau block of a person's application."""
    return {"existing_debt_monthly": f"{row['existing_debt_monthly']:.2f}",
            "credit_history_months": row["credit_history_months"],
            "num_credit_accounts": row["num_credit_accounts"],
            "revolving_utilization": row["revolving_utilization"],
            "inquiries_6m": row["inquiries_6m"], "delinquencies_24m": row["delinquencies_24m"]}


def financials(row: dict[str, Any]) -> dict[str, str]:
    return {"revenue": f"{row['annual_revenue']:.2f}", "net_profit": f"{row['net_income']:.2f}",
            "current_assets": f"{row['current_assets']:.2f}",
            "current_liabilities": f"{row['current_liabilities']:.2f}",
            "total_assets": f"{row['total_assets']:.2f}",
            "total_liabilities": f"{row['total_liabilities']:.2f}",
            "operating_cash_flow": f"{row['operating_cash_flow']:.2f}",
            "debt_service": f"{row['annual_debt_service']:.2f}"}


def collateral(row: dict[str, Any]) -> list[dict[str, str]]:
    kind = row["collateral_kind"]
    if kind == "none" or not row["collateral_value"]:
        return []
    return [{"kind": COLLATERAL.get(kind, kind),
             "appraised_value": f"{row['collateral_value']:.2f}"}]


def person_truth(ctx: DemoContext) -> dict[str, dict[str, Any]]:
    """The hidden truth of each person, for grading the decisions (never for making them)."""
    return {r["person_id"]: r for r in ctx.population.truth.select(
        "person_id", "bad", "pd_true", "fraud_kind", "default_month").iter_rows(named=True)}


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


class Applications:
    name = "applications"

    def run(self, ctx: DemoContext) -> None:
        pop = ctx.population
        ctx.progress.phase("applications", len(ctx.customer_ids))
        truth = person_truth(ctx)
        holders: list[str] = []
        lines: list[str] = []
        for row in pop.persons.iter_rows(named=True):
            pid = row["person_id"]
            if pid not in ctx.customer_ids:
                continue
            record = self.person(ctx, row, truth[pid])
            if record.line_id is not None:
                holders.append(pid)
                lines.append(record.line_id)
            ctx.progress.advance()
        ctx.add_holders(holders, lines)
        etruth = {r["enterprise_id"]: r for r in pop.enterprise_truth.iter_rows(named=True)}
        for row in pop.enterprises.iter_rows(named=True):
            eid = row["enterprise_id"]
            if eid not in ctx.customer_ids:
                continue
            cmd = origination.Apply(customer_id=ctx.customer_ids[eid],
                                    product=ENTERPRISE_PRODUCT, channel=CHANNEL,
                                    financials=financials(row), collateral=collateral(row))
            self._apply(ctx, cmd, eid, "enterprise", {**etruth[eid], "fraud_kind": "none"})
            ctx.progress.advance()
        ctx.changed()

    @classmethod
    def person(cls, ctx: DemoContext, row: dict[str, Any], truth: dict[str, Any]
               ) -> ApplicationRecord:
        """A registered person's application, with the carrier's phone-tenure answer and
        the home address."""
        pid = row["person_id"]
        cmd = origination.Apply(customer_id=ctx.customer_ids[pid], product=PERSON_PRODUCT,
                                channel=CHANNEL, device_id=row["device_id"], ip=row["ip"],
                                bureau=bureau(row),
                                phone_tenure_months=row["phone_tenure_months"],
                                address=row["address"])
        return cls._apply(ctx, cmd, pid, "person", truth)

    @staticmethod
    def _apply(ctx: DemoContext, cmd: origination.Apply, subject: str, kind: str,
               truth: dict[str, Any]) -> ApplicationRecord:
        outcome = origination.apply(cmd, ctx.uow(), ctx.channel)
        app = outcome.application
        fired = app.checks.get("fired", [])
        record = ApplicationRecord(
            subject_id=subject, kind=kind, product=app.product, status=app.status,
            policy_decision=app.policy_decision, score=app.score, pd=app.pd,
            limit=_cents(app.granted_limit) if app.status == APPROVED else 0,
            declined_by=tuple(f["code"] for f in fired if f["action"] == "decline"),
            referred_by=tuple(f["code"] for f in fired if f["action"] == "refer"),
            reasons=tuple(r["code"] for r in app.reasons), line_id=app.line_id,
            bad=int(truth["bad"]), pd_true=float(truth["pd_true"]),
            fraud_kind=str(truth["fraud_kind"]), default_month=truth["default_month"],
            generic_reasons=sum(is_generic(r["en"], r["zh"]) for r in app.reasons),
            application_id=app.id, review_id=outcome.review_id)
        ctx.applications.append(record)
        return record
