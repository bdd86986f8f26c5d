"""What the portfolio context needs from storage (SQL in ``creditline.store.portfolio``,
reached as ``uow.portfolio``): the book's inputs in bulk, the windows the early warning
compares, and the alerts it keeps."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import numpy as np

from creditline.portfolio.book import BookInputs


class PortfolioReader(Protocol):
    def book_inputs(self, as_of: date) -> BookInputs: ...

    def application_counts(self, first: date, last: date) -> tuple[int, int]: ...

    def a_scores(self, first: date, last: date) -> np.ndarray: ...

    def b_scores(self, first: date, last: date) -> np.ndarray: ...

    def add_alerts(self, rows: list[dict[str, Any]]) -> None: ...

    def alerts(self, business_date: date | None = None, limit: int = 500
               ) -> list[dict[str, Any]]: ...
