"""Special terms ("one enterprise, one policy") need a maker and a different checker."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.origination import special_terms as st

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def proposal() -> st.SpecialTerms:
    return st.propose(terms_id="t1", customer_id="e1", customer_kind="enterprise",
                      product="sme_line", limit="2000000.00", terms="quarterly statements",
                      valid_until=date(2026, 12, 31), today=date(2026, 3, 2), user_id="ro1",
                      user_name="risk-1", at=AT)


def test_the_proposer_cannot_approve_their_own_terms() -> None:
    with pytest.raises(Forbidden, match="maker-checker"):
        st.decide(proposal(), approve=True, user_id="ro1", user_name="risk-1", comment=None, at=AT)


def test_a_second_officer_approves_and_the_terms_are_in_force_until_they_lapse() -> None:
    ok = st.decide(proposal(), approve=True, user_id="ro2", user_name="risk-2", comment="fine",
                   at=AT)
    assert ok.status == st.APPROVED and ok.limit == D("2000000.00")
    assert ok.in_force(date(2026, 12, 31)) and not ok.in_force(date(2027, 1, 1))
    with pytest.raises(Conflict):
        st.decide(ok, approve=True, user_id="ro3", user_name="risk-3", comment=None, at=AT)
    revoked = st.revoke(ok, user_id="ro3", user_name="risk-3", comment="covenant breach", at=AT)
    assert not revoked.in_force(date(2026, 6, 1))


def test_only_enterprises_and_the_sme_product_take_special_terms() -> None:
    with pytest.raises(ValidationError) as err:
        st.propose(terms_id="t", customer_id="p", customer_kind="person", product="sme_line",
                   limit="1.00", terms="x", valid_until=None, today=date(2026, 3, 2),
                   user_id="u", user_name="u", at=AT)
    assert err.value.field == "customer_id"
    rejected = st.decide(proposal(), approve=False, user_id="ro2", user_name="risk-2",
                         comment="no", at=AT)
    assert rejected.status == st.REJECTED and not rejected.in_force(date(2026, 3, 2))
