"""Registering customers in the pure domain: every broken rule is reported with its field
path, and nothing needs a database or the wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from creditline.errors import ValidationError
from creditline.parties.customers import Person, register_enterprise, register_person
from creditline.parties.identity import id_check_char

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ALL_CONSENTS = {"credit_check": True, "data_processing": True, "emergency_contact": True}


def person(**over: Any) -> Person:
    fields: dict[str, Any] = dict(name="Zhang San", id_number="11010519491231002X",
                                  phone="13812345678", monthly_income="12000.00",
                                  consents=ALL_CONSENTS)
    fields.update(over)
    return register_person(customer_id="c1", today=TODAY, now=NOW, **fields)


def fields_of(err: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [".".join(d["loc"]) for d in err.value.details]  # type: ignore[arg-type]


def test_a_person_with_every_consent_is_registered() -> None:
    p = person(email="Zhang@Example.COM", employment="Employed", region=" Beijing ")
    assert p.id_number == "11010519491231002X" and p.phone == "13812345678"
    assert p.monthly_income == Decimal("12000.00")
    assert (p.email, p.employment, p.region) == ("Zhang@example.com", "employed", "Beijing")
    assert p.birth_date == date(1949, 12, 31) and p.age_on(TODAY) == 76
    assert p.consents.credit_check and p.consents.given_at == NOW
    assert p.consents.reference("emergency_contact") == "emergency_contact:v1"


def test_every_broken_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as err:
        person(name=" ", id_number="11010519491231002Y", phone="12345", monthly_income="12.345",
               email="nobody", employment="astronaut", consents={"credit_check": True})
    assert fields_of(err) == ["name", "id_number", "phone", "monthly_income", "email",
                              "employment", "consents.data_processing"]
    assert err.value.field == "name"


@pytest.mark.parametrize(("consents", "field"), [
    ({}, "consents.credit_check"),
    (None, "consents.credit_check"),
    ({"credit_check": False, "data_processing": True}, "consents.credit_check"),
    ({"credit_check": True}, "consents.data_processing"),
    ({"credit_check": "yes", "data_processing": True}, "consents.credit_check"),
    ({"credit_check": True, "data_processing": True, "marketing": True}, "consents.marketing"),
])
def test_missing_or_malformed_consent_is_refused(consents: Any, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        person(consents=consents)
    assert fields_of(err)[0] == field


def test_emergency_contact_consent_is_optional_for_registration() -> None:
    p = person(consents={"credit_check": True, "data_processing": True})
    assert p.consents.emergency_contact is False


def test_the_person_must_be_eighteen_on_the_business_date() -> None:
    born_2008_03_02 = "11010520080302001"
    adult = born_2008_03_02 + id_check_char(born_2008_03_02)
    assert person(id_number=adult).age_on(TODAY) == 18
    born_2008_03_03 = "11010520080303001"
    minor = born_2008_03_03 + id_check_char(born_2008_03_03)
    with pytest.raises(ValidationError, match="18 or older on 2026-03-02") as err:
        person(id_number=minor)
    assert err.value.field == "id_number"


def test_monthly_income_is_money_not_a_float() -> None:
    assert person(monthly_income="0").monthly_income == Decimal("0.00")
    for bad in (1000.5, "-1", "abc", "1e12"):
        with pytest.raises(ValidationError) as err:
            person(monthly_income=bad)
        assert err.value.field == "monthly_income"


def test_an_enterprise_is_registered_with_its_register_data() -> None:
    e = register_enterprise(customer_id="e1", name="Example Trading", uscc="91110000600037341L",
                            industry="f", registered_on="2012-05-08", legal_representative="Li Si",
                            registered_capital="5000000", employees=35, today=TODAY, now=NOW)
    assert (e.uscc, e.industry, e.industry_name) == ("91110000600037341L", "F",
                                                     "Wholesale and retail trade")
    assert e.registered_on == date(2012, 5, 8) and e.years_registered(TODAY) == 13
    assert e.attributes == {"registered_capital": "5000000.00", "employees": 35}
    assert e.consents.credit_check is False


def test_enterprise_fields_are_checked() -> None:
    with pytest.raises(ValidationError) as err:
        register_enterprise(customer_id="e1", name="", uscc="91110000600037341M", industry="Z",
                            registered_on="2026-03-03", legal_representative=None, employees=-1,
                            phone="555", today=TODAY, now=NOW)
    assert fields_of(err) == ["name", "uscc", "industry", "registered_on",
                              "legal_representative", "phone", "employees"]
