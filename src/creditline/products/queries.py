"""Read-only questions about the catalogue, asked by the API and the CLI alike (no unit of
work: the catalogue is packaged data, not a table)."""

from __future__ import annotations

from pathlib import Path

from creditline.errors import NotFound
from creditline.products.catalog import Catalog, Product, default_catalog, load_catalog


def catalog_at(folder: Path | str | None = None) -> Catalog:
    """The shipped catalogue, or the one in ``folder`` (checked as it loads)."""
    return default_catalog() if folder is None else load_catalog(folder)


def list_products(catalog: Catalog | None = None) -> list[Product]:
    """Every product, by code."""
    cat = catalog or default_catalog()
    return [cat.products[code] for code in sorted(cat.products)]


def get_product(code: str, catalog: Catalog | None = None) -> Product:
    """One product, or NotFound naming the codes that exist."""
    cat = catalog or default_catalog()
    product = cat.find(code)
    if product is None:
        raise NotFound(f"product {code!r} not found; the catalogue {cat.label} has "
                       f"{', '.join(sorted(cat.products))}")
    return product
