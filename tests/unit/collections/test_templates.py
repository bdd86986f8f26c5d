"""Every outbox topic collections emits for a customer has a template in English and
Chinese under ``notify/templates/<lang>/<topic>.txt.j2`` (the convention of the notify
context): first line ``Subject: ...``, a blank line, a body; rendered from the event
payload alone, with nothing left undefined."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

import creditline
from creditline.batch.collections import PROMISE_BROKEN, PROMISE_KEPT
from creditline.collections.agencies import CASE_PLACED, CASE_RECALLED
from creditline.collections.services import HARDSHIP_GRANTED, PROMISE_CONFIRMED

TEMPLATES = Path(creditline.__file__).parent / "notify" / "templates"
PAYLOADS = {  # what each topic's event carries (the emitting code's keys)
    PROMISE_CONFIRMED: {"case_id": "c", "line_id": "l", "customer_id": "u", "promise_id": "p",
                        "amount": "50.00", "due_on": "2026-04-23"},
    PROMISE_KEPT: {"case_id": "c", "line_id": "l", "promise_id": "p", "amount": "50.00",
                   "due_on": "2026-04-23", "paid": "50.00", "business_date": "2026-04-22"},
    PROMISE_BROKEN: {"case_id": "c", "line_id": "l", "promise_id": "p", "amount": "50.00",
                     "due_on": "2026-04-23", "paid": "0.00", "business_date": "2026-04-23"},
    CASE_PLACED: {"case_id": "c", "line_id": "l", "customer_id": "u",
                  "agency": "Eastern Recovery", "placed_on": "2026-04-24"},
    CASE_RECALLED: {"case_id": "c", "line_id": "l", "customer_id": "u",
                    "recalled_on": "2026-05-01"},
    HARDSHIP_GRANTED: {"case_id": "c", "line_id": "l", "customer_id": "u",
                       "from": "2026-04-15", "until": "2026-05-05"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("topic", sorted(PAYLOADS))
def test_each_topic_has_a_template_in_both_languages(topic: str, lang: str) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / lang),
                             undefined=jinja2.StrictUndefined, autoescape=False)
    text = env.get_template(f"{topic}.txt.j2").render(**PAYLOADS[topic])
    first, blank, *body = text.splitlines()
    assert first.startswith("Subject: ") and len(first) > len("Subject: ") + 5
    assert blank == "" and "".join(body).strip()
    values = [v for k, v in PAYLOADS[topic].items() if not k.endswith("_id")]
    assert any(v in text for v in values)  # specific, not a generic text
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
