"""Vintages: lines grouped by the month they opened (and, when asked, by product, channel
or A-score band), followed month by month on the book.

For each vintage and month on book (0 = the month it opened) the table gives the lines on
the book, the share of them 30+ and 90+ days past due (charged-off lines excluded: they are
counted apart), the share charged off by then (cumulative), and the same three shares by
balance: the balance of the 30+ (90+) lines over the vintage's balance that month plus what
it has written off, and what it has written off over the same total.  So a vintage's shares
by balance add up with the current share to one, and a write-off does not make a vintage
look better by shrinking its denominator."""

from __future__ import annotations

import polars as pl

from creditline.portfolio.book import Book

SEGMENTS = ("product", "channel", "band", "kind")


def vintage_table(book: Book, by: str | None = None) -> pl.DataFrame:
    """One row per vintage (``YYYY-MM``), segment (when ``by`` is given) and month on book."""
    keys = ["vintage"] + ([] if by is None else [by]) + ["mob"]
    st = book.states
    h = book.history
    if by is not None:
        h = h.join(book.snapshot.select("line_id", pl.col(by).fill_null("-")), on="line_id")
    h = h.with_columns(pl.col("opened_on").dt.strftime("%Y-%m").alias("vintage"))
    on_book = ~pl.col("charged_off")
    over30 = on_book & (pl.col("state") >= st.dpd30)
    over90 = on_book & (pl.col("state") >= st.dpd90)
    t = (h.group_by(keys).agg(
        lines=pl.len(),
        lines_30=over30.sum(), lines_90=over90.sum(), lines_co=pl.col("charged_off").sum(),
        balance=pl.col("balance").sum(),
        balance_30=pl.when(over30).then(pl.col("balance")).otherwise(0).sum(),
        balance_90=pl.when(over90).then(pl.col("balance")).otherwise(0).sum(),
        written_off=pl.col("written_off").sum())
        .sort(keys))
    total = pl.col("balance") + pl.col("written_off")
    return t.with_columns(
        share_30=_share(pl.col("lines_30"), pl.col("lines")),
        share_90=_share(pl.col("lines_90"), pl.col("lines")),
        share_co=_share(pl.col("lines_co"), pl.col("lines")),
        balance_share_30=_share(pl.col("balance_30"), total),
        balance_share_90=_share(pl.col("balance_90"), total),
        balance_share_co=_share(pl.col("written_off"), total))


def _share(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then((num / den).round(4)).otherwise(0.0)


def curves(table: pl.DataFrame, column: str = "share_30") -> dict[str, list[tuple[int, float]]]:
    """Each vintage's curve: (month on book, share) points, for a chart."""
    out: dict[str, list[tuple[int, float]]] = {}
    for v, mob, share in table.select("vintage", "mob", column).iter_rows():
        out.setdefault(v, []).append((int(mob), float(share)))
    return out
