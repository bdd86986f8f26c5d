"""The loss-allowance movement between two runs, worked by hand: every row of the table
(new, derecognised, transfers both ways, a write-off, remeasurement) and the reconciliation of
opening to closing allowance, to the cent, in every stage."""

from __future__ import annotations

import polars as pl

from creditline.portfolio.movement import ROWS, movement


def test_every_row_and_the_reconciliation() -> None:
    opening = pl.DataFrame({"line_id": ["a", "b", "c", "d", "f"], "stage": [1, 1, 2, 3, 2],
                            "ecl": [10_000, 20_000, 30_000, 40_000, 5_000]})
    # a stays in stage 1 and grows by 10.00; b moves to stage 2 and grows to 500.00;
    # c is repaid (gone); d is written off; f cures to stage 1 and falls to 20.00;
    # e is a new line
    closing = pl.DataFrame({"line_id": ["a", "b", "e", "f"], "stage": [1, 2, 1, 1],
                            "ecl": [11_000, 50_000, 5_000, 2_000]})
    mv = movement(opening, closing, written_off=["d"])
    assert {r: [mv.cells[r][s] for s in (1, 2, 3)] for r in ROWS} == {
        "opening": [30_000, 35_000, 40_000],
        "new": [5_000, 0, 0],                       # e
        "derecognised": [0, -30_000, 0],            # c
        "transfer to stage 1": [5_000, -5_000, 0],  # f's opening 50.00 moves over
        "transfer to stage 2": [-20_000, 20_000, 0],  # b's opening 200.00 moves over
        "transfer to stage 3": [0, 0, 0],
        "write_offs": [0, 0, -40_000],              # d's allowance used up
        "remeasurement": [1_000 - 3_000, 30_000, 0],  # a +10.00, f -30.00; b +300.00
        "closing": [18_000, 50_000, 0],
    }
    assert mv.reconciles
    assert mv.total("opening") == 105_000 and mv.total("closing") == 68_000
    assert (mv.lines["new"], mv.lines["derecognised"], mv.lines["write_offs"],
            mv.lines["transfer to stage 1"], mv.lines["transfer to stage 2"]) == (1, 1, 1, 1, 1)


def test_a_line_written_off_that_still_carries_an_allowance() -> None:
    """A partial write-off: the opening allowance is used, what remains is remeasured."""
    opening = pl.DataFrame({"line_id": ["x"], "stage": [3], "ecl": [80_000]})
    closing = pl.DataFrame({"line_id": ["x"], "stage": [3], "ecl": [12_345]})
    mv = movement(opening, closing, written_off=["x"])
    assert mv.cells["write_offs"][3] == -80_000
    assert mv.cells["remeasurement"][3] == 12_345
    assert mv.reconciles
