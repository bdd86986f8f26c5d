"""The products file is data the risk team edits: it loads, and a bad edit is refused with
the field and the rule named."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from creditline.errors import ValidationError
from creditline.servicing.products import (
    Waterfall,
    default_catalog,
    parse_catalog,
    product_terms,
    terms_product,
)


def raw() -> dict[str, Any]:
    text = resources.files("creditline.servicing").joinpath("data/products.json").read_text()
    return json.loads(text)


def test_the_shipped_catalog_has_both_products_with_a_version() -> None:
    cat = default_catalog()
    assert cat.version
    bnpl, sme = cat.get("consumer_bnpl"), cat.get("sme_line")
    assert sorted(bnpl.plans) == [1, 3, 6, 12, 24]
    assert bnpl.plans[12].fee_rate == Decimal("0.005") and bnpl.plans[1].method == "single"
    assert bnpl.penalty_daily_rate == Decimal("0.0005") and bnpl.interest_daily_rate == 0
    assert sme.interest_daily_rate > 0 and set(sme.plans[12].methods) == {"annuity", "interest_only"}
    assert bnpl.waterfall.order == ("penalty", "fee", "interest", "principal")


def test_terms_copied_onto_a_line_parse_back_to_the_same_product() -> None:
    for p in default_catalog().products.values():
        assert terms_product(p.code, product_terms(p)) == p


def test_a_waterfall_round_trips_through_its_code() -> None:
    w = Waterfall(("fee", "penalty", "principal", "interest"), "due", "credit")
    assert Waterfall.parse(w.code()) == w


@pytest.mark.parametrize(("path", "value", "field"), [
    (("products", "consumer_bnpl", "penalty_daily_rate"), "0.05", "penalty_daily_rate"),
    (("products", "consumer_bnpl", "penalty_daily_rate"), "0.000000001", "penalty_daily_rate"),
    (("products", "consumer_bnpl", "penalty_daily_rate"), 0.0005, "penalty_daily_rate"),
    (("products", "consumer_bnpl", "statement_day"), 31, "statement_day"),
    (("products", "consumer_bnpl", "waterfall", "order"), ["fee", "principal"], "waterfall.order"),
    (("products", "consumer_bnpl", "waterfall", "excess"), "refund", "waterfall.excess"),
    (("products", "consumer_bnpl", "plans", "3", "method"), "balloon", "plans.3.method"),
    (("products", "consumer_bnpl", "limit", "max"), "10.00", "limit.max"),
    (("version",), "", "version"),
])
def test_a_bad_edit_is_refused_naming_the_field(path: tuple[str, ...], value: Any, field: str) -> None:
    doc = copy.deepcopy(raw())
    target = doc
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    with pytest.raises(ValidationError) as e:
        parse_catalog(doc)
    assert field in e.value.field


def test_an_installment_count_the_product_does_not_offer_is_a_422_listing_the_offer() -> None:
    bnpl = default_catalog().get("consumer_bnpl")
    with pytest.raises(ValidationError) as e:
        bnpl.plan(5)
    assert e.value.field == "installments" and "1, 3, 6, 12, 24" in e.value.rule
    with pytest.raises(ValidationError):
        default_catalog().get("sme_line").plan(12, "balloon")
    with pytest.raises(ValidationError):
        default_catalog().get("no_such_product")
