"""The batch engine's column preparation: installments are matched to their line by id,
rows of lines outside the partition are dropped, purchases are ranked in string order
(the scalar waterfall's tie-break), and a partition exports to Arrow as is."""

from __future__ import annotations

from datetime import date

import numpy as np

from creditline.batch.eod import iso_days, prepare, to_arrow
from creditline.products.catalog import Waterfall
from creditline.servicing.calendar import day_number


def test_prepare_matches_ids_drops_strangers_and_ranks_purchases() -> None:
    wf = Waterfall().code()
    n = 2
    lines = {"line_id": ["L-b", "L-a"], "status": ["active", "frozen"],
             "penalty_rate": ["0.0005", "0.0006"], "min_share": ["0.10", "1.00"],
             "waterfall": [wf, wf], **{c: [0] * n for c in (
                 "stmt_day", "grace", "min_floor", "opened", "credit", "min_remaining", "min_due",
                 "past_due", "past_due_since", "dpd", "last_stmt", "stmt_opening", "cyc_purchases",
                 "cyc_returns", "cyc_repayments", "cyc_fees", "cyc_interest", "cyc_penalties",
                 "last_eod", "principal_unbilled", "principal_billed", "fee", "interest_accrued",
                 "interest_billed", "penalty")}}
    inst = {"purchase_id": ["p-z", "p-y", "p-x"], "line_id": ["L-a", "L-b", "L-c"],
            "interest_rate": ["0", "0.0004", "0"], "billed": [True, False, False],
            **{c: [1, 2, 3] for c in ("seq", "bill", "due", "p_sched", "p_paid", "f_sched",
                                      "f_paid", "i_amt", "i_paid", "i_carry", "pen_amt",
                                      "pen_paid", "pen_carry")}}
    kin = prepare(lines, inst)
    assert kin.purchase_ids == ["p-z", "p-y"]  # L-c is not in this partition
    assert kin.inst["line_idx"].tolist() == [1, 0]
    assert kin.inst["prank"].tolist() == [1, 0]  # "p-y" < "p-z"
    assert kin.inst["i_rate"].tolist() == [0, 40_000]
    assert kin.lines["pen_rate"].tolist() == [50_000, 60_000]
    assert kin.lines["status"].tolist() == [0, 1]
    lt, it = to_arrow(kin)
    assert lt.num_rows == 2 and it.num_rows == 2 and it.column("purchase_id").to_pylist() == ["p-z", "p-y"]


def test_day_numbers_become_iso_dates_and_minus_one_none() -> None:
    days = np.array([day_number(date(2026, 3, 1)), -1])
    assert iso_days(days) == ["2026-03-01", None]
