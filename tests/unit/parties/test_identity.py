"""Identity rules as worked examples: the published sample numbers pass, and every way of
getting one character wrong is caught."""

from __future__ import annotations

import string
from datetime import date

import pytest

from creditline.errors import ValidationError
from creditline.parties.identity import (
    USCC_CHARSET,
    age_on,
    check_id_number,
    check_industry,
    check_mobile,
    check_uscc,
    id_birth_date,
    id_check_char,
    id_sex,
    mask_email,
    mask_id_number,
    mask_phone,
    uscc_check_char,
)

SAMPLE_IDS = ["11010519491231002X", "360426199101010071"]
SAMPLE_USCC = "91110000600037341L"
TODAY = date(2026, 3, 2)


def one_character_changes(value: str, alphabet: str) -> list[str]:
    """Every string that differs from ``value`` in exactly one position, over ``alphabet``."""
    return [value[:i] + c + value[i + 1:]
            for i in range(len(value)) for c in alphabet if c != value[i]]


@pytest.mark.parametrize("id_number", SAMPLE_IDS)
def test_published_identity_numbers_validate(id_number: str) -> None:
    assert check_id_number(id_number, today=TODAY) == id_number
    assert id_check_char(id_number[:17]) == id_number[17]


@pytest.mark.parametrize("id_number", SAMPLE_IDS)
def test_every_single_character_change_of_an_identity_number_is_rejected(id_number: str) -> None:
    # ISO 7064 MOD 11-2 catches every single substitution; letters fail the format check.
    changed = one_character_changes(id_number, string.digits + "X" + "AZ")
    assert len(changed) == 18 * 12
    for bad in changed:
        with pytest.raises(ValidationError) as err:
            check_id_number(bad, today=TODAY)
        assert err.value.field == "id_number", bad


def test_the_check_character_may_be_written_in_lower_case() -> None:
    assert check_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"


def test_published_uscc_validates_and_every_single_character_change_is_rejected() -> None:
    assert check_uscc(SAMPLE_USCC) == SAMPLE_USCC
    assert uscc_check_char(SAMPLE_USCC[:17]) == "L"
    changed = one_character_changes(SAMPLE_USCC, USCC_CHARSET + "IOSVZ")
    assert len(changed) == 18 * 35
    for bad in changed:
        with pytest.raises(ValidationError) as err:
            check_uscc(bad)
        assert err.value.field == "uscc", bad


@pytest.mark.parametrize(("value", "rule"), [
    ("I1110000600037341L", "character set"),
    ("01110000600037341L", "registration authority"),
    ("91000000600037341L", "region code"),
    ("9111000060003734", "18 characters"),
])
def test_uscc_errors_name_the_rule(value: str, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule):
        check_uscc(value)


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize(("id_number", "rule"), [
    (with_check("11010520230230001"), "not a real date"),        # 30 February
    (with_check("11010519490231002"), "not a real date"),        # 31 February
    (with_check("11010520261231001"), "out of range"),           # born after the business date
    (with_check("11010518991231001"), "out of range"),           # before 1900
    (with_check("99010519491231002"), "region code"),            # no province 99
    (with_check("11000019491231002"), "region code"),
    ("11010519491231002", "17 digits followed by a digit or X"),  # 17 characters
    ("11010519491231002Y", "17 digits followed by a digit or X"),
    ("110105194912310021", "check character"),
])
def test_identity_number_errors_name_the_rule(id_number: str, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule) as err:
        check_id_number(id_number, today=TODAY)
    assert err.value.field == "id_number"


def test_birth_date_sex_and_age_come_from_the_number() -> None:
    assert id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert id_sex("11010519491231002X") == "F"   # 17th digit 2: even
    assert id_sex("360426199101010071") == "M"   # 17th digit 7: odd
    assert age_on(date(2008, 3, 2), TODAY) == 18
    assert age_on(date(2008, 3, 3), TODAY) == 17
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17


@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678"])
def test_mobile_numbers_are_normalised(raw: str) -> None:
    assert check_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "010-12345678", "abc"])
def test_bad_mobile_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(ValidationError, match="mainland mobile") as err:
        check_mobile(raw, "contacts.phone")
    assert err.value.field == "contacts.phone"


def test_industry_is_a_gbt_4754_section_letter() -> None:
    assert check_industry("i") == "I"
    for bad in ("U", "Z", "", "IT"):
        with pytest.raises(ValidationError, match="GB/T 4754"):
            check_industry(bad)


def test_masks_hide_the_middle() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_email("zhang.san@example.com") == "z***@example.com"
