"""The book as of a date and its vintages, worked by hand on the quarter of
``book_support`` (four lines, January to March 2026)."""

from __future__ import annotations

from datetime import date

import polars as pl

from creditline.portfolio.book import build_book, month_ends
from creditline.portfolio.vintages import vintage_table
from tests.unit.portfolio.book_support import AS_OF, quarter, states


def test_month_ends_end_on_the_date_asked() -> None:
    assert month_ends(date(2025, 11, 20), date(2026, 2, 10)) == [
        date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 10)]
    assert month_ends(date(2026, 1, 5), date(2026, 1, 31)) == [date(2026, 1, 31)]


def test_each_line_at_each_month_end() -> None:
    b = build_book(quarter(), AS_OF, states())
    got = {(r["line_id"], r["month_end"].isoformat()): (r["mob"], r["state"], r["balance"])
           for r in b.history.iter_rows(named=True)}
    assert got == {
        ("L1", "2026-01-31"): (0, 0, 0), ("L1", "2026-02-28"): (1, 0, 100000),
        ("L1", "2026-03-31"): (2, 0, 60000),  # today: the line's own balance
        ("L2", "2026-01-31"): (0, 0, 0), ("L2", "2026-02-28"): (1, 1, 120000),
        ("L2", "2026-03-31"): (2, 2, 90000),  # 45 days past due today: M2
        ("L3", "2026-02-28"): (0, 1, 0), ("L3", "2026-03-31"): (1, 0, 40000),  # cured 5 March
        ("L4", "2026-01-31"): (0, 1, 70000), ("L4", "2026-02-28"): (1, 2, 60000),
        ("L4", "2026-03-31"): (2, 8, 0),  # written off on 15 March: WO, off the book
    }
    snap = {r["line_id"]: (r["bucket"], r["charged_off"], r["written_off"], r["vintage"])
            for r in b.snapshot.iter_rows(named=True)}
    assert snap == {"L1": ("M0", False, 0, "2026-01"), "L2": ("M2", False, 0, "2026-01"),
                    "L3": ("M0", False, 0, "2026-02"), "L4": ("WO", True, 50000, "2026-01")}


def test_a_past_date_reads_the_history_not_today() -> None:
    b = build_book(quarter(), date(2026, 2, 28), states())
    assert not b.live
    snap = {r["line_id"]: (r["bucket"], r["balance"]) for r in b.snapshot.iter_rows(named=True)}
    assert snap == {"L1": ("M0", 100000), "L2": ("M1", 120000), "L3": ("M1", 0),
                    "L4": ("M2", 60000)}


def test_vintage_table_by_hand() -> None:
    t = vintage_table(build_book(quarter(), AS_OF, states()))
    rows = {(r["vintage"], r["mob"]): r for r in t.iter_rows(named=True)}
    jan2 = rows[("2026-01", 2)]
    # L1, L2, L4 on the book; L2 30+ (M2); L4 charged off
    assert (jan2["lines"], jan2["lines_30"], jan2["lines_90"], jan2["lines_co"]) == (3, 1, 0, 1)
    assert (jan2["share_30"], jan2["share_co"]) == (0.3333, 0.3333)
    # balance 600.00 + 900.00 on the book and 500.00 written off: 900 / 2,000 and 500 / 2,000
    assert (jan2["balance"], jan2["balance_30"], jan2["written_off"]) == (150000, 90000, 50000)
    assert (jan2["balance_share_30"], jan2["balance_share_co"]) == (0.45, 0.25)
    jan1 = rows[("2026-01", 1)]
    assert (jan1["lines"], jan1["lines_30"], jan1["share_30"]) == (3, 1, 0.3333)  # L4 in M2
    assert (jan1["balance_share_30"]) == round(60000 / 280000, 4)
    assert rows[("2026-02", 1)]["share_30"] == 0.0


def test_vintages_by_segment() -> None:
    b = build_book(quarter(), AS_OF, states())
    b2 = type(b)(b.as_of, b.states, b.month_ends,
                 b.snapshot.with_columns(pl.when(pl.col("line_id") == "L2").then(pl.lit("web"))
                                         .otherwise(pl.col("channel")).alias("channel")),
                 b.history, b.categories, b.live)
    t = vintage_table(b2, "channel").filter(pl.col("mob") == 2)
    got = {(r["vintage"], r["channel"]): (r["lines"], r["share_30"]) for r in t.iter_rows(named=True)}
    assert got == {("2026-01", "app"): (2, 0.0), ("2026-01", "web"): (1, 1.0)}
