"""A simulated run's ids come from its seed, and a library drawing ``uuid4`` for its own
purposes (numba naming a kernel's cache file) does not move them."""

from __future__ import annotations

import random
import uuid

from creditline.simulate.ids import seeded_uuid4


def _draw_as(module: str) -> uuid.UUID:
    """``uuid.uuid4()`` called from code whose module is ``module``."""
    scope: dict[str, object] = {"__name__": module, "uuid": uuid}
    exec("drawn = uuid.uuid4()", scope)  # a caller whose module is `module`
    drawn = scope["drawn"]
    assert isinstance(drawn, uuid.UUID)
    return drawn


def _run(seed: str, foreign_between: int) -> list[uuid.UUID]:
    original = uuid.uuid4
    uuid.uuid4 = seeded_uuid4(random.Random(seed))
    try:
        ours = [_draw_as("creditline.servicing.services") for _ in range(3)]
        foreign = [_draw_as("numba.core.caching") for _ in range(foreign_between)]
        ours += [_draw_as("creditline.collections.cases") for _ in range(3)]
    finally:
        uuid.uuid4 = original
    assert len(set(foreign)) == foreign_between  # still random, version 4 ids
    assert all(f.version == 4 for f in foreign)
    return ours


def test_the_run_s_ids_repeat_with_its_seed_whatever_a_library_draws_in_between() -> None:
    quiet = _run("creditline-demo-42", foreign_between=0)
    busy = _run("creditline-demo-42", foreign_between=5)
    assert quiet == busy
    assert all(u.version == 4 for u in quiet) and len(set(quiet)) == 6
    assert _run("creditline-demo-43", foreign_between=0) != quiet


def test_a_library_s_draw_does_not_come_from_the_seed() -> None:
    rng = random.Random("creditline-demo-42")
    expected = uuid.UUID(int=random.Random("creditline-demo-42").getrandbits(128), version=4)
    original = uuid.uuid4
    uuid.uuid4 = seeded_uuid4(rng)
    try:
        assert _draw_as("numba.core.caching") != expected
        assert _draw_as("creditline.ledger.posting") == expected
    finally:
        uuid.uuid4 = original
