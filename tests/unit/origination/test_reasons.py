"""Reasons carry a code and plain text in English and Chinese; at most four are given."""

from __future__ import annotations

from creditline.origination.reasons import CATALOGUE, lookup, ranked


def test_every_catalogue_entry_has_both_languages() -> None:
    for code, r in CATALOGUE.items():
        assert r.code == code and r.en and r.zh and r.source in {"screening", "policy", "score"}


def test_ranked_keeps_order_drops_duplicates_and_stops_at_four() -> None:
    texts = {"A_INCOME": {"en": "Income is low", "zh": "收入偏低"}}
    out = ranked(["SCORE_BELOW_CUTOFF", "A_INCOME", "SCORE_BELOW_CUTOFF", "RING_SIZE",
                  "COOLDOWN", "DEBT_BURDEN"], texts)
    assert [r["code"] for r in out] == ["SCORE_BELOW_CUTOFF", "A_INCOME", "RING_SIZE", "COOLDOWN"]
    assert out[1] == {"code": "A_INCOME", "en": "Income is low", "zh": "收入偏低", "source": "score"}


def test_an_unknown_code_still_explains_itself() -> None:
    assert lookup("NEW_RULE").en == "Reason NEW_RULE"
