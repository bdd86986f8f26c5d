from __future__ import annotations

import pytest

from creditline.scoring import Scorecard
from tests.unit.scoring.simdata import Book, simulate, split


@pytest.fixture(scope="session")
def book() -> Book:
    return simulate(6000, seed=0)


@pytest.fixture(scope="session")
def train_test(book: Book) -> tuple[Book, Book]:
    return split(book)


@pytest.fixture(scope="session")
def card(train_test: tuple[Book, Book]) -> Scorecard:
    """One fitted A-card shared by read-only tests (tests that mutate fit their own)."""
    train, _ = train_test
    return Scorecard(trends={"age": "descending", "utilization": "ascending"}).fit(train.X, train.y)
