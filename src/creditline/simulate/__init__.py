"""The simulated market: a synthetic population with a hidden ground truth, and a
day-by-day behaviour model whose intents a driver feeds to the real services.

    from creditline.simulate import generate_population, Customers, plan_day
    pop = generate_population(100_000, seed=1)
    train = pop.applicant_features()          # A-card features + observed label `bad`
"""

from creditline.simulate.behaviour import (
    Customers,
    Intent,
    LineBook,
    LineState,
    OpenPurchase,
    Purchase,
    PurchaseMemory,
    RecentPurchases,
    Repay,
    Return,
    decide,
    plan_day,
)
from creditline.simulate.population import (
    APPLICANT_FEATURES,
    ENTERPRISE_FEATURES,
    Population,
    generate_population,
)

__all__ = [
    "APPLICANT_FEATURES", "ENTERPRISE_FEATURES", "Customers", "Intent", "LineBook", "LineState",
    "OpenPurchase", "Population", "Purchase", "PurchaseMemory", "RecentPurchases", "Repay",
    "Return", "decide", "generate_population", "plan_day",
]
