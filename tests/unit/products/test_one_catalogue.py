"""One catalogue for origination and servicing: the policy grants within the limits servicing
opens lines with, both read them from the same product, and every decision records which
catalogue version it used."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from creditline.errors import ValidationError
from creditline.policy.decision import decide
from creditline.policy.facts import Applicant, PolicyFacts
from creditline.policy.ruleset import default_ruleset
from creditline.products.catalog import Catalog, default_catalog

RS = default_ruleset()


def person(requested: str | None = None) -> PolicyFacts:
    return PolicyFacts(product="consumer_bnpl", kind="person", score=650, pd=0.01,
                       applicant=Applicant(30, D("12000.00")),
                       requested_limit=None if requested is None else D(requested))


def with_bnpl(**changes: object) -> Catalog:
    cat = default_catalog()
    bnpl = dataclasses.replace(cat.get("consumer_bnpl"), **changes)  # type: ignore[arg-type]
    return Catalog("test", {**cat.products, "consumer_bnpl": bnpl}, "f" * 64)


def test_a_decision_carries_the_catalogue_limits_and_version() -> None:
    cat = default_catalog()
    d = decide(RS, person())
    bnpl = cat.get("consumer_bnpl")
    assert (d.min_limit, d.max_limit, d.second_review_above) == (
        bnpl.limit_min, bnpl.limit_max, bnpl.second_review_above)
    assert d.products_version == cat.label and d.as_json()["products_version"] == cat.label


def test_the_policy_follows_an_edited_catalogue() -> None:
    """A request of 600.00 is granted under the shipped minimum of 500.00, declined under a
    minimum of 1,000.00, and capped by a lower maximum."""
    assert decide(RS, person("600.00")).decision == "approved"
    raised = decide(RS, person("600.00"), with_bnpl(limit_min=D("1000.00")))
    assert raised.decision == "declined" and raised.reasons[0] == "LIMIT_BELOW_MIN"
    assert raised.products_version == "test+ffffffffffff"
    capped = decide(RS, person(), with_bnpl(limit_max=D("8000.00")))
    assert capped.limit == D("8000.00") and capped.basis is not None
    assert capped.basis.binding == "PRODUCT_MAX"


def test_who_a_product_is_for_comes_from_the_catalogue() -> None:
    enterprise_bnpl = with_bnpl(customer_kind="enterprise")
    with pytest.raises(ValidationError, match="consumer_bnpl is for enterprise customers"):
        decide(RS, person(), enterprise_bnpl)
