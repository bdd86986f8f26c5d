"""Every topic the code emits is either internal (listed, with a reason) or has templates in
both languages; each template renders a real-shaped event into a subject and a body that
names what happened.  No generic fallback text exists to hide a missing one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creditline.notify import templates as tpl
from creditline.notify.messages import LANGUAGES
from creditline.notify.ports import Recipient
from creditline.notify.relay import context_for
from creditline.notify.topics import INTERNAL_TOPICS, REMINDER, REQUESTED

SRC = Path(__file__).resolve().parents[3] / "src" / "creditline"
_LITERAL = re.compile(r"emit\(\s*(?:uow,\s*)?\"([a-z_.]+)\"")  # also closure's _emit(uow, "...")
_CONSTANT = re.compile(r"emit\(\s*([A-Z][A-Z0-9_]*)\s*,")
_TEMPLATE = re.compile(r"\"template\":\s*f?\"([a-z_{}.]+)\"")


def emitted() -> tuple[set[str], set[str]]:
    """(topics, notification.requested templates) named anywhere in the source."""
    constants: dict[str, str] = {}
    for py in SRC.rglob("*.py"):
        for name, value in re.findall(r"^([A-Z][A-Z0-9_]*) = \"([a-z_.]+)\"$",
                                      py.read_text(), re.M):
            constants[name] = value
    topics, requested = set(), set()
    for py in SRC.rglob("*.py"):
        text = py.read_text()
        topics.update(_LITERAL.findall(text))
        for name in _CONSTANT.findall(text):
            assert name in constants, f"{py}: emit({name}, ...) names no topic constant"
            topics.add(constants[name])
        for t in _TEMPLATE.findall(text):
            # origination's f"application_{app.status}": a decision is approved or declined
            requested.update({t.replace("{app.status}", s) for s in ("approved", "declined")})
    return topics, requested


def test_every_topic_the_code_emits_is_internal_or_templated_in_both_languages() -> None:
    topics, requested = emitted()
    assert {"purchase.created", REMINDER, REQUESTED, "line.temporary_limit_lapsed"} <= topics
    assert requested == {"application_approved", "application_declined"}
    names = (topics - set(INTERNAL_TOPICS) - {REQUESTED}) | requested
    missing = sorted(f"{lang}/{n}" for n in names for lang in LANGUAGES
                     if not tpl.has_template(n, lang))
    assert missing == [], f"customer-facing topics without templates: {missing}"
    # and nothing is templated that is never emitted, nor both internal and templated
    for lang in LANGUAGES:
        assert tpl.available(lang) == names
    assert not set(INTERNAL_TOPICS) & tpl.available("zh")


SAMPLES: dict[str, dict[str, object]] = {
    "application_approved": {"customer_id": "c1", "template": "application_approved",
                             "application_id": "a1", "product": "consumer_bnpl",
                             "limit": "8000.00", "reasons": []},
    "application_declined": {"customer_id": "c1", "template": "application_declined",
                             "application_id": "a1", "product": "consumer_bnpl",
                             "limit": None, "reasons": [
                                 {"code": "DTI", "en": "Debt burden too high",
                                  "zh": "负债收入比过高"}]},
    "line.opened": {"line_id": "0f1e2d3c-aaaa-bbbb-cccc-00000000ab12", "customer_id": "c1",
                    "product": "consumer_bnpl", "limit": "8000.00"},
    "line.limit_changed": {"line_id": "l1ab12", "from": "8000.00", "to": "6000.00",
                           "reason": "behaviour"},
    "line.temporary_limit_granted": {"line_id": "l1ab12", "limit": "8000.00",
                                     "temporary_limit": "12000.00", "start": "2026-11-01",
                                     "end": "2026-11-15", "reason": "festival"},
    "line.temporary_limit_lapsed": {"line_id": "l1ab12", "limit": "8000.00",
                                    "temporary_limit": "12000.00", "start": "2026-11-01",
                                    "end": "2026-11-15", "business_date": "2026-11-15"},
    "line.status_changed": {"line_id": "l1ab12", "from": "active", "to": "frozen",
                            "reason": "fraud check"},
    "purchase.created": {"purchase_id": "p1", "customer_id": "c1", "line_id": "l1ab12",
                         "amount": "300.00", "merchant": "JD Mall",
                         "merchant_category": "phones", "installments": 1,
                         "business_date": "2026-03-02"},
    "purchase.returned": {"customer_id": "c1", "purchase_id": "p1", "line_id": "l1ab12",
                          "amount": "100.00", "business_date": "2026-03-05"},
    "repayment.received": {"repayment_id": "r1", "customer_id": "c1", "line_id": "l1ab12",
                           "amount": "50.00", "business_date": "2026-04-09",
                           "principal": "44.00", "fee": "6.00"},
    "refund.requested": {"refund_id": "f1", "customer_id": "c1", "line_id": "l1ab12",
                         "amount": "20.00", "business_date": "2026-04-09",
                         "credit_balance": "0.00"},
    REMINDER: {"line_id": "l1ab12", "customer_id": "c1", "due_date": "2026-04-10",
               "amount": "50.00", "days_before": 0, "business_date": "2026-04-09",
               "deliver_after": "2026-04-10T01:00:00+00:00", "dedupe_key": "k"},
    # issue 13 (triggers lane): the shapes servicing.triggers, holds and line_reviews emit
    "line.trigger_fired": {"customer_id": "c1", "line_id": "l1ab12", "code": "FREQUENT_RETURNS",
                           "action": "cut_available", "event": "return", "ref_id": "r1",
                           "rules_version": "2026.11.1+abc",
                           "reason_en": "Three returns in seven days: half of your available "
                                        "credit is set aside for now.",
                           "reason_zh": "七天内退货三次：暂时扣减一半可用额度。",
                           "old_limit": "8000.00", "new_limit": "6500.00"},
    "purchase.held": {"purchase_id": "p9", "customer_id": "c1", "line_id": "l1ab12",
                      "amount": "4999.00", "merchant": "JD Mall", "merchant_category": "phones",
                      "triggers": ["AMOUNT_FAR_ABOVE_USUAL"], "business_date": "2026-03-02",
                      "reason_en": "The amount is far above your usual purchases.",
                      "reason_zh": "该笔金额远高于您平时的消费。"},
    "purchase.hold_released": {"purchase_id": "p9", "customer_id": "c1", "line_id": "l1ab12",
                               "amount": "4999.00", "merchant": "JD Mall",
                               "business_date": "2026-03-03"},
    "purchase.hold_refused": {"purchase_id": "p9", "customer_id": "c1", "line_id": "l1ab12",
                              "amount": "4999.00", "merchant": "JD Mall",
                              "business_date": "2026-03-03",
                              "reason_en": "Your held purchase of 4999.00 at JD Mall was not "
                                           "approved.",
                              "reason_zh": "您在JD Mall的4999.00元暂缓消费未获批准。"},
    "purchase.hold_expired": {"purchase_id": "p9", "customer_id": "c1", "line_id": "l1ab12",
                              "amount": "4999.00", "merchant": "JD Mall", "days": 3,
                              "made_on": "2026-03-02", "business_date": "2026-03-05"},
    "line.review_requested": {"line_id": "l1ab12", "customer_id": "c1", "case_id": "rc1",
                              "due_on": "2026-12-31",
                              "reason_en": "Your credit line is due for its periodic review: "
                                           "please upload your latest financial statements.",
                              "reason_zh": "您的授信额度已到定期复审时间：请上传最新财务报表。"},
    "line.review_decided": {"line_id": "l1ab12", "customer_id": "c1", "case_id": "rc1",
                            "outcome": "increase", "limit": "260000.00",
                            "reason_en": "Your line's periodic review is complete: increase, "
                                         "limit 260000.00.",
                            "reason_zh": "您的额度定期复审已完成：提额，额度260000.00元。"},
    # contacts lane: messages to an emergency contact (never the debt: test_contact_templates)
    "contact.verification_code": {"customer_id": "c1", "contact_id": "k1",
                                  "contact_name": "Wang Fang", "code": "123456",
                                  "reference": "3F9A1C2B7D", "minutes": 15},
    "contact.approach": {"customer_id": "c1", "contact_id": "k1", "contact_name": "Wang Fang"},
    # issue 13 (behaviour lane): the customer's opt-out of automatic increases
    "line.auto_increase_changed": {"line_id": "l1ab12", "auto_increase_opt_out": True,
                                   "message": {"en": "Automatic credit limit increases are "
                                                     "turned off for your line.",
                                               "zh": "您的信用额度已关闭自动提额。"}},
    # bureau (issue 16): the notice before the first negative report (art. 15)
    "bureau.negative_notice": {"line_id": "l1ab12", "customer_id": "c1", "month": "2026-04",
                               "past_due": "50.00", "days_past_due": 20, "balance": "1206.05",
                               "notice_days": 7, "dedupe_key": "bureau.negative_notice:l1ab12"},
    # losses (issue 16): write-off, sale, payments on written-off and sold lines
    "losses.written_off": {"customer_id": "c1", "line_id": "l1ab12", "amount": "1275.00",
                           "business_date": "2026-10-07"},
    "losses.debt_sold": {"customer_id": "c1", "line_id": "l1ab12", "amount": "1206.53",
                         "buyer": "Huarong Asset Management", "business_date": "2026-06-20"},
    "losses.recovery_received": {"customer_id": "c1", "line_id": "l1ab12", "amount": "300.00",
                                 "still_owed": "975.00", "business_date": "2026-10-20"},
    "losses.payment_forwarded": {"customer_id": "c1", "line_id": "l1ab12", "amount": "100.00",
                                 "buyer": "Huarong Asset Management",
                                 "business_date": "2026-06-25"},
}
# What each rendering must mention, per language (the amount, the merchant, the date...).
MUST = {
    "line.auto_increase_changed": ("****AB12",),
    "line.trigger_fired": ("6500.00", "****AB12"), "purchase.held": ("4999.00", "JD Mall"),
    "purchase.hold_released": ("4999.00",), "purchase.hold_refused": ("4999.00", "****AB12"),
    "purchase.hold_expired": ("4999.00", "JD Mall", "2026-03-02", "****AB12"),
    "line.review_requested": ("2026-12-31",), "line.review_decided": ("260000.00",),
    "application_approved": ("8000.00",), "application_declined": ("{reason}",),
    "line.opened": ("****AB12", "8000.00"), "line.limit_changed": ("8000.00", "6000.00"),
    "line.temporary_limit_granted": ("12000.00", "2026-11-15"),
    "line.temporary_limit_lapsed": ("12000.00", "8000.00"), "line.status_changed": ("****AB12",),
    "purchase.created": ("300.00", "JD Mall", "2026-03-02"), "purchase.returned": ("100.00",),
    "repayment.received": ("50.00",), "refund.requested": ("20.00",),
    REMINDER: ("50.00", "2026-04-10"),
    "bureau.negative_notice": ("50.00", "2026-04", "****AB12", "7"),  # bureau (issue 16)
    "losses.written_off": ("1275.00", "****AB12", "2026-10-07"),
    "losses.debt_sold": ("Huarong Asset Management", "1206.53"),
    "losses.recovery_received": ("300.00", "975.00"),
    "losses.payment_forwarded": ("Huarong Asset Management", "100.00"),
    "contact.verification_code": ("Wang Fang", "123456", "3F9A1C2B7D"),
    "contact.approach": ("Wang Fang",),
}
# ccard: the collection strategy's reminder on one channel
SAMPLES["collections.reminder"] = {"case_id": "k1", "line_id": "l1ab12", "customer_id": "c1",
                                   "channels": ["sms"], "amount": "312.40", "days_past_due": 9,
                                   "dedupe_key": "collections:k1:2026-05-01",
                                   "deliver_after": "2026-05-02T01:30:00+00:00",
                                   "reason": "REMIND"}
MUST["collections.reminder"] = ("312.40", "****AB12", "9")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_template_renders_a_real_shaped_event(name: str, lang: str) -> None:
    rec = Recipient(customer_id="c1", name="Wei Zhang" if lang == "en" else "张伟",
                    language=lang, time_zone="Asia/Shanghai", line_kind="bnpl")
    out = tpl.render(name, lang, context_for(SAMPLES[name], rec))
    assert out.subject and out.body and "\n" not in out.subject
    assert rec.name in out.body
    for word in MUST[name]:
        word = word.replace("{reason}", "Debt burden too high" if lang == "en" else "负债收入比过高")
        assert word in out.subject + out.body, (name, lang, word)
    assert "{{" not in out.body and "{%" not in out.body
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", out.subject)
    else:
        assert not re.search(r"[\u4e00-\u9fff]", out.subject + out.body.replace(rec.name, ""))


def test_a_template_naming_a_field_the_event_lacks_fails_loudly() -> None:
    rec = Recipient(customer_id="c1", name="张伟", language="zh", time_zone="Asia/Shanghai")
    with pytest.raises(Exception, match="is undefined"):
        tpl.render("purchase.created", "zh", context_for({"line_id": "x"}, rec))
    with pytest.raises(tpl.MissingTemplate, match=r"zh/line\.frozen_for_ever"):
        tpl.render("line.frozen_for_ever", "zh", {})
