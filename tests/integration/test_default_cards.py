"""A fresh install has no A-card champion; installing the shipped cards registers and
promotes each once, audited as the system user, on both stores."""

from __future__ import annotations

import pytest

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.errors import ValidationError
from creditline.origination.features import ENTERPRISE_CARD, PERSON_CARD
from creditline.origination.scorer import InstallDefaultCards, ensure_default_cards
from creditline.scoring.registry import ModelStatus


def test_the_shipped_cards_are_installed_once(container: Container) -> None:
    installed = ensure_default_cards(InstallDefaultCards(), container.uow(), SYSTEM)
    assert sorted(installed) == sorted([PERSON_CARD, ENTERPRISE_CARD])
    assert ensure_default_cards(InstallDefaultCards(), container.uow(), SYSTEM) == []
    with container.uow() as uow:
        champions = uow.models.list(status=ModelStatus.CHAMPION)
    assert sorted((m.name, m.version) for m in champions) == [(PERSON_CARD, 1),
                                                              (ENTERPRISE_CARD, 1)]


def test_an_unknown_card_name_is_refused_and_nothing_is_installed(container: Container) -> None:
    with pytest.raises(ValidationError, match="names"):
        ensure_default_cards(InstallDefaultCards(names=(PERSON_CARD, "b_card")),
                             container.uow(), SYSTEM)
    with container.uow() as uow:
        assert uow.models.list() == []
