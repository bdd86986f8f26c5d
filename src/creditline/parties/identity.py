"""Identity rules: GB 11643 resident identity numbers, GB 32100 Unified Social Credit
Codes, mainland mobile numbers, GB/T 4754 industry sections, and masking.

Pure functions; each ``check_*`` raises ``ValidationError`` naming the field and the
rule that failed, and returns the normalised value.
"""

from __future__ import annotations

import re
from datetime import date

from creditline.errors import ValidationError
from creditline.parties.regions import division

# GB/T 2260 province-level codes (the first two digits of an administrative division code).
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
})

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # index = weighted sum mod 11 (ISO 7064 MOD 11-2)

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_AUTHORITIES = frozenset("123456789ANY")

# GB/T 4754-2017 sections.
INDUSTRY_SECTIONS: dict[str, str] = {
    "A": "Agriculture, forestry, animal husbandry and fishery",
    "B": "Mining",
    "C": "Manufacturing",
    "D": "Electricity, heat, gas and water production and supply",
    "E": "Construction",
    "F": "Wholesale and retail trade",
    "G": "Transport, storage and postal services",
    "H": "Accommodation and catering",
    "I": "Information transmission, software and IT services",
    "J": "Finance",
    "K": "Real estate",
    "L": "Leasing and business services",
    "M": "Scientific research and technical services",
    "N": "Water conservancy, environment and public facilities management",
    "O": "Resident services, repair and other services",
    "P": "Education",
    "Q": "Health and social work",
    "R": "Culture, sports and entertainment",
    "S": "Public administration, social security and social organisations",
    "T": "International organisations",
}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def check_id_number(value: str, field: str = "id_number", *, today: date | None = None) -> str:
    """Validate an 18-character resident identity number; returns it upper-cased.

    ``today`` is the business date a birth date may not come after (services pass the
    clock's date; the wall-clock date is only a fallback for ad-hoc checks)."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string of 18 characters")
    v = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        raise ValidationError(field, "must be 17 digits followed by a digit or X (GB 11643)")
    check_id_region(v[:6], field)
    birth = id_birth_date(v, field)
    if birth.year < 1900 or birth > (today or date.today()):
        raise ValidationError(field, "birth date (digits 7-14) is out of range")
    if id_check_char(v[:17]) != v[17]:
        raise ValidationError(field, "check character does not match (ISO 7064 MOD 11-2)")
    return v


def check_id_region(code: str, field: str = "id_number") -> None:
    """The first six digits of an identity number: a county-level GB/T 2260 code, in force
    or of an earlier revision (a number keeps the code of the county that issued it)."""
    found = division(code)
    if found is None:
        raise ValidationError(field, f"region code (digits 1-6) {code} is not a GB/T 2260 "
                                     "county-level code, current or historical")
    if found.level != "county":
        raise ValidationError(field, f"region code (digits 1-6) {code} is the {found.level} "
                                     f"{found.name}, not a county-level code")


def id_birth_date(value: str, field: str = "id_number") -> date:
    """The birth date encoded in digits 7-14 of an identity number."""
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(field, "birth date (digits 7-14) is not a real date") from None


def id_sex(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd = male)."""
    return "M" if int(value[16]) % 2 else "F"


def age_on(birth: date, on: date) -> int:
    """Whole years of age on a given date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def check_uscc(value: str, field: str = "uscc") -> str:
    """Validate an 18-character Unified Social Credit Code; returns it upper-cased."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string of 18 characters")
    v = value.strip().upper()
    if len(v) != 18:
        raise ValidationError(field, "must be 18 characters (GB 32100)")
    bad = [c for c in v if c not in USCC_CHARSET]
    if bad:
        raise ValidationError(
            field, f"character {bad[0]!r} is outside the GB 32100 character set (no I, O, S, V, Z)")
    if v[0] not in _USCC_AUTHORITIES:
        raise ValidationError(field, "registration authority code (1st character) is not valid")
    if not v[2:8].isdigit() or division(v[2:8]) is None:
        raise ValidationError(field, f"region code (characters 3-8) {v[2:8]} is not a GB/T "
                                     "2260 code, current or historical")
    if uscc_check_char(v[:17]) != v[17]:
        raise ValidationError(field, "check character does not match (GB 32100)")
    return v


def check_mobile(value: str, field: str = "phone") -> str:
    """A mainland China mobile number: 11 digits starting 13-19; ``+86`` is accepted."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    v = re.sub(r"[\s-]", "", value)
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    if not _MOBILE.fullmatch(v):
        raise ValidationError(field, "must be a mainland mobile number: 11 digits starting 13-19")
    return v


def check_industry(value: str, field: str = "industry") -> str:
    if not isinstance(value, str) or value.strip().upper() not in INDUSTRY_SECTIONS:
        raise ValidationError(field, "must be a GB/T 4754 section letter A-T")
    return value.strip().upper()


def mask_id_number(v: str) -> str:
    """``110105********002X``: region kept, birth date hidden, last four kept."""
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(v: str) -> str:
    """``138****1234``."""
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


def mask_email(v: str) -> str:
    """``z***@example.com``: the first character of the local part and the domain."""
    local, _, domain = v.partition("@")
    return (local[:1] + "***@" + domain) if domain else "***"


def mask_name(name: str) -> str:
    """``张**``: the first character, the rest starred (an empty name stays empty)."""
    return name[0] + "*" * max(1, len(name) - 1) if name else name


def mask_ip(ip: str | None) -> str | None:
    """``203.0.*.*`` / ``2001:db8:1:*``: the network kept, the host hidden."""
    if ip is None:
        return None
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + ":*"
    return ".".join(ip.split(".")[:2]) + ".*.*"
