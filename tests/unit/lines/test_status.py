"""The credit line status machine, as a table of allowed moves."""

from __future__ import annotations

import pytest

from creditline.errors import Conflict, ValidationError
from creditline.lines.status import LineStatus, check_transition, parse_status

S = LineStatus
ALLOWED = {
    (S.ACTIVE, S.FROZEN), (S.FROZEN, S.ACTIVE), (S.ACTIVE, S.SUSPENDED), (S.SUSPENDED, S.ACTIVE),
    (S.ACTIVE, S.CLOSING), (S.FROZEN, S.CLOSING), (S.SUSPENDED, S.CLOSING), (S.CLOSING, S.CLOSED),
}


@pytest.mark.parametrize("src", list(S))
@pytest.mark.parametrize("dst", list(S))
def test_only_the_designed_moves_are_allowed(src: LineStatus, dst: LineStatus) -> None:
    if (src, dst) in ALLOWED:
        check_transition(src, dst, owed_nothing=True)
    else:
        with pytest.raises(Conflict):
            check_transition(src, dst, owed_nothing=True)


def test_a_line_closes_only_when_nothing_is_owed() -> None:
    with pytest.raises(Conflict, match="nothing is owed"):
        check_transition(S.CLOSING, S.CLOSED, owed_nothing=False)


def test_an_unknown_status_names_the_choices() -> None:
    with pytest.raises(ValidationError, match="active, frozen"):
        parse_status("paused")
