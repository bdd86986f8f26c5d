"""The product catalogue is data the risk team edits: it loads, it is identified by version
and content hash like the rules, and a bad edit is refused with the field and the rule
named."""

from __future__ import annotations

import copy
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from creditline.errors import ValidationError
from creditline.products.catalog import (
    CATALOG_DIR,
    Waterfall,
    default_catalog,
    load_catalog,
    parse_catalog,
    product_terms,
    terms_product,
)


def raw() -> dict[str, Any]:
    """The shipped catalogue as one document: ``{"version", "products": {code: terms}}``."""
    manifest = json.loads((CATALOG_DIR / "manifest.json").read_text())
    products = {}
    for name in manifest["products"]:
        doc = json.loads((CATALOG_DIR / name).read_text())
        products[doc.pop("code")] = doc
    return {"version": manifest["version"], "products": products}


def copy_catalog(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CATALOG_DIR, tmp_path / "products"))


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


def test_origination_and_servicing_terms_live_in_one_product() -> None:
    bnpl, sme = default_catalog().get("consumer_bnpl"), default_catalog().get("sme_line")
    assert (bnpl.customer_kind, bnpl.limit_min, bnpl.limit_max, bnpl.second_review_above) == (
        "person", Decimal("500.00"), Decimal("50000.00"), Decimal("20000.00"))
    assert (sme.customer_kind, sme.limit_min, sme.limit_max, sme.second_review_above) == (
        "enterprise", Decimal("50000.00"), Decimal("5000000.00"), Decimal("1000000.00"))


def test_the_catalogue_is_identified_by_version_and_content_hash(tmp_path: Path) -> None:
    folder = copy_catalog(tmp_path)
    before = load_catalog(folder)
    assert before.hash == default_catalog().hash and len(before.hash) == 64
    assert before.label == f"{before.version}+{before.hash[:12]}"
    path = folder / "consumer_bnpl.json"
    path.write_text(path.read_text().replace('"grace_days": 9', '"grace_days": 10')
                    .replace('"interest_free_days": 40', '"interest_free_days": 41'))
    after = load_catalog(folder)
    assert after.version == before.version and after.hash != before.hash
    assert after.get("consumer_bnpl").grace_days == 10


def test_a_missing_product_file_or_a_product_defined_twice_is_named(tmp_path: Path) -> None:
    folder = copy_catalog(tmp_path)
    (folder / "sme_line.json").unlink()
    with pytest.raises(ValidationError, match=r"sme_line\.json"):
        load_catalog(folder)
    folder = copy_catalog(tmp_path / "again")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["products"].append("copy.json")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    shutil.copy(folder / "consumer_bnpl.json", folder / "copy.json")
    with pytest.raises(ValidationError, match="consumer_bnpl is defined twice"):
        load_catalog(folder)


@pytest.mark.parametrize(("path", "value", "field"), [
    (("products", "consumer_bnpl", "customer_kind"), "enterprise", "customer_kind"),
    (("products", "consumer_bnpl", "limit", "second_review_above"), "60000.00",
     "limit.second_review_above"),
    (("products", "sme_line", "limit", "second_review_above"), None, "limit.second_review_above"),
])
def test_the_origination_terms_are_checked_too(path: tuple[str, ...], value: Any,
                                               field: str) -> None:
    doc = copy.deepcopy(raw())
    target = doc
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    with pytest.raises(ValidationError) as e:
        parse_catalog(doc)
    assert field in e.value.field


def test_terms_copied_onto_a_line_under_the_first_catalogue_still_parse() -> None:
    """Lines opened under 2026.11.1 copied terms without customer_kind and
    second_review_above: servicing keeps reading them."""
    terms = product_terms(default_catalog().get("consumer_bnpl"))
    del terms["customer_kind"], terms["limit"]["second_review_above"]
    terms["limit"]["min"] = "100.00"
    old = terms_product("consumer_bnpl", terms)
    assert old.customer_kind == "person" and old.second_review_above is None
    assert old.limit_min == Decimal("100.00") and old.plans == default_catalog().get(
        "consumer_bnpl").plans
