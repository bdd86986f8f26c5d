"""Languages of the console: English and Chinese.  Messages are Babel catalogues (``.po``,
English message ids) compiled in memory at import, so a clean ``pip install -e .`` needs no
build step; dates, money and numbers are formatted by Babel for the reader's locale.

A later page adds its texts to its template and ``locale/zh/LC_MESSAGES/messages.po``;
``tests/web/test_catalogue.py`` fails on a text without its Chinese."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

from creditline.access.sessions import LOCALES

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
BABEL_LOCALE = {"en": "en_US", "zh": "zh_Hans_CN"}
NAMES = {"en": "English", "zh": "中文"}
# Times are shown in China Standard Time: the book's customers and staff live there.
ZONE = ZoneInfo("Asia/Shanghai")
CURRENCY = "CNY"


def _compile(locale: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalogue = read_po(f, locale=BABEL_LOCALE[locale])
    buf = BytesIO()
    write_mo(buf, catalogue)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


TRANSLATIONS: dict[str, gettext.NullTranslations] = {loc: _compile(loc) for loc in LOCALES}


def negotiate(accept_language: str | None) -> str:
    """The first of our languages named in an ``Accept-Language`` header (before sign-in,
    and for a user who never chose)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return DEFAULT


class Formats:
    """The formatting filters of one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = BABEL_LOCALE[locale]

    def money(self, amount: Decimal | str | None) -> str:
        if amount is None or amount == "":
            return "—"
        return format_currency(Decimal(amount), CURRENCY, locale=self.locale)

    def number(self, value: float | Decimal | int | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=fmt, locale=self.locale)

    def percent(self, value: float | Decimal | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        return format_percent(value, format="#,##0." + "0" * digits + "%", locale=self.locale)

    def day(self, value: date | str | None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(value, format="medium", locale=self.locale)

    def moment(self, value: datetime | str | None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return format_datetime(value, format="medium", tzinfo=ZONE, locale=self.locale)
