"""Jinja2 templates for the customer's messages, one per topic and language.

``templates/<lang>/<name>.txt.j2``: the first line is ``Subject: ...``, then a blank line,
then the body.  The context is the event's payload plus what the relay adds (the customer's
name, the masked line number).  Undefined variables are errors (``StrictUndefined``), so a
template that names a field the event does not carry fails its test instead of printing
nothing.  E-mail also goes out as HTML: the text body in a small layout, escaped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from creditline.errors import ValidationError
from creditline.notify.messages import LANGUAGES

TEMPLATE_DIR = Path(__file__).parent / "templates"
SUFFIX = ".txt.j2"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


class MissingTemplate(LookupError):
    """No template for this name and language: the topic is not customer-facing yet."""


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                              undefined=jinja2.StrictUndefined, autoescape=False,
                              keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _html_env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                              undefined=jinja2.StrictUndefined, autoescape=True)


def available(language: str) -> frozenset[str]:
    """The template names written in ``language``."""
    folder = TEMPLATE_DIR / language
    return frozenset(p.name.removesuffix(SUFFIX) for p in folder.glob(f"*{SUFFIX}"))


def has_template(name: str, language: str) -> bool:
    return (TEMPLATE_DIR / language / f"{name}{SUFFIX}").is_file()


def render(name: str, language: str, context: Mapping[str, object]) -> Rendered:
    """The subject and body of template ``name`` in ``language``."""
    if language not in LANGUAGES:
        raise ValidationError("language", f"must be one of: {', '.join(LANGUAGES)}")
    # the loader answers "no such file" itself (and checks a cached template's file is
    # still there): no second look at the disk per message (the relay renders thousands)
    try:
        template = _env().get_template(f"{language}/{name}{SUFFIX}")
    except jinja2.TemplateNotFound:
        raise MissingTemplate(f"no template notify/templates/{language}/{name}{SUFFIX}") \
            from None
    text = template.render(**context)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject: ") or not rest.startswith("\n"):
        raise ValueError(f"{language}/{name}{SUFFIX}: the first line must be 'Subject: ...' "
                         "followed by a blank line")
    subject = first.removeprefix("Subject: ").strip()
    body = rest[1:].strip()
    if not subject or not body:
        raise ValueError(f"{language}/{name}{SUFFIX}: the subject and the body must not be empty")
    return Rendered(subject=subject, body=body)


def render_html(message: Rendered, language: str) -> str:
    """The e-mail's HTML part: the same text, paragraph by paragraph, escaped."""
    paragraphs = [p.strip() for p in message.body.split("\n\n") if p.strip()]
    return _html_env().get_template("layout.html.j2").render(
        lang="zh-CN" if language == "zh" else "en", subject=message.subject,
        paragraphs=[p.split("\n") for p in paragraphs])
