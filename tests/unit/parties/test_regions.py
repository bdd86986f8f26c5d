"""Identity numbers checked against the shipped GB/T 2260 list at county level: codes in
force, historical codes that older numbers still carry, and each failing part named.

Numbers are made with a correct check character (``with_check``) unless the test is about
the check character, so only the part under test can fail."""

from __future__ import annotations

from datetime import date

import pytest

from creditline.errors import ValidationError
from creditline.parties.identity import check_id_number, check_uscc, id_check_char, uscc_check_char
from creditline.parties.regions import division, divisions

TODAY = date(2026, 3, 2)


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def refusal(number: str) -> str:
    with pytest.raises(ValidationError) as err:
        check_id_number(number, today=TODAY)
    return err.value.rule


def test_the_shipped_lists_hold_every_level_and_their_history() -> None:
    every = divisions()
    now = [d for d in every.values() if d.current]
    assert {lvl: sum(d.level == lvl for d in now) for lvl in ("province", "prefecture",
                                                              "county")} \
        == {"province": 31, "prefecture": 342, "county": 2975}
    assert division("110105") == division("110105") and division("110105").name == "朝阳区"
    chongwen = division("110103")  # 崇文区, merged into 东城区 in 2010
    assert chongwen is not None and not chongwen.current and chongwen.name == "崇文区"
    assert chongwen.last_revision == "200912"


def test_county_codes_in_force_are_accepted() -> None:
    for first17 in ("11010519491231002",   # 北京市朝阳区
                    "36042619910101007",   # 江西省德安县
                    "65010219800101001",   # 乌鲁木齐市天山区
                    "46010519850615002"):  # 海口市秀英区
        assert check_id_number(with_check(first17), today=TODAY)[:17] == first17


def test_historical_codes_of_older_numbers_are_accepted() -> None:
    # 崇文区 (110103, until 2010), 宣武区 (110104), 萧山县 (330121, until 1988), 宝安县 (440321)
    for code in ("110103", "110104", "330121", "440321"):
        number = with_check(f"{code}19620304051")
        assert check_id_number(number, today=TODAY) == number


def test_a_region_that_never_existed_is_refused_naming_the_region() -> None:
    # 110199 has the right shape (Beijing, county digits 99) but is no county in any revision
    assert division("110199") is None
    assert refusal(with_check("11019919491231002")) == \
        "region code (digits 1-6) 110199 is not a GB/T 2260 county-level code, current or " \
        "historical"
    assert "990105 is not a GB/T 2260" in refusal(with_check("99010519491231002"))
    # a province or prefecture code is not where a person is registered
    assert refusal(with_check("11000019491231002")) == \
        "region code (digits 1-6) 110000 is the province 北京市, not a county-level code"
    assert "is the prefecture" in refusal(with_check("13010019491231002"))


def test_the_birth_date_and_the_check_character_are_named_when_they_fail() -> None:
    assert refusal(with_check("11010519490231002")).startswith("birth date (digits 7-14)")
    assert refusal(with_check("11010520990101002")).startswith("birth date (digits 7-14)")
    good = with_check("11010519491231002")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert refusal(wrong).startswith("check character")


def test_uscc_region_codes_are_checked_against_the_list_at_any_level() -> None:
    assert check_uscc("91110000600037341L") == "91110000600037341L"  # 北京市, province level
    first17 = "91119900600037341"  # 119900: no such division
    with pytest.raises(ValidationError, match="region code \\(characters 3-8\\) 119900"):
        check_uscc(first17 + uscc_check_char(first17))
