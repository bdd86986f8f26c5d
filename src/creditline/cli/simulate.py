"""``creditline simulate``: the synthetic market, for training, tests and demos."""

from __future__ import annotations

import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from creditline.cli.common import console
from creditline.errors import ValidationError
from creditline.simulate.population import DEFAULT_AS_OF, Population, generate_population

sub = typer.Typer(help="Simulate a credit market with a hidden ground truth.",
                  no_args_is_help=True)


class OutputFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("--as-of", "must be a date written YYYY-MM-DD") from None


def _sibling(out: Path, part: str, fmt: OutputFormat) -> Path:
    return out.with_name(f"{out.stem}.{part}.{fmt.value}")


def _write(frame: pl.DataFrame, path: Path, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.csv:
        lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
        frame = frame.with_columns(pl.col(c).list.join("|") for c in lists)
        frame.write_csv(path)
    else:
        frame.write_parquet(path)


@sub.command("population")
def population(
    out: Annotated[Path, typer.Option("--out", help="File for the applicant features and the "
                                      "observed 12-month default label `bad`.")],
    n: Annotated[int, typer.Option("--n", help="Number of consumer applicants.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the "
                                      "same file.")] = 1,
    fmt: Annotated[OutputFormat | None, typer.Option(
        "--format", help="parquet or csv (default: from the --out suffix, else parquet).",
        case_sensitive=False, show_default=False)] = None,
    enterprises: Annotated[int, typer.Option(
        "--enterprises", help="Number of SME applicants, written next to --out as "
                              "<name>.enterprises.<format>.")] = 0,
    as_of: Annotated[str, typer.Option(
        "--as-of", help="Application date (YYYY-MM-DD); ages and the 12-month outcome "
                        "window count from it.")] = DEFAULT_AS_OF.isoformat(),
    truth: Annotated[bool, typer.Option(
        "--truth/--no-truth", help="Also write the hidden ground truth (pd_true, fraud "
                                   "flags, rings, default month) as extra columns - for "
                                   "evaluation only, never for training.")] = False,
    identities: Annotated[bool, typer.Option(
        "--identities/--no-identities", help="Also write persons (names, identity numbers, "
                                             "phones, devices) and their emergency contacts "
                                             "as <name>.persons / <name>.contacts.")] = False,
) -> None:
    """Generate synthetic applicants with a hidden ground truth.

    Writes the A-card training frame (observable features + `bad`)."""
    if n < 1:
        raise ValidationError("--n", "must be at least 1")
    if seed < 0:
        raise ValidationError("--seed", "must not be negative")
    if enterprises < 0:
        raise ValidationError("--enterprises", "must not be negative")
    when = _as_of(as_of)
    if fmt is None:
        fmt = OutputFormat.csv if out.suffix.lower() == ".csv" else OutputFormat.parquet
    if out.exists() and out.is_dir():
        raise ValidationError("--out", "is a directory; give a file name")
    started = time.perf_counter()
    try:
        pop = generate_population(n, seed, enterprises=enterprises, as_of=when)
    except ValidationError as exc:  # name the option, not the Python argument
        raise ValidationError(f"--{exc.field.replace('_', '-')}", exc.rule) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    written = [out]
    _write(pop.applicant_features(truth=truth), out, fmt)
    if enterprises:
        path = _sibling(out, "enterprises", fmt)
        _write(pop.enterprise_features(truth=truth), path, fmt)
        written.append(path)
    if identities:
        for part, frame in (("persons", pop.persons), ("contacts", pop.contacts)):
            path = _sibling(out, part, fmt)
            _write(frame, path, fmt)
            written.append(path)
    _print_summary(pop, written, time.perf_counter() - started)


def _print_summary(pop: Population, written: list[Path], seconds: float) -> None:
    s = pop.summary()
    table = Table(title=f"Simulated population (seed {pop.seed}, as of {pop.as_of})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("applicants", f"{s['persons']:,}")
    table.add_row("observed 12-month default rate", f"{s['default_rate']:.2%}")
    table.add_row("mean true PD", f"{s['mean_pd_true']:.2%}")
    table.add_row("fraud share", f"{s['fraud_share']:.2%}")
    table.add_row("fraud rings", f"{s['fraud_rings']:,}")
    table.add_row("bust-outs", f"{s['bust_outs']:,}")
    if s["enterprises"]:
        table.add_row("enterprises", f"{s['enterprises']:,}")
        table.add_row("enterprise default rate", f"{s['enterprise_default_rate']:.2%}")
    table.add_row("seconds", f"{seconds:.1f}")
    console.print(table)
    for path in written:
        console.print(f"wrote {path}")
