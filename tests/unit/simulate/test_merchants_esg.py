"""The simulator's merchant categories carry the product catalogue's ESG kinds: the demo's
customers buy in high-energy and green categories the caps act on, and the simulator's
own green flag agrees with the catalogue."""

from __future__ import annotations

from creditline.simulate.merchants import CATEGORIES, esg_kind


def test_the_demo_buys_in_high_energy_and_green_categories_the_catalogue_knows() -> None:
    kinds = {c.code: esg_kind(c.code) for c in CATEGORIES}
    assert {k for k, v in kinds.items() if v == "high_energy"} == {"travel", "home_appliances"}
    assert {k for k, v in kinds.items() if v == "green"} == {"green_energy"}
    assert all(c.green == (kinds[c.code] == "green") for c in CATEGORIES)
    assert "prohibited" not in kinds.values()  # the simulated market sells nothing banned
    assert esg_kind("lottery") == "prohibited" and esg_kind("travel", "sme_line") == "high_energy"
