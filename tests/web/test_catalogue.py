"""Every text of the console exists in Chinese: the messages extracted from the templates
and the ``N_``-marked Python texts all have a translation in the catalogue, with the same
placeholders, and the catalogue compiles (at import, with no build step)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import creditline.web
from creditline.web.i18n import TRANSLATIONS, Formats

WEB = Path(creditline.web.__file__).parent
METHODS = [("**.py", "python"), ("templates/**.j2", "jinja2")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n"}}


def _used() -> set[str]:
    found = extract_from_dir(str(WEB), METHODS, keywords={"_": None, "N_": None,
                                                          "gettext": None},
                             options_map=OPTIONS)
    return {msg for _file, _line, msg, _comments, _ctx in found if isinstance(msg, str)}


def test_every_console_text_has_its_chinese() -> None:
    used = _used()
    assert {"Sign in", "Review queue", "Verify the chain"} <= used
    with (WEB / "locale/zh/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = {m.id: m.string for m in read_po(f) if m.id}
    missing = sorted(used - set(catalogue))
    assert not missing, f"add their Chinese to locale/zh/LC_MESSAGES/messages.po: {missing}"
    empty = sorted(k for k in used if not catalogue[k])
    assert not empty, f"empty translations: {empty}"
    for msgid in used:
        assert re.findall(r"%\(\w+\)s", msgid) == re.findall(r"%\(\w+\)s", catalogue[msgid]), \
            msgid
    assert TRANSLATIONS["zh"].gettext("Sign out") == "退出登录"
    assert TRANSLATIONS["en"].gettext("Sign out") == "Sign out"


def test_money_dates_and_numbers_follow_the_locale() -> None:
    from datetime import UTC, date, datetime
    from decimal import Decimal
    en, zh = Formats("en"), Formats("zh")
    assert en.money(Decimal("1234.5")) == "CN¥1,234.50"
    assert zh.money(Decimal("1234.5")) == "¥1,234.50"
    assert en.day(date(2026, 3, 2)) == "Mar 2, 2026"
    assert zh.day(date(2026, 3, 2)) == "2026年3月2日"
    # instants are shown in China Standard Time: 02:00 UTC is 10:00 in Beijing
    assert en.moment(datetime(2026, 3, 2, 2, 0, tzinfo=UTC)) == "Mar 2, 2026, 10:00:00\u202fAM"
    assert zh.moment(datetime(2026, 3, 2, 2, 0, tzinfo=UTC)) == "2026年3月2日 10:00:00"
    assert en.percent(0.06891, 2) == "6.89%" and en.number(12345) == "12,345"
    assert en.money(None) == "—"
