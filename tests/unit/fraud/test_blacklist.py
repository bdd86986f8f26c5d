"""Blacklist values are normalised before hashing, so formatting cannot dodge a match."""

from __future__ import annotations

import pytest

from creditline.errors import ValidationError
from creditline.fraud.blacklist import BlacklistKind, mask, normalise, parse_kind

ID = "11010519491231002X"


def test_phone_formats_normalise_to_the_same_value() -> None:
    assert normalise(BlacklistKind.PHONE, "+86 138-0013-8000") == "13800138000"
    assert normalise(BlacklistKind.PHONE, "13800138000") == "13800138000"


def test_identity_numbers_are_checked_and_masked() -> None:
    assert normalise(BlacklistKind.ID_NUMBER, ID.lower()) == ID
    assert mask(BlacklistKind.ID_NUMBER, ID) == "110105********002X"
    with pytest.raises(ValidationError) as err:
        normalise(BlacklistKind.ID_NUMBER, "110105194912310021")
    assert err.value.field == "value"


def test_devices_are_kept_as_given_and_kinds_are_a_closed_list() -> None:
    assert normalise(BlacklistKind.DEVICE, "  dev-123  ") == "dev-123"
    assert mask(BlacklistKind.DEVICE, "dev-123") == "dev-***"
    with pytest.raises(ValidationError, match="kind"):
        parse_kind("email")
