"""The checkout shows what each plan costs before the customer buys, on both stores.

Worked example: on 2 March 2026 a customer with an 8,000.00 BNPL line (statement day 1,
9 days' grace) fills a basket of 1,234.57 at the fixture's merchant.  The checkout (a
``service`` user) asks for the offers:

- one payment: no fee, billed 1 April, due 10 April: 39 days interest-free;
- 12 installments at 0.5 % a period: fee 1,234.57 x 0.005 x 12 = 74.0742 -> 74.07, split
  6.17 x 11 + 6.20; principal 102.88 x 11 + 102.89; total to repay 1,308.64, and the
  schedule is the one the purchase then books, to the cent;
- if late: no flat late fee, 0.05 % a day on what is past due.

Nothing is booked by asking.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.errors import ValidationError
from tests.api.test_lines import buy, open_line
from tests.conftest import ADMIN, SECRET, SERVICE_MERCHANT, create_user


def _offers(api: TestClient, headers: dict[str, str], line_id: str, amount: str):
    return api.get("/v1/checkout/offers", headers=headers,
                   params={"line_id": line_id, "amount": amount})


def test_the_checkout_shows_every_plan_with_its_total_cost_to_the_cent(
        api: TestClient, container: Container) -> None:
    line = open_line(api, container, "8000.00")
    shop = create_user(container, "checkout", "service")
    r = _offers(api, shop, line["id"], "1234.57")
    assert r.status_code == 200, r.text
    o = r.json()
    assert (o["amount"], o["business_date"], o["available"], o["late_fee"],
            o["penalty_daily_rate"]) == ("1234.57", "2026-03-02", "8000.00", "0.00", "0.0005")
    assert [(p["installments"], p["method"]) for p in o["plans"]] == [
        (1, "single"), (3, "even"), (6, "even"), (12, "even"), (24, "even")]

    single = o["plans"][0]
    assert (single["interest_free_days"], single["total_fee"], single["total_cost"],
            single["total_repayable"]) == (39, "0.00", "0.00", "1234.57")
    assert [(i["bill_date"], i["due_date"], i["payment"]) for i in single["schedule"]] == [
        ("2026-04-01", "2026-04-10", "1234.57")]

    twelve = o["plans"][3]
    rows = twelve["schedule"]
    assert len(rows) == 12 and twelve["interest_free_days"] is None
    assert [i["principal"] for i in rows] == ["102.88"] * 11 + ["102.89"]
    assert [i["fee"] for i in rows] == ["6.17"] * 11 + ["6.20"]
    assert sum(Decimal(i["principal"]) for i in rows) == Decimal("1234.57")
    assert sum(Decimal(i["fee"]) for i in rows) == Decimal(twelve["total_fee"]) == Decimal("74.07")
    assert sum(Decimal(i["payment"]) for i in rows) == Decimal(twelve["total_repayable"])
    assert (twelve["total_cost"], twelve["total_repayable"]) == ("74.07", "1308.64")
    assert (rows[0]["bill_date"], rows[0]["due_date"]) == ("2026-04-01", "2026-04-10")
    assert (rows[-1]["bill_date"], rows[-1]["due_date"]) == ("2027-03-01", "2027-03-10")

    # asking booked nothing; buying the 12-installment plan books exactly that schedule
    assert api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()["used"] == "0.00"
    bought = buy(api, line["id"], "1234.57", installments=12)
    assert bought.status_code == 201, bought.text
    booked = bought.json()["schedule"]
    assert [(b["bill_date"], b["due_date"], b["principal"], b["fee"]) for b in booked] == [
        (i["bill_date"], i["due_date"], i["principal"], i["fee"]) for i in rows]
    assert bought.json()["total_fees"] == twelve["total_fee"]


def test_an_offer_is_refused_as_the_purchase_would_be(api: TestClient,
                                                      container: Container) -> None:
    line = open_line(api, container, "1000.00")
    shop = create_user(container, "checkout", "service", merchants=(SERVICE_MERCHANT,))
    over = _offers(api, shop, line["id"], "1000.01")
    assert over.status_code == 422 and "available credit" in over.json()["message"]
    bad = _offers(api, shop, line["id"], "12.345")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "amount"
    assert _offers(api, shop, "no-such-line", "10.00").status_code == 404
    collector = create_user(container, "collector", "collector")
    assert _offers(api, collector, line["id"], "10.00").status_code == 403


def test_the_merchants_category_shows_a_green_fee_and_refuses_a_prohibited_one(
        api: TestClient, container: Container) -> None:
    """The checkout knows its merchant's category: a green one (solar panels) costs half the
    fee per period (0.25 % instead of 0.5 %: 1,234.57 x 0.0025 x 12 = 37.04), gambling is
    refused naming the cap, as the purchase itself would be."""
    line = open_line(api, container, "8000.00")
    shop = create_user(container, "checkout", "service")
    green = api.get("/v1/checkout/offers", headers=shop, params={
        "line_id": line["id"], "amount": "1234.57", "merchant_category": "green_energy"})
    assert green.status_code == 200, green.text
    twelve = next(p for p in green.json()["plans"] if p["installments"] == 12)
    assert (Decimal(twelve["fee_rate"]), twelve["total_fee"]) == (Decimal("0.0025"), "37.04")
    assert sum(Decimal(i["fee"]) for i in twelve["schedule"]) == Decimal("37.04")
    refused = api.get("/v1/checkout/offers", headers=shop, params={
        "line_id": line["id"], "amount": "100.00", "merchant_category": "gambling"})
    assert refused.status_code == 422 and "gambling" in refused.text


def test_the_cli_prints_the_same_offers(sqlite_api: TestClient, sqlite_container: Container,
                                       tmp_path: Path) -> None:
    line = open_line(sqlite_api, sqlite_container, "8000.00")
    _register()
    token = create_user(sqlite_container, "cli-shop", "service")["Authorization"].split()[1]
    # the token was issued on the test's clock, the CLI checks it against the wall clock
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", "CREDITLINE_TOKEN": token, "CREDITLINE_TOKEN_DAYS_SERVICE": "3650"}
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    result = runner.invoke(app, ["checkout", "offers", line["id"], "--amount", "1234.57",
                                 "--schedule", "--db", url], env=env)
    assert result.exit_code == 0, result.output
    assert "1308.64" in result.output and "74.07" in result.output
    assert "102.89" in result.output and "6.20" in result.output  # the 12th installment
    refused = runner.invoke(app, ["checkout", "offers", line["id"], "--amount", "12.345",
                                  "--db", url], env=env)
    assert isinstance(refused.exception, ValidationError) and refused.exception.field == "amount"
