"""The console's drawings: the limit history steps to the business date, a ring is a graph
of its applicants and what they share."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

from creditline.web.charts import limit_steps, ring_graph


def test_the_limit_history_is_a_step_line_to_the_business_date() -> None:
    svg = limit_steps([(date(2026, 3, 2), D("3000.00")), (date(2026, 4, 1), D("5000.00"))],
                      date(2026, 5, 1), "Limit history")
    path = re.search(r'd="([^"]+)"', svg)
    assert path
    xs_ys = [tuple(map(float, p.split(","))) for p in re.findall(r"[\d.]+,[\d.]+", path[1])]
    # 3,000 from 2 March to 1 April, then 5,000 to 1 May: two flat steps, the second higher
    assert xs_ys[0][1] == xs_ys[1][1] > xs_ys[2][1] == xs_ys[3][1]
    assert xs_ys[0][0] < xs_ys[1][0] == xs_ys[2][0] < xs_ys[3][0]
    assert "2026-03-02" in svg and "2026-05-01" in svg
    # the axis names the amounts, right-aligned inside the drawing (not cut at its left edge)
    label = re.search(r'<text x="([\d.]+)"[^>]*text-anchor="end">5,000</text>', svg)
    assert label and float(label[1]) >= 6 * 10
    one_day = limit_steps([(date(2026, 3, 2), D("3000.00"))], date(2026, 3, 2), "x")
    found = re.search(r'd="M([\d.]+),[\d.]+ L([\d.]+),', one_day)
    assert found and float(found[2]) > float(found[1])  # a line on the day the line opened
    assert limit_steps([], date(2026, 3, 2), "x") == ""


def test_a_ring_is_drawn_as_applicants_and_what_they_share() -> None:
    ring = {"size": 3, "members": [{"customer_id": c, "name": f"A***{c}"} for c in "abc"],
            "links": [{"kind": "contact_phone", "value": "9f2c", "members": ["a", "b", "c"]},
                      {"kind": "device", "value": "77aa", "members": ["a", "b"]}]}
    svg = ring_graph(ring, "a", "Ring")
    assert svg.count("<circle") == 3 and svg.count("<rect") == 2 and svg.count("<line") == 5
    assert svg.count('class="seed"') == 1 and "A***b" in svg
    assert ring_graph({"members": [], "links": []}, "a", "Ring") == ""
