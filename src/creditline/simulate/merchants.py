"""The merchant-category catalogue: the one place that says what a simulated customer can
buy, what a typical ticket costs, how often it goes on installments and how often it
comes back.

Ticket medians are CNY for a customer earning the reference income
(``REFERENCE_INCOME``); the behaviour model scales them with income.  ``return_factor``
multiplies a customer's own return propensity (apparel comes back far more often than
groceries; digital goods almost never).  ``green`` marks green consumption (energy-saving
appliances, e-bikes, solar, EV charging) that green-credit reporting counts separately.

The ESG kind of each category (high-energy, green, prohibited or standard) is the product
catalogue's (``products.categories``, ``esg_kind``): the same codes, so in the demo a
high-energy purchase meets its product's cap and a green one pays the lower fee.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REFERENCE_INCOME = 8000  # CNY per month; ticket medians are for this income


@dataclass(frozen=True, slots=True)
class MerchantCategory:
    code: str
    median_ticket: int  # CNY
    ticket_sigma: float  # log-normal spread of ticket sizes
    popularity: float  # share of purchases in the whole market
    installment_share: float  # how readily a purchase here is split into installments
    return_factor: float
    green: bool
    merchants: tuple[str, ...]


CATEGORIES: tuple[MerchantCategory, ...] = (
    MerchantCategory("groceries", 130, 0.55, 0.22, 0.01, 0.15, False,
                     ("Freshway Market", "Daily Basket", "Harvest Lane Grocers", "Lotus Fresh")),
    MerchantCategory("dining", 90, 0.5, 0.14, 0.0, 0.05, False,
                     ("Red Lantern Kitchen", "Noodle Street", "Bamboo Court Cafe")),
    MerchantCategory("apparel", 320, 0.6, 0.14, 0.06, 2.8, False,
                     ("Silk Thread Apparel", "Urban Pine Wear", "Northwind Outfitters", "Jade Hem")),
    MerchantCategory("beauty", 260, 0.6, 0.07, 0.04, 1.2, False,
                     ("Peach Blossom Beauty", "Clearwater Cosmetics", "Lumiere Skin")),
    MerchantCategory("electronics", 2600, 0.8, 0.10, 0.55, 1.1, False,
                     ("Bright Circuit Mall", "Huaxin Digital", "Pixel Harbour", "Nova Mobile")),
    MerchantCategory("home_appliances", 2900, 0.7, 0.06, 0.50, 0.8, False,
                     ("Hearth & Home Appliances", "Golden Crane Electric", "Everfrost Store")),
    MerchantCategory("green_energy", 3800, 0.7, 0.03, 0.50, 0.6, True,
                     ("Sunleaf Solar", "Greenway E-Bikes", "EcoVolt Charging", "Bluesky Efficient Home")),
    MerchantCategory("travel", 1900, 0.7, 0.06, 0.30, 0.35, False,
                     ("Cloudtrip Travel", "Silk Road Journeys", "Skyline Air Tickets")),
    MerchantCategory("education", 3200, 0.8, 0.04, 0.60, 0.3, False,
                     ("Bright Path Academy", "Scholar Tree Online", "Lingo Bridge Courses")),
    MerchantCategory("health", 420, 0.8, 0.06, 0.12, 0.2, False,
                     ("Kindcare Pharmacy", "Tranquil Dental", "Evergreen Clinic")),
    MerchantCategory("luxury", 6500, 0.6, 0.02, 0.50, 1.3, False,
                     ("Maison Orient", "Imperial Jade Boutique", "Gilded Swan")),
    MerchantCategory("gaming", 180, 0.9, 0.06, 0.02, 0.15, False,
                     ("Dragon Pixel Games", "Starfall Top-Up", "Arcadia Digital")),
)

CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
CATEGORY_INDEX: dict[str, int] = {c: i for i, c in enumerate(CATEGORY_CODES)}

# Column views used by the vectorised behaviour model.
MEDIAN_TICKET = np.array([c.median_ticket for c in CATEGORIES], dtype=np.float64)
TICKET_SIGMA = np.array([c.ticket_sigma for c in CATEGORIES], dtype=np.float64)
POPULARITY = np.array([c.popularity for c in CATEGORIES], dtype=np.float64)
POPULARITY = POPULARITY / POPULARITY.sum()
INSTALLMENT_SHARE = np.array([c.installment_share for c in CATEGORIES], dtype=np.float64)
RETURN_FACTOR = np.array([c.return_factor for c in CATEGORIES], dtype=np.float64)
# Goods a bust-out fraudster buys: expensive and easy to resell.
RESELLABLE = np.array([CATEGORY_INDEX[c] for c in ("electronics", "luxury", "home_appliances")])


def ticket_scale(monthly_income: np.ndarray) -> np.ndarray:
    """How much bigger than the catalogue median a person's tickets run (income**0.4)."""
    return np.clip((np.asarray(monthly_income, dtype=np.float64) / REFERENCE_INCOME) ** 0.4, 0.3, 3.0)


def esg_kind(code: str, product: str = "consumer_bnpl") -> str:
    """The ESG kind the product gives a merchant category: ``high_energy``, ``green``,
    ``prohibited`` or ``standard`` (``products.categories``)."""
    from creditline.products.catalog import default_catalog

    caps = default_catalog().get(product).categories
    return "standard" if caps is None else caps.kind(code)


def category(code: str) -> MerchantCategory:
    """Look a category up by code; unknown codes are a programming error."""
    return CATEGORIES[CATEGORY_INDEX[code]]
