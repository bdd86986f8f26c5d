"""Money guardrails as rules and as services on the in-memory unit of work: what a
repayment may be, what a refund may pay back, and who may move a limit."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from creditline.auth import Principal, Role
from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.lines.proposals import LimitProposal, ProposalStatus
from creditline.servicing import guardrails, services
from creditline.servicing.views import LineView
from tests.fakes import FakeUnitOfWork, typed
from tests.unit.servicing.test_services_in_memory import OFFICER, a_line

CHECKER = Principal("u3", "checker", Role.ADMIN)


def buy(uow: FakeUnitOfWork, line_id: str, amount: str) -> None:
    services.purchase(services.Purchase(line_id, amount, "JD Mall", "phones",
                                        idempotency_key="b1"), typed(uow), OFFICER)


def test_the_cap_is_the_payoff_amount_plus_the_tolerance() -> None:
    assert guardrails.max_repayment(D("100.00"), D("1.00")) == D("101.00")
    assert guardrails.max_repayment(D("0.00"), D("0.00")) == D("0.00")
    guardrails.check_repayment(D("101.00"), D("100.00"), D("1.00"))
    with pytest.raises(ValidationError, match=r"amount: must not exceed 101\.00"):
        guardrails.check_repayment(D("101.01"), D("100.00"), D("1.00"))


def test_only_raises_above_the_threshold_need_a_second_person() -> None:
    assert not guardrails.needs_approval(D("1000.00"), D("2000.00"), D("1000.00"))
    assert guardrails.needs_approval(D("1000.00"), D("2000.01"), D("1000.00"))
    assert not guardrails.needs_approval(D("5000.00"), D("100.00"), D("0.00"))  # a cut


def test_a_proposal_is_decided_once_and_never_by_its_proposer() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    p = LimitProposal("p1", "l1", D("1000.00"), D("9000.00"), "raise", "maker", at)
    with pytest.raises(Forbidden, match="second person"):
        p.decide(True, "maker", at, "mine")
    done = p.decide(False, "checker", at, "no")
    assert (done.status, done.decided_by) == (ProposalStatus.REJECTED, "checker")
    with pytest.raises(Conflict, match="already rejected"):
        done.decide(True, "other", at, "yes")


def test_a_refused_overpayment_writes_nothing_in_memory() -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    buy(uow, line_id, "100.00")
    audits = len(uow.audits)
    with pytest.raises(ValidationError, match=r"must not exceed 101\.00"):
        services.repay(services.Repay(line_id, "9999999999999.99", "k"), typed(uow), OFFICER)
    assert len(uow.audits) == audits
    assert services.get_line(line_id, typed(uow)).credit_balance == 0
    # a lender with no tolerance at all takes exactly the payoff
    with pytest.raises(ValidationError, match=r"must not exceed 100\.00"):
        services.repay(services.Repay(line_id, "100.01", "k", tolerance="0.00"), typed(uow),
                       OFFICER)


def test_a_refund_is_audited_and_announced() -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    buy(uow, line_id, "100.00")
    services.repay(services.Repay(line_id, "101.00", "pay"), typed(uow), OFFICER)
    assert services.get_line(line_id, typed(uow)).credit_balance == D("1.00")
    v = services.refund(services.Refund(line_id, "1.00", "r1"), typed(uow), OFFICER)
    assert (v.amount, v.credit_balance) == (D("1.00"), D("0.00"))
    assert uow.audits[-1][2] == "refund.created"
    topic, payload = uow.events[-1]
    assert topic == "refund.requested" and payload["refund_id"] == v.id
    assert payload["amount"] == D("1.00")
    assert services.get_line(line_id, typed(uow)).credit_balance == 0


def test_a_proposal_moves_the_limit_only_when_approved() -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    p = services.change_limit(services.ChangeLimit(line_id, "9000.00", "big raise"),
                              typed(uow), OFFICER)
    assert isinstance(p, LimitProposal) and p.status is ProposalStatus.PENDING
    assert services.get_line(line_id, typed(uow)).limit == D("1000.00")
    assert [a[2] for a in uow.audits][-1] == "line.limit_proposed"
    with pytest.raises(Forbidden):
        services.decide_limit_proposal(services.DecideLimitProposal(p.id, True, "ok"),
                                       typed(uow), OFFICER)
    done = services.decide_limit_proposal(services.DecideLimitProposal(p.id, True, "ok"),
                                          typed(uow), CHECKER)
    assert done.status is ProposalStatus.APPROVED
    view = services.get_line(line_id, typed(uow))
    assert isinstance(view, LineView) and view.limit == D("9000.00")
    last = services.limit_history(line_id, typed(uow))[-1]
    assert (last.old_limit, last.new_limit, last.actor) == (D("1000.00"), D("9000.00"), "checker")
    assert "officer" in last.note and "checker" in last.note
    assert services.list_limit_proposals(typed(uow)).items == []
