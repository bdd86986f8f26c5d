"""Customers: natural persons (consumer BNPL lines) and enterprises (SME lines).

``register_person`` / ``register_enterprise`` are the only way to build a new customer from
outside input: they check every field, collect every broken rule (a 422 names each field
path, e.g. ``id_number`` or ``consents.credit_check``), and return a frozen value.  The
business date is an argument: age and "not in the future" are judged on it, never on the
wall clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from creditline.errors import ValidationError
from creditline.money import to_money
from creditline.parties.identity import (
    INDUSTRY_SECTIONS,
    age_on,
    check_id_number,
    check_industry,
    check_mobile,
    check_uscc,
    id_birth_date,
    id_sex,
)
from creditline.parties.validation import FieldErrors, one_of, text

ADULT_AGE = 18
CONSENT_VERSION = "v1"
# What a customer may consent to.  Credit checks and data processing are required to register
# a person; emergency_contact governs whether contacts may be added and called.
CONSENT_PURPOSES = ("credit_check", "data_processing", "emergency_contact")
REQUIRED_PERSON_CONSENTS = ("credit_check", "data_processing")
EMPLOYMENT = frozenset({"employed", "self_employed", "business_owner", "freelancer", "student",
                        "retired", "unemployed", "other"})
MAX_MONTHLY_INCOME = Decimal("100000000.00")  # a typo guard, far above any real salary
MAX_ENTERPRISE_AMOUNT = Decimal("1000000000000.00")
# The languages customers' messages are written in (notify's templates exist in each).
LANGUAGES = frozenset({"zh", "en"})
DEFAULT_LANGUAGE = "zh"
DEFAULT_TIME_ZONE = "Asia/Shanghai"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Consents:
    """The consents a customer gave at registration, under one wording version."""

    credit_check: bool = False
    data_processing: bool = False
    emergency_contact: bool = False
    version: str = CONSENT_VERSION
    given_at: datetime | None = None

    def granted(self, purpose: str) -> bool:
        if purpose not in CONSENT_PURPOSES:
            raise KeyError(f"unknown consent purpose {purpose!r}")
        return bool(getattr(self, purpose))

    def reference(self, purpose: str) -> str:
        """How a record names the consent it relies on, e.g. ``emergency_contact:v1``."""
        return f"{purpose}:{self.version}"

    def as_dict(self) -> dict[str, object]:
        return {"credit_check": self.credit_check, "data_processing": self.data_processing,
                "emergency_contact": self.emergency_contact, "version": self.version,
                "given_at": self.given_at.isoformat() if self.given_at else None}

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Consents:
        given = d.get("given_at")
        return cls(credit_check=bool(d.get("credit_check")),
                   data_processing=bool(d.get("data_processing")),
                   emergency_contact=bool(d.get("emergency_contact")),
                   version=str(d.get("version") or CONSENT_VERSION),
                   given_at=datetime.fromisoformat(given) if isinstance(given, str) else None)


@dataclass(frozen=True)
class Person:
    """A natural person.  ``id_number`` and ``phone`` are personal data: the store keeps them
    encrypted and the API masks them for roles without ``customers:read_pii``."""

    kind: ClassVar[str] = "person"

    id: str
    name: str
    id_number: str
    phone: str
    monthly_income: Decimal
    consents: Consents
    created_at: datetime
    email: str | None = None
    employment: str | None = None
    region: str | None = None
    version: int = 1
    language: str = "zh"  # notify: the language messages are written in (zh | en)
    time_zone: str = DEFAULT_TIME_ZONE  # notify: reminders keep this zone's daytime hours

    @property
    def birth_date(self) -> date:
        return id_birth_date(self.id_number)

    @property
    def sex(self) -> str:
        return id_sex(self.id_number)

    def age_on(self, on: date) -> int:
        return age_on(self.birth_date, on)


@dataclass(frozen=True)
class Enterprise:
    """A business identified by its Unified Social Credit Code (public register data)."""

    kind: ClassVar[str] = "enterprise"

    id: str
    name: str
    uscc: str
    industry: str
    registered_on: date
    legal_representative: str
    consents: Consents
    created_at: datetime
    phone: str | None = None
    registered_capital: Decimal | None = None
    annual_revenue: Decimal | None = None
    employees: int | None = None
    address: str | None = None
    version: int = 1
    language: str = "zh"  # notify: the language messages are written in (zh | en)
    time_zone: str = DEFAULT_TIME_ZONE  # notify: reminders keep this zone's daytime hours

    @property
    def industry_name(self) -> str:
        return INDUSTRY_SECTIONS[self.industry]

    def years_registered(self, on: date) -> int:
        return age_on(self.registered_on, on)

    @property
    def attributes(self) -> dict[str, object]:
        """The optional descriptive fields, as stored in one JSON column."""
        return {k: v for k, v in {
            "registered_capital": None if self.registered_capital is None else f"{self.registered_capital:f}",
            "annual_revenue": None if self.annual_revenue is None else f"{self.annual_revenue:f}",
            "employees": self.employees,
            "address": self.address,
        }.items() if v is not None}


Customer = Person | Enterprise


def register_person(*, customer_id: str, name: object, id_number: object, phone: object,
                    monthly_income: object, consents: object, today: date, now: datetime,
                    email: object = None, employment: object = None, region: object = None,
                    language: object = None, time_zone: object = None) -> Person:
    """A new person, or a ``ValidationError`` listing every field that broke a rule."""
    errs = FieldErrors()
    name_v = errs.check(text, name, "name", max_len=200)
    idn = errs.check(check_id_number, id_number, "id_number", today=today)
    if idn is not None:
        born = id_birth_date(idn)
        if age_on(born, today) < ADULT_AGE:
            errs.add("id_number", f"the holder must be {ADULT_AGE} or older on {today.isoformat()} "
                                  f"(born {born.isoformat()})")
    phone_v = errs.check(check_mobile, phone, "phone")
    income = errs.check(_amount, monthly_income, "monthly_income", MAX_MONTHLY_INCOME)
    email_v = errs.check(_email, email)
    employment_v = errs.check(one_of, employment, "employment", EMPLOYMENT, required=False)
    region_v = errs.check(text, region, "region", max_len=60, required=False)
    language_v = errs.check(one_of, language, "language", LANGUAGES, required=False)
    zone_v = errs.check(_time_zone, time_zone)
    consents_v = _consents(consents, errs, now, required=REQUIRED_PERSON_CONSENTS)
    errs.raise_if_any()
    assert name_v and idn and phone_v and income is not None
    return Person(id=customer_id, name=name_v, id_number=idn, phone=phone_v, monthly_income=income,
                  consents=consents_v, created_at=now, email=email_v, employment=employment_v,
                  region=region_v, language=language_v or DEFAULT_LANGUAGE,
                  time_zone=zone_v or DEFAULT_TIME_ZONE)


def register_enterprise(*, customer_id: str, name: object, uscc: object, industry: object,
                        registered_on: object, legal_representative: object, today: date,
                        now: datetime, consents: object = None, phone: object = None,
                        registered_capital: object = None, annual_revenue: object = None,
                        employees: object = None, address: object = None,
                        language: object = None, time_zone: object = None) -> Enterprise:
    """A new enterprise, or a ``ValidationError`` listing every field that broke a rule.
    Consents are optional here (an enterprise's credit-check authorisation may come later
    with an application); persons must give theirs at registration."""
    errs = FieldErrors()
    name_v = errs.check(text, name, "name", max_len=200)
    uscc_v = errs.check(check_uscc, uscc, "uscc")
    industry_v = errs.check(check_industry, industry, "industry")
    reg = errs.check(_past_date, registered_on, "registered_on", today)
    rep = errs.check(text, legal_representative, "legal_representative", max_len=200)
    phone_v = None if phone is None else errs.check(check_mobile, phone, "phone")
    capital = None if registered_capital is None else errs.check(
        _amount, registered_capital, "registered_capital", MAX_ENTERPRISE_AMOUNT)
    revenue = None if annual_revenue is None else errs.check(
        _amount, annual_revenue, "annual_revenue", MAX_ENTERPRISE_AMOUNT)
    staff = errs.check(_headcount, employees, "employees")
    address_v = errs.check(text, address, "address", max_len=300, required=False)
    language_v = errs.check(one_of, language, "language", LANGUAGES, required=False)
    zone_v = errs.check(_time_zone, time_zone)
    consents_v = _consents(consents, errs, now, required=())
    errs.raise_if_any()
    assert name_v and uscc_v and industry_v and reg and rep
    return Enterprise(id=customer_id, name=name_v, uscc=uscc_v, industry=industry_v,
                      registered_on=reg, legal_representative=rep, consents=consents_v,
                      created_at=now, phone=phone_v, registered_capital=capital,
                      annual_revenue=revenue, employees=staff, address=address_v,
                      language=language_v or DEFAULT_LANGUAGE,
                      time_zone=zone_v or DEFAULT_TIME_ZONE)


def _consents(value: object, errs: FieldErrors, now: datetime,
              *, required: tuple[str, ...]) -> Consents:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        errs.add("consents", "must be an object of consent purposes to true/false")
        return Consents(given_at=now)
    for key in value:
        if key not in CONSENT_PURPOSES:
            errs.add(f"consents.{key}", "is not a consent purpose (credit_check, "
                                        "data_processing, emergency_contact)")
    flags: dict[str, bool] = {}
    for purpose in CONSENT_PURPOSES:
        v = value.get(purpose, False)
        if not isinstance(v, bool):
            errs.add(f"consents.{purpose}", "must be true or false")
            v = False
        if purpose in required and v is not True:
            errs.add(f"consents.{purpose}", "consent is required to register a person")
        flags[purpose] = v
    return Consents(**flags, version=CONSENT_VERSION, given_at=now)


def _amount(value: object, field: str, ceiling: Decimal) -> Decimal:
    if isinstance(value, float):
        raise ValidationError(field, "must be a decimal string such as \"100.00\", not a float")
    amount = to_money(value, field, allow_zero=True)
    if amount > ceiling:
        raise ValidationError(field, f"must be at most {ceiling}")
    return amount


def _email(value: object) -> str | None:
    if value is None:
        return None
    v = text(value, "email", max_len=200)
    if v is None or not _EMAIL.fullmatch(v):
        raise ValidationError("email", "must be an e-mail address such as name@example.com")
    local, _, domain = v.partition("@")
    return f"{local}@{domain.lower()}"


def _time_zone(value: object) -> str | None:
    """An IANA zone name such as Asia/Shanghai (the customer's local time)."""
    if value is None:
        return None
    rule = "must be an IANA time zone such as Asia/Shanghai"
    if not isinstance(value, str) or not 1 <= len(value) <= 40:
        raise ValidationError("time_zone", rule)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("time_zone", rule) from None
    return value


def _past_date(value: object, field: str, today: date) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, "must be a date as YYYY-MM-DD") from None
    if not isinstance(value, date):
        raise ValidationError(field, "must be a date as YYYY-MM-DD")
    if value > today:
        raise ValidationError(field, f"must not be after the business date {today.isoformat()}")
    if value.year < 1900:
        raise ValidationError(field, "must not be before 1900")
    return value


def _headcount(value: object, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field, "must be a whole number of people, 0 or more")
    return value
