"""A shipped card is written the same way by the default B- and C-card scripts: canonical
JSON carrying its training record, and a model report on a seeded 30 % sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from creditline.scoring.training import TrainCard, train_card, write_shipped_card


def test_a_shipped_card_and_its_report(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=2_000)
    bad = (rng.random(2_000) < 1 / (1 + np.exp(-(x * 1.5 - 2)))).astype(int)
    frame = pl.DataFrame({"days_late": x, "bad": bad})
    trained = train_card(TrainCard(X=frame.drop("bad"), y=bad, card_type="C", seed=3))
    out, report = tmp_path / "models" / "card.json", tmp_path / "report.html"
    write_shipped_card(out, trained, {"source": "test", "seed": 3}, frame, 3, report,
                       "Default C-card (test), 30 % sample")
    text = out.read_text()
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=1, sort_keys=True) + "\n"  # canonical
    assert doc["training"]["source"] == "test"
    assert "Default C-card (test), 30 % sample" in report.read_text()
    write_shipped_card(out, trained, {"source": "test"}, frame, 3, None, "unused")
    assert json.loads(out.read_text())["training"] == {"source": "test"}
