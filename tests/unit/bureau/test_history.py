"""The bureau's pure functions: a month's code from a line's facts, the 24-month string,
the hold hook (notice before negative information, art. 15), the five-year limit
(art. 16), corrections as overrides, and files that are the same bytes for the same
records."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditline.bureau.export import Subject, write_files
from creditline.bureau.format import FORMATS_DIR, bureau_format, load_format
from creditline.bureau.history import LineFacts, Spell, history, month_status
from creditline.bureau.holds import (
    NOTICE_PERIOD,
    NOTICE_REQUIRED,
    NOTICE_UNDELIVERED,
    REGIONAL_RELIEF,
    Candidate,
    Hold,
    Notice,
    held_back,
)
from creditline.bureau.months import Month, years_after
from creditline.bureau.plan import expired, plan_month
from creditline.bureau.records import build_record
from creditline.errors import ValidationError

D = Decimal
FMT = bureau_format()


def facts(**kw: object) -> LineFacts:
    base = LineFacts(line_id="L1", customer_id="C1", kind="bnpl", currency="CNY",
                     opened_on=date(2026, 3, 2), credit_limit=D("5000.00"),
                     balance=D("1200.00"), past_due=D("0.00"), dpd=0)
    return replace(base, **kw)  # type: ignore[arg-type]


def test_months_and_their_windows() -> None:
    m = Month.parse("2026-02")
    assert (m.start, m.end, str(m.shift(-2)), str(m.shift(11))) == (
        date(2026, 2, 1), date(2026, 2, 28), "2025-12", "2027-01")
    assert [str(x) for x in m.window(3)] == ["2025-12", "2026-01", "2026-02"]
    assert years_after(date(2024, 2, 29), 5) == date(2029, 2, 28)
    for bad in ("2026-13", "26-01", "2026/01", ""):
        with pytest.raises(ValidationError, match="month: must be a month as YYYY-MM"):
            Month.parse(bad)


def test_a_month_code_from_the_facts_at_its_month_end() -> None:
    f = facts(due_months=frozenset({"2026-04", "2026-05", "2026-06", "2026-07"}),
              spells=(Spell("M1", date(2026, 5, 11), date(2026, 6, 10), "M2"),
                      Spell("M2", date(2026, 6, 10), date(2026, 6, 20), "M0"),
                      Spell("M1", date(2026, 7, 11), date(2026, 7, 25), "M0")))
    codes = {m: month_status(f, Month.parse(m), FMT) for m in (
        "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08")}
    assert codes == {
        "2026-02": "/",  # not opened yet
        "2026-03": "*",  # open, nothing due
        "2026-04": "N",  # due and paid
        "2026-05": "1",  # in M1 on 31 May
        "2026-06": "M",  # into M2 on 10 June, cured on 20 June: paid before the month end
        "2026-07": "M",  # late on 11 July, paid before the month end
        "2026-08": "*",
    }
    assert history(f, Month.parse("2026-08"), FMT) == "/" * 18 + "*N1MM*"


def test_written_off_sold_and_closed_lines_take_their_codes_from_the_day_they_changed() -> None:
    late = (Spell("M1", date(2026, 4, 11), date(2026, 5, 11), "M2"),
            Spell("M2", date(2026, 5, 11), None, None))
    off = facts(spells=late, terminal="written_off", terminal_on=date(2026, 6, 3))
    assert history(off, Month.parse("2026-07"), FMT)[-5:] == "*12BB"
    sold = facts(spells=late, terminal="sold", terminal_on=date(2026, 5, 31))
    assert history(sold, Month.parse("2026-06"), FMT)[-4:] == "*1GG"
    rec = build_record(sold, Month.parse("2026-06"), FMT)
    assert (rec.account_status, rec.balance, rec.past_due, rec.negative) == (
        "5", D("0.00"), D("0.00"), True)
    closed = facts(closed_on=date(2026, 4, 20), balance=D("0.00"))
    assert history(closed, Month.parse("2026-05"), FMT)[-3:] == "*CC"
    assert build_record(closed, Month.parse("2026-05"), FMT).account_status == "3"


def test_a_correction_overrides_one_month_in_every_later_string() -> None:
    f = facts(spells=(Spell("M1", date(2026, 4, 11), date(2026, 4, 20), "M0"),),
              due_months=frozenset({"2026-04", "2026-05"}))
    assert history(f, Month.parse("2026-05"), FMT)[-3:] == "*MN"
    fixed = replace(f, corrections={"2026-04": "N"})
    assert history(fixed, Month.parse("2026-05"), FMT)[-3:] == "*NN"


def candidate(negative: bool = True, prior: bool = False, notice: Notice | None = None,
              days: int = 7, today: date = date(2026, 5, 31)) -> Candidate:
    rec = build_record(facts(spells=(Spell("M1", date(2026, 4, 11)),) if negative else ()),
                       Month.parse("2026-05"), FMT)
    return Candidate(rec, prior, notice, days, today)


def test_the_notice_rule_holds_the_first_negative_record_until_delivered_and_waited() -> None:
    may = Month.parse("2026-05")
    assert held_back(candidate(negative=False), may) is None
    assert held_back(candidate(prior=True), may) is None  # reported negative before
    hold = held_back(candidate(), may)
    assert hold is not None and hold.rule == NOTICE_REQUIRED
    hold = held_back(candidate(notice=Notice(date(2026, 5, 1))), may)
    assert hold is not None and hold.rule == NOTICE_UNDELIVERED
    hold = held_back(candidate(notice=Notice(date(2026, 5, 1), date(2026, 5, 28))), may)
    assert hold is not None and (hold.rule, hold.until) == (NOTICE_PERIOD, date(2026, 6, 4))
    assert held_back(candidate(notice=Notice(date(2026, 5, 1), date(2026, 5, 24))), may) is None


def test_a_regional_relief_pauses_negative_reports_before_any_notice() -> None:
    """Collections' regional relief (issue 15): while it covers the customer, a negative
    record is held (no notice asked for yet), a clean one goes through."""
    may = Month.parse("2026-05")
    reported_before = replace(candidate(prior=True), relief="typhoon relief, Fujian")
    hold = held_back(reported_before, may)
    assert hold is not None and hold.rule == REGIONAL_RELIEF and "typhoon" in hold.reason
    first = replace(candidate(), relief="typhoon relief, Fujian")
    assert (held_back(first, may) or Hold("", "")).rule == REGIONAL_RELIEF
    assert held_back(replace(candidate(negative=False), relief="typhoon"), may) is None
    plan = plan_month([facts(spells=(Spell("M1", date(2026, 4, 11)),))], may, FMT,
                      prior_negative=frozenset({"L1"}), ended=frozenset(), notices={},
                      disputed=frozenset(), notice_days=7, today=date(2026, 5, 31),
                      relieved={"C1": "typhoon"})
    assert plan.reported == [] and [h.rule for _, h in plan.held] == [REGIONAL_RELIEF]
    assert plan.to_notify == []


def test_negative_information_stops_five_years_after_the_account_ended() -> None:
    off = facts(spells=(Spell("M1", date(2026, 4, 11)),), terminal="written_off",
                terminal_on=date(2026, 6, 3))
    assert not expired(off, Month.parse("2031-05"), FMT)
    assert expired(off, Month.parse("2031-06"), FMT)
    plan = plan_month([off], Month.parse("2031-06"), FMT, prior_negative=frozenset({"L1"}),
                      ended=frozenset(), notices={}, disputed=frozenset(), notice_days=7,
                      today=date(2031, 6, 30))
    assert (plan.reported, plan.expired) == ([], ["L1"])
    # an open line that was late and cured is still reported (its string is two years)
    cured = facts(spells=(Spell("M1", date(2026, 4, 11), date(2026, 4, 20), "M0"),))
    assert not expired(cured, Month.parse("2031-06"), FMT)


def test_the_files_are_the_same_bytes_for_the_same_records() -> None:
    m = Month.parse("2026-05")
    recs = [build_record(facts(line_id=f"L{i}", customer_id=f"C{i}"), m, FMT)
            for i in (2, 1)]
    subjects = {"C1": Subject("11010519491231002X", "Li|Lei"), "C2": Subject("S", "Wang")}
    a = write_files(FMT, "2026-05", "2026-05-31", recs, subjects)
    b = write_files(FMT, "2026-05", "2026-05-31", list(reversed(recs)), subjects)
    assert a == b and a.text_sha256 == b.text_sha256
    lines = a.text.decode().splitlines()
    assert lines[0] == f"H|{FMT.label}|2026-05|2026-05-31|2"
    assert lines[1].split("|")[:7] == ["A", "2026-05", "L1", "R1", "P", "11010519491231002X",
                                        "Li Lei"]  # the separator inside a value is a space
    assert len(lines[1].split("|")) == len(FMT.fields)
    doc = json.loads(a.json)
    assert [r["account_id"] for r in doc["records"]] == ["L1", "L2"]
    assert doc["records"][0]["subject_name"] == "Li|Lei"


def test_the_format_is_data_and_a_broken_folder_names_its_fault(tmp_path: Path) -> None:
    assert FMT.version == "2026.1" and FMT.label.startswith("2026.1+")
    assert (FMT.history_months, FMT.notice_days, FMT.retention_years) == (24, 7, 5)
    assert set("N*M1234567BCGDZ#/") == set(FMT.codes)
    assert [c for c in FMT.codes if FMT.negative(c)] == list("1234567BDZ")
    src = FORMATS_DIR / "2026.1"
    for name in ("manifest.json", "layout.json"):
        (tmp_path / name).write_bytes((src / name).read_bytes())
    alphabet = json.loads((src / "alphabet.json").read_text())
    alphabet["facts"]["sold"] = "Q"
    (tmp_path / "alphabet.json").write_text(json.dumps(alphabet))
    with pytest.raises(ValidationError, match="code 'Q' is not in the alphabet"):
        load_format(tmp_path)
    with pytest.raises(ValidationError, match=r"no bureau format '1999\.1'"):
        bureau_format("1999.1")
