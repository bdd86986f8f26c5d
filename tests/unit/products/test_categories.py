"""Merchant-category caps (ESG) as product data: parsed with the catalogue, a bad edit
refused naming the field (a cap above 100 % among them), checked per purchase."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from creditline.errors import BusinessRuleViolation, ValidationError
from creditline.products.catalog import default_catalog, parse_catalog
from creditline.products.categories import CategoryCaps, check_purchase, fee_rate
from tests.unit.products.test_catalog import raw

D = Decimal


def test_the_shipped_products_carry_their_caps() -> None:
    caps = default_catalog().get("consumer_bnpl").categories
    assert caps is not None
    assert caps.kind("lottery") == "prohibited"
    assert (caps.kind("travel"), caps.high_energy_share) == ("high_energy", D("0.40"))
    assert (caps.kind("green_energy"), caps.green_fee_discount) == ("green", D("0.50"))
    assert caps.kind("groceries") == "standard"


@pytest.mark.parametrize(("section", "value", "field"), [
    ("high_energy", {"categories": ["travel"], "cap_share": "1.20"},
     "categories.high_energy.cap_share"),
    ("green", {"categories": ["green_energy"], "fee_discount": "1.5"},
     "categories.green.fee_discount"),
    ("prohibited", "gambling", "categories.prohibited"),
    ("favourites", ["books"], "categories.favourites"),
    ("prohibited", ["travel"], "categories"),  # travel is high-energy too
])
def test_a_bad_cap_is_refused_naming_the_field(section: str, value: Any, field: str) -> None:
    doc = copy.deepcopy(raw())
    doc["products"]["consumer_bnpl"]["categories"][section] = value
    with pytest.raises(ValidationError) as e:
        parse_catalog(doc)
    assert e.value.field == f"products.consumer_bnpl.{field}"
    assert e.value.http_status == 422


def test_the_high_energy_cap_counts_what_is_owed_and_the_new_purchase() -> None:
    caps = CategoryCaps(high_energy=frozenset({"fuel"}), high_energy_share=D("0.25"))
    check_purchase(caps, "p", "fuel", D("500.00"), D("2000.00"), D("0.00"))  # exactly 25 %
    with pytest.raises(BusinessRuleViolation) as e:
        check_purchase(caps, "p", "fuel", D("0.01"), D("2000.00"), D("500.00"))
    assert e.value.reason == "category_cap" and "25 %" in e.value.message
    check_purchase(caps, "p", "groceries", D("2000.00"), D("2000.00"), D("500.00"))
    check_purchase(None, "p", "fuel", D("2000.00"), D("2000.00"), D("2000.00"))


def test_a_green_purchase_pays_the_discounted_fee_rate() -> None:
    caps = CategoryCaps(green=frozenset({"solar"}), green_fee_discount=D("0.30"))
    assert fee_rate(caps, "solar", D("0.005")) == D("0.0035")
    assert fee_rate(caps, "books", D("0.005")) == D("0.005")
    assert fee_rate(None, "solar", D("0.005")) == D("0.005")
