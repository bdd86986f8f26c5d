"""``creditline rules``: every family of decision tables (origination policy, and the families
later contexts add): list them, check a family's tables against its example cases, and replay a
changed origination ruleset over past applications before it goes live."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from creditline.auth import SYSTEM
from creditline.bootstrap import rule_families
from creditline.cli.common import DbOption, console, container_for, err_console
from creditline.errors import ValidationError
from creditline.money import money_str
from creditline.policy.ruleset import load_ruleset
from creditline.rulesets.family import RuleFamily

sub = typer.Typer(help="Decision tables: families, versions, example cases, replays.",
                  no_args_is_help=True)

RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="A ruleset folder (manifest.json + JDM tables); default: the "
                                 "family's folder shipped in the package.", show_default=False),
]
FamilyOption = Annotated[
    str, typer.Option("--family", help="Which family of rules (see `creditline rules list`).")]


def _family(name: str) -> RuleFamily:
    families = rule_families()
    if name not in families:
        raise ValidationError("--family", f"unknown family {name!r}; one of: "
                                          f"{', '.join(sorted(families))}")
    return families[name]


@sub.command("list")
def list_families() -> None:
    """Every family of rules: its label, its example cases, what fails."""
    t = Table("family", "label", "tables", "cases", "failing", "what it decides")
    for fam in rule_families().values():
        rs = fam.load(verify=False)
        results = fam.run_cases(rs)
        failing = sum(not r.ok for r in results)
        t.add_row(fam.name, rs.label, str(len(rs.tables)), str(len(results)),
                  f"[red]{failing}[/red]" if failing else "0", fam.title)
    console.print(t)


def _date(value: str, option: str) -> datetime:
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(option, "must be a date YYYY-MM-DD") from None
    return datetime.combine(d, time.min, tzinfo=UTC)


@sub.command("show")
def show(rules: RulesOption = None, family: FamilyOption = "origination") -> None:
    """Print a family's ruleset version, content hash and tables."""
    rs = _family(family).load(rules, verify=False)
    console.print(f"ruleset {rs.version}  hash {rs.hash}")
    console.print(f"folder  {rs.folder}")
    for name in rs.tables:
        console.print(f"  {name}")


@sub.command("test")
def test(
    cases: Annotated[Path | None, typer.Argument(
        help="Folder of example-case JSON files (default: the cases beside --rules, else the "
             "family's shipped examples).", show_default=False)] = None,
    rules: RulesOption = None,
    family: FamilyOption = "origination",
) -> None:
    """Run every example case in a folder against a family's tables.

    Exits 1 if any case fails."""
    fam = _family(family)
    rs = fam.load(rules, verify=False)
    results = fam.run_cases(rs, cases or fam.cases_for(rules))
    failed = [r for r in results if not r.ok]
    for r in results:
        mark = "[green]pass[/green]" if r.ok else "[red]FAIL[/red]"
        console.print(f"{mark}  {r.case.source}: {r.case.name}")
        for p in r.problems:
            console.print(f"        {p}")
    console.print(f"ruleset {rs.label}: {len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@sub.command("replay")
def replay_cmd(
    since: Annotated[str, typer.Option("--since", help="First day of applications to replay "
                                                       "(YYYY-MM-DD, UTC).")],
    until: Annotated[str | None, typer.Option("--until", help="Day after the last one "
                                                              "(YYYY-MM-DD); default: now.",
                                              show_default=False)] = None,
    rules: RulesOption = None,
    show: Annotated[int, typer.Option("--show", min=0,
                                      help="List this many changed applications.")] = 10,
    db: DbOption = None,
    family: Annotated[str, typer.Option(
        "--family", help="origination (past applications) or line_strategy (the facts end "
                         "of day keeps of each line on its statement days and moves)")] = "origination",
) -> None:
    """Re-decide past decisions with a (changed) ruleset.

    Past applications (origination) or, with --family line_strategy, the limit strategy's
    decisions on past statement days.  Uses the facts and scores they were decided on, and reports how many decisions and
    limits would change."""
    start = _date(since, "--since")
    end = None if until is None else _date(until, "--until")
    if end is not None and end <= start:
        raise ValidationError("--until", "must be after --since")
    if family == "line_strategy":
        _replay_strategy(start.date(), None if end is None else end.date(), rules, show, db)
        return
    if family != "origination":
        raise ValidationError("--family", "replay exists for origination and line_strategy")
    rs = load_ruleset(rules)
    container = container_for(db)
    from creditline.origination.replay import replay  # scoring stack: load only when used

    report = replay(container.uow(), rs, start, end)
    before = ", ".join(f"{k} ({v})" for k, v in report.rules_before.most_common()) or "none"
    console.print(f"replayed {report.total} applications decided by {before}")
    console.print(f"with ruleset {report.rules_after}"
                  f"{'' if rules is None else f' from {rules}'}")
    console.print(f"decisions changed: {report.changed}")
    console.print(f"limits changed (same decision): {report.limit_changed}")
    if report.transitions:
        t = Table("from", "to", "applications")
        for (a, b), n in sorted(report.transitions.items()):
            t.add_row(a, b, str(n))
        console.print(t)
    if show and report.changes:
        console.print(f"first {min(show, len(report.changes))} changed applications:")
        for c in report.changes[:show]:
            typer.echo(f"  {c.application_id}  {c.created_at.isoformat(timespec='seconds')}  "
                       f"{c.before} -> {c.after}  "
                       f"limit {money_str(c.limit_before)} -> {money_str(c.limit_after)}")
    for app_id, problem in report.errors[:show]:
        err_console.print(f"could not replay {app_id}: {problem}")




def _replay_strategy(start: date, end: date | None, rules: Path | None, show: int,
                     db: str | None) -> None:
    from creditline.lines import strategy_services as svc
    from creditline.lines.strategy import STRATEGY

    container = container_for(db)
    rs = STRATEGY.load(rules)
    last = end - timedelta(days=1) if end is not None else date.max
    report = svc.replay_strategy(svc.ReplayStrategy(start, last, rs), container.uow(),
                                 SYSTEM)  # like origination's replay: an operator with the database
    before = ", ".join(f"{k} ({v})" for k, v in report.rules_before.most_common()) or "none"
    console.print(f"replayed {report.total} strategy decisions (statement days and moves) made by {before}")
    console.print(f"with {report.rules_after}{'' if rules is None else f' from {rules}'}")
    console.print(f"actions changed: {report.changed}")
    console.print(f"limits changed (same action): {report.limit_changed}")
    console.print(f"net change in limits granted: {money_str(report.limit_delta)}")
    if report.transitions:
        t = Table("from", "to", "decisions")
        for (a, b), n in sorted(report.transitions.items()):
            t.add_row(a, b, str(n))
        console.print(t)
    for c in report.changes[:show]:
        typer.echo(f"  {c.line_id}  {c.business_date.isoformat()}  {c.before} -> {c.after}  "
                   f"limit {money_str(c.limit_before)} -> {money_str(c.limit_after)}")
    for line_id, day, problem in report.errors[:show]:
        err_console.print(f"could not replay {line_id} on {day.isoformat()}: {problem}")
