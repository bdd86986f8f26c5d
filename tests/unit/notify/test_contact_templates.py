"""Every message to an emergency contact, in both languages, is checked against the
forbidden-words list (data: ``collections/rules/emergency_contacts.json``): it may name the
customer and ask them to get in touch, never a debt, an amount or the lender's business.
A template change that adds such wording fails here."""

from __future__ import annotations

import pytest

from creditline.collections.contact_services import CONTACT_APPROACH, CONTACT_CODE
from creditline.collections.rules import default_rules
from creditline.notify import templates as tpl
from creditline.notify.messages import LANGUAGES
from creditline.notify.ports import Recipient
from creditline.notify.relay import context_for

FORBIDDEN = default_rules().emergency
# a payload as rich as a careless caller could make it: the renderings must still be clean
PAYLOADS = {
    CONTACT_CODE: {"customer_id": "c1", "contact_id": "k1", "contact_name": "Wang Fang",
                   "code": "123456", "reference": "3F9A1C2B7D", "minutes": 15},
    CONTACT_APPROACH: {"customer_id": "c1", "contact_id": "k1", "contact_name": "Wang Fang"},
}


def contact_templates() -> list[str]:
    return sorted(n for n in tpl.available("zh") | tpl.available("en")
                  if n.startswith("contact."))


def test_the_contact_templates_are_the_contact_topics_in_both_languages() -> None:
    assert contact_templates() == sorted(PAYLOADS)
    for lang in LANGUAGES:
        assert {n for n in tpl.available(lang) if n.startswith("contact.")} == set(PAYLOADS)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", contact_templates())
def test_no_contact_template_says_anything_about_a_debt(name: str, lang: str) -> None:
    rec = Recipient(customer_id="c1", name="Li Lei" if lang == "en" else "李雷",
                    language=lang, time_zone="Asia/Shanghai", line_kind="bnpl")
    out = tpl.render(name, lang, context_for(PAYLOADS[name], rec))
    text = f"{out.subject}\n{out.body}"
    assert FORBIDDEN.forbidden_in(text, lang) == [], (name, lang)
    assert FORBIDDEN.forbidden_any(text) == [], (name, lang)  # nor the other language's words
    assert rec.name in text and "Wang Fang" in text


def test_debt_wording_is_caught_in_either_language() -> None:
    assert FORBIDDEN.forbidden_in("Please remind Li Lei that his payment is overdue.", "en") \
        == ["overdue", "payment"]
    assert FORBIDDEN.forbidden_in("请转告李雷尽快还款，逾期金额50.00元。", "zh") == [
        "逾期", "还款", "金额", "元"]
    # English words match whole words only: "relate" does not contain the word "late"
    assert FORBIDDEN.forbidden_in("How do you relate to Li Lei?", "en") == []
    assert FORBIDDEN.forbidden_in("He is LATE.", "en") == ["late"]
