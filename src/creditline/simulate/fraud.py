"""Who in the synthetic population is a fraudster, and how.

Three kinds, as a fraud team meets them:

- ``synthetic``: an identity stitched together for the application (a valid identity
  number, but a young "person" with no credit file, a new - often virtual-operator -
  phone and an inflated income);
- ``ring``: 3-8 applicants run by one organiser; they live in one city, hold
  consecutive virtual-operator phone numbers, and share the organiser's phone as an
  emergency contact and/or one device and/or one IP address;
- ``first_party``: a genuine-looking person who applies intending never to pay.

Most fraudsters *bust out*: they max the line out within days and never repay.  A few
synthetic and ring identities do not (they are farmed for later use) and then behave
like anyone with their credit profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAUD_KINDS: tuple[str, ...] = ("none", "synthetic", "ring", "first_party")
NONE, SYNTHETIC, RING, FIRST_PARTY = range(4)

_KIND_SHARES = {SYNTHETIC: 0.35, RING: 0.50, FIRST_PARTY: 0.15}
_BUST_OUT_SHARE = {SYNTHETIC: 0.85, RING: 0.85, FIRST_PARTY: 1.0}
RING_SIZES = (3, 8)

# What a ring shares: bit flags.
SHARES_CONTACT, SHARES_DEVICE, SHARES_IP = 1, 2, 4


@dataclass(frozen=True)
class FraudRoles:
    kind: np.ndarray  # (n,) int8, index into FRAUD_KINDS
    ring_id: np.ndarray  # (n,) int32, -1 outside rings
    ring_shares: np.ndarray  # (rings,) int8 bit flags
    bust_out: np.ndarray  # (n,) bool

    @property
    def rings(self) -> int:
        return len(self.ring_shares)


def assign_roles(rng: np.random.Generator, n: int, share: float) -> FraudRoles:
    """Pick ~``share`` of ``n`` people as fraudsters and organise the ring members."""
    kind = np.zeros(n, dtype=np.int8)
    ring_id = np.full(n, -1, dtype=np.int32)
    total = round(n * share)
    order = rng.permutation(n)
    cursor = 0
    # Rings first, whole rings only.
    ring_quota = round(total * _KIND_SHARES[RING])
    sizes: list[int] = []
    while ring_quota >= RING_SIZES[0] and cursor + RING_SIZES[0] <= n:
        size = min(int(rng.integers(RING_SIZES[0], RING_SIZES[1] + 1)), ring_quota, n - cursor)
        if size < RING_SIZES[0]:
            break
        members = order[cursor:cursor + size]
        kind[members] = RING
        ring_id[members] = len(sizes)
        sizes.append(size)
        cursor += size
        ring_quota -= size
    synthetic = min(round(total * _KIND_SHARES[SYNTHETIC]), n - cursor)
    kind[order[cursor:cursor + synthetic]] = SYNTHETIC
    cursor += synthetic
    first_party = min(max(total - cursor, 0), n - cursor)
    kind[order[cursor:cursor + first_party]] = FIRST_PARTY

    shares = np.zeros(len(sizes), dtype=np.int8)
    if sizes:
        draws = rng.random((len(sizes), 3))
        shares = ((draws[:, 0] < 0.8) * SHARES_CONTACT + (draws[:, 1] < 0.5) * SHARES_DEVICE
                  + (draws[:, 2] < 0.6) * SHARES_IP).astype(np.int8)
        nothing = shares == 0  # a ring always shares something - that is what makes it one
        shares[nothing] = SHARES_CONTACT

    bust_p = np.zeros(n)
    for k, p in _BUST_OUT_SHARE.items():
        bust_p[kind == k] = p
    bust_out = rng.random(n) < bust_p
    return FraudRoles(kind, ring_id, shares, bust_out)
