"""Batch scoring's partitions and card check, as examples: the book's ids cut into ranges
``(after, last]`` that cover every id once, and which shipped cards can be scored on lines."""

from __future__ import annotations

from pathlib import Path

from creditline.batch.score_all import cut, missing_variables
from creditline.scoring.model_file import load_model
from creditline.scoring.serving import ServedModel

SRC = Path(__file__).resolve().parents[2] / "src" / "creditline"


def test_the_ids_are_cut_into_ranges_that_cover_each_once() -> None:
    ids = [f"id{i:02d}" for i in range(7)]
    assert cut(ids, 3) == [(None, "id02"), ("id02", "id05"), ("id05", "id06")]
    assert cut(ids, 7) == [(None, "id06")]
    assert cut([], 3) == []
    for after, last in cut(ids, 2):
        assert [i for i in ids if (after is None or i > after) and i <= last]


def _card(path: Path) -> ServedModel:
    return ServedModel("x", path.stem, 1, load_model(path.read_text()))


def test_only_the_b_card_has_every_variable_on_a_line() -> None:
    assert missing_variables(_card(SRC / "lines" / "models" / "line_b_card.json")) == []
    assert missing_variables(_card(SRC / "collections" / "models" /
                                   "collections_c_card.json")) == [
        "dpd", "b_pd", "balance", "owed", "contactable"]
    a_card = missing_variables(_card(SRC / "origination" / "models" / "bnpl_a_card.json"))
    assert a_card and "utilisation" not in a_card
