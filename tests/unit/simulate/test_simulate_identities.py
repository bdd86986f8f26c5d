"""Bulk identifiers agree with the foundation's one-at-a-time validators."""

from __future__ import annotations

from datetime import date

import numpy as np

from creditline.parties.identity import (
    PROVINCE_CODES,
    age_on,
    check_id_number,
    check_mobile,
    check_uscc,
    id_birth_date,
    id_check_char,
    uscc_check_char,
)
from creditline.parties.regions import division
from creditline.simulate import identities as ids


def test_region_table_holds_county_codes_in_force() -> None:
    assert len(ids.REGION_CODES) == len(set(ids.REGION_CODES))
    for region in ids.REGIONS:
        assert region.code[:2] in PROVINCE_CODES
        shipped = division(region.code)  # the GB/T 2260 list identity numbers are checked on
        assert shipped is not None and shipped.current and shipped.level == "county"
        assert region.tier in (1, 2, 3, 4)
    assert {"110105", "310104", "440305", "360426", "510107"} <= set(ids.REGION_CODES)


def test_vectorised_check_characters_match_the_foundation() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    region = ids.REGION_CODES[ids.draw_regions(rng, n)]
    births = ids.birth_dates(rng, rng.integers(18, 71, n), date(2026, 1, 1))
    numbers = ids.id_numbers(rng, region, births, rng.random(n) < 0.5)
    for number in numbers:
        assert id_check_char(number[:17]) == number[17]
    assert "X" in "".join(x[17] for x in numbers)  # the X check character does occur
    codes = ids.usccs(rng, region[:1000])
    for code in codes:
        assert uscc_check_char(code[:17]) == code[17]
        check_uscc(code)


def test_embedded_organisation_code_carries_its_gb11714_check() -> None:
    rng = np.random.default_rng(1)
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    for code in ids.usccs(rng, ids.REGION_CODES[:20].repeat(10)):
        org = code[8:17]
        c9 = 11 - sum(int(ch, 36) * w for ch, w in zip(org[:8], weights)) % 11
        assert org[8] == {10: "X", 11: "0"}.get(c9, str(c9))


def test_birth_dates_give_exact_ages_even_on_a_leap_day() -> None:
    rng = np.random.default_rng(2)
    for as_of in (date(2028, 2, 29), date(2026, 1, 1), date(2026, 12, 31)):
        ages = np.repeat(np.arange(18, 71), 40)
        for birth, age in zip(ids.birth_dates(rng, ages, as_of).tolist(), ages):
            assert age_on(birth, as_of) == age


def test_identity_numbers_stay_unique_when_many_share_a_birthday() -> None:
    rng = np.random.default_rng(3)
    n = 800  # everyone born the same day in the same county: only sequences differ
    births = np.full(n, np.datetime64("1990-05-17"))
    male = rng.random(n) < 0.5
    numbers = ids.id_numbers(rng, np.full(n, "440305"), births, male)
    assert len(set(numbers)) == n
    for number, is_male in zip(numbers, male):
        check_id_number(number)
        assert id_birth_date(number) == date(1990, 5, 17)
        assert (int(number[16]) % 2 == 1) == is_male


def test_mobiles_are_distinct_valid_and_avoid_the_excluded() -> None:
    rng = np.random.default_rng(4)
    banned = ids.unique_mobiles(rng, 500)
    fresh = ids.unique_mobiles(rng, 20_000, exclude=banned,
                               virtual=np.arange(20_000) < 1000)
    assert len(np.unique(fresh)) == 20_000
    assert not np.isin(fresh, banned).any()
    as_text = ids.mobile_strings(fresh)
    for phone in as_text[:2000]:
        check_mobile(phone)
    virtual = np.isin(fresh // 10**8, ids.VIRTUAL_PREFIXES)
    assert virtual[:1000].all()
    assert virtual[1000:].mean() < 0.03
