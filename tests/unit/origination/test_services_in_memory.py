"""Origination and fraud use cases on the in-memory unit of work (``tests/fakes.py``): the
blacklist and special terms, no database, the real service code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from creditline.auth import Principal, Role
from creditline.errors import Conflict, Forbidden, NotFound, ValidationError
from creditline.fraud.services import (
    AddToBlacklist,
    RemoveFromBlacklist,
    add_to_blacklist,
    list_blacklist,
    remove_from_blacklist,
)
from creditline.origination.special_terms_services import (
    DecideTerms,
    ProposeTerms,
    decide_terms,
    propose_terms,
)
from creditline.parties import services as parties
from tests.fakes import FakeUnitOfWork, typed

OFFICER = Principal("u1", "officer", Role.RISK_OFFICER)
SECOND = Principal("u2", "second officer", Role.RISK_OFFICER)


def test_a_phone_is_blacklisted_once_then_removed_once() -> None:
    uow = FakeUnitOfWork()
    entry = add_to_blacklist(AddToBlacklist("phone", "138 1234 5678", "fraud ring"), typed(uow),
                             OFFICER)
    assert (entry.kind, entry.active, entry.created_by) == ("phone", True, "officer")
    assert "5678" in entry.masked and "1234" not in entry.masked
    assert entry.value_hash == uow.cipher.blind_index("13812345678")  # only the keyed hash
    with pytest.raises(Conflict, match="already on the blacklist"):
        add_to_blacklist(AddToBlacklist("phone", "13812345678", "again"), typed(uow), SECOND)

    removed = remove_from_blacklist(RemoveFromBlacklist(entry.id), typed(uow), SECOND)
    assert (removed.active, removed.removed_by, removed.removed_at) == (
        False, "second officer", uow.now())
    with pytest.raises(Conflict, match="already removed"):
        remove_from_blacklist(RemoveFromBlacklist(entry.id), typed(uow), OFFICER)
    assert list_blacklist(typed(uow), "phone", active_only=True) == []
    assert [e.id for e in list_blacklist(typed(uow), None, active_only=False)] == [entry.id]
    assert [a[2] for a in uow.audits] == ["blacklist.added", "blacklist.removed"]


def test_a_blacklist_entry_needs_a_known_kind_and_a_reason_and_removal_a_known_entry() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ValidationError, match="kind"):
        add_to_blacklist(AddToBlacklist("email", "a@b.cn", "spam"), typed(uow), OFFICER)
    with pytest.raises(ValidationError, match="reason"):
        add_to_blacklist(AddToBlacklist("phone", "13812345678", " "), typed(uow), OFFICER)
    with pytest.raises(NotFound):
        remove_from_blacklist(RemoveFromBlacklist("no-such-entry"), typed(uow), OFFICER)
    assert uow.committed.blacklist == {} and uow.audits == []


def test_special_terms_need_a_second_person_to_approve() -> None:
    uow = FakeUnitOfWork()
    firm = parties.register_customer(parties.RegisterEnterprise(
        name="Example Trading Co., Ltd.", uscc="91110000600037341L", industry="F",
        registered_on="2012-05-08", legal_representative="Li Si"), typed(uow), OFFICER)
    proposal = propose_terms(ProposeTerms(
        firm.id, "sme_line", "300000.00", "personal guarantee of the legal representative",
        date(2026, 12, 31)), typed(uow), OFFICER)
    with pytest.raises(Forbidden, match="maker-checker"):
        decide_terms(DecideTerms(proposal.id, approve=True), typed(uow), OFFICER)
    approved = decide_terms(DecideTerms(proposal.id, approve=True, comment="checked"),
                            typed(uow), SECOND)
    assert (approved.status, approved.limit, approved.decided_by_name) == (
        "approved", D("300000.00"), "second officer")
    with uow:
        assert uow.special_terms.in_force(firm.id, "sme_line", date(2026, 6, 1)) == approved
        assert uow.special_terms.in_force(firm.id, "sme_line", date(2027, 1, 1)) is None
