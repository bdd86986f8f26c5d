"""The loss-allowance movement between two ECL runs (IFRS 7.35H), by stage, to the cent.

Every line in either run falls in exactly one story, in this order:

- **written off** between the two dates (a ``write_off`` journal entry after the opening run,
  up to the closing one): its opening allowance is used up (row ``write_offs``); whatever it
  still carries at the close is ``remeasurement`` in its closing stage;
- **new**: only in the closing run: its closing ECL (``new``);
- **derecognised**: only in the opening run (repaid, closed): minus its opening ECL;
- **in both**: if its stage changed, its *opening* ECL moves from the old stage's column to
  the new one (rows ``transfer to stage N``, each summing to zero across the stages), then
  the change from opening to closing ECL is ``remeasurement`` in the closing stage.

So opening + every row = closing in every column, exactly (all amounts integer cents).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

STAGES = (1, 2, 3)
ROWS: tuple[str, ...] = ("opening", "new", "derecognised", "transfer to stage 1",
                         "transfer to stage 2", "transfer to stage 3", "write_offs",
                         "remeasurement", "closing")


@dataclass(frozen=True)
class Movement:
    """Rows (``ROWS``) by stage, integer cents; ``lines`` counts the lines in each story."""

    cells: dict[str, dict[int, int]]
    lines: dict[str, int] = field(default_factory=dict)

    def total(self, row: str) -> int:
        return sum(self.cells[row].values())

    @property
    def reconciles(self) -> bool:
        rows = [r for r in ROWS if r not in ("opening", "closing")]
        return all(self.cells["opening"][s] + sum(self.cells[r][s] for r in rows)
                   == self.cells["closing"][s] for s in STAGES)


def movement(opening: pl.DataFrame, closing: pl.DataFrame,
             written_off: Iterable[str]) -> Movement:
    """``opening`` / ``closing``: ``line_id``, ``stage``, ``ecl`` (cents) of two runs;
    ``written_off``: the lines written off after the opening run, through the closing."""
    wo = pl.DataFrame({"line_id": sorted(set(written_off))}, schema={"line_id": pl.Utf8})
    a = opening.select("line_id", pl.col("stage").cast(pl.Int64).alias("s0"),
                       pl.col("ecl").cast(pl.Int64).alias("e0"))
    b = closing.select("line_id", pl.col("stage").cast(pl.Int64).alias("s1"),
                       pl.col("ecl").cast(pl.Int64).alias("e1"))
    j = (a.join(b, on="line_id", how="full", coalesce=True)
         .join(wo.with_columns(pl.lit(True).alias("wo")), on="line_id", how="left")
         .with_columns(pl.col("wo").fill_null(False)))
    cells: dict[str, dict[int, int]] = {r: dict.fromkeys(STAGES, 0) for r in ROWS}
    lines: dict[str, int] = dict.fromkeys(ROWS, 0)

    def add(row: str, frame: pl.DataFrame, stage_col: str, expr: pl.Expr) -> None:
        for s, v in frame.group_by(stage_col).agg(expr.sum().alias("v")).iter_rows():
            cells[row][int(s)] += int(v)

    had, has = pl.col("s0").is_not_null(), pl.col("s1").is_not_null()
    add("opening", j.filter(had), "s0", pl.col("e0"))
    add("closing", j.filter(has), "s1", pl.col("e1"))
    w = j.filter(pl.col("wo"))
    add("write_offs", w.filter(had), "s0", -pl.col("e0"))
    add("remeasurement", w.filter(has), "s1", pl.col("e1"))
    rest = j.filter(~pl.col("wo"))
    new = rest.filter(~had & has)
    add("new", new, "s1", pl.col("e1"))
    gone = rest.filter(had & ~has)
    add("derecognised", gone, "s0", -pl.col("e0"))
    both = rest.filter(had & has)
    moved = both.filter(pl.col("s0") != pl.col("s1"))
    for s in STAGES:
        into = moved.filter(pl.col("s1") == s)
        add(f"transfer to stage {s}", into, "s0", -pl.col("e0"))
        cells[f"transfer to stage {s}"][s] += int(into["e0"].sum() or 0)
        lines[f"transfer to stage {s}"] = into.height
    add("remeasurement", both, "s1", pl.col("e1") - pl.col("e0"))
    lines.update(opening=j.filter(had).height, closing=j.filter(has).height, new=new.height,
                 derecognised=gone.height, write_offs=w.height, remeasurement=both.height)
    return Movement(cells, lines)
