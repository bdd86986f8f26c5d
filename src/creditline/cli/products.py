"""``creditline products list|show``: the product catalogue, read-only.  ``--catalog DIR``
reads (and so checks) another catalogue folder, e.g. an edit before it ships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from creditline.cli.common import console
from creditline.money import money_str
from creditline.products import queries
from creditline.products.catalog import product_terms

sub = typer.Typer(help="The product catalogue: list products and show one's terms.",
                  no_args_is_help=True)

CatalogOption = Annotated[
    Path | None,
    typer.Option("--catalog", help="A catalogue folder (manifest.json + one file per "
                                   "product); default: the shipped one.", show_default=False),
]


@sub.command("list")
def products_list(catalog: CatalogOption = None) -> None:
    """Every product with who it is for and its limits."""
    cat = queries.catalog_at(catalog)
    table = Table("code", "name", "for", "currency", "min limit", "max limit",
                  "second review above", "installments")
    for p in queries.list_products(cat):
        table.add_row(p.code, p.name, p.customer_kind, p.currency, money_str(p.limit_min),
                      money_str(p.limit_max),
                      "-" if p.second_review_above is None else money_str(p.second_review_above),
                      ", ".join(str(n) for n in sorted(p.plans)))
    console.print(table)
    console.print(f"catalogue {cat.label}")


@sub.command("show")
def products_show(code: Annotated[str, typer.Argument(help="A product code.")],
                  catalog: CatalogOption = None) -> None:
    """Print one product's full terms as JSON.

    The shape a line copies when it is opened."""
    cat = queries.catalog_at(catalog)
    product = queries.get_product(code, cat)
    console.print_json(json.dumps({"code": product.code, "catalog_version": cat.label,
                                   **product_terms(product)}))
