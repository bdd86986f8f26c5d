"""The end-of-day kernel (DESIGN principle 8): one pure function over columns that closes
business day ``d`` for any number of lines at once.  Money is int64 cents, rates int64
hundred-millionths (``RATE_SCALE``), dates int day numbers.  The batch engine
(``creditline.batch``) calls it per partition of line ids; the online per-line path
(``batch.run.catch_up``) calls it with one line's rows.  Lines never interact, so any
partitioning by line gives the same answer (tests pin per-line and batch runs together).

For each line whose last closed day is ``d - 1``, in this order:

1. interest: each purchase with a daily rate accrues ``unbilled principal x rate`` on its
   next installment to bill; sub-cent remainders carry to the next day (never rounded
   away, never drifting);
2. penalty: each billed installment past its due date (``d > due``) accrues
   ``(principal + fee + interest unpaid) x penalty rate``, remainders carried likewise;
3. billing: installments whose bill date has come are billed (principal and accrued
   interest move to billed, the fee is recognised as income);
4. a credit balance pays billed debts by the line's waterfall (``servicing.waterfall``);
5. a passed due date turns the unpaid minimum into past due (days past due count from
   that due date); past due is capped by what is billed and unpaid;
6. on statement day a statement is cut (unless the line is empty and idle): opening,
   purchases, returns, repayments, fees, interest, penalties, closing, amount due,
   minimum and due date; the cycle counters restart.  The minimum (the same rule for
   every product, numbers from the line's terms) is
   ``min(amount due, max(fees + interest + penalties billed and unpaid
   + min_share x billed principal unpaid, min_floor, past due))``; with ``min_share = 1``
   (SME) it is the whole installment due.  Paying it by the due date keeps the line
   current; what billed amount is unpaid after the due date accrues the penalty either way;
7. a closing line that owes nothing and holds no credit closes.

Regional relief (``collections.relief``) reaches the kernel as three optional line columns
in day numbers, -1 for none: ``relief_until`` -- no penalty accrues while ``d`` is at or
before it; ``defer_from``/``defer_to`` -- a due date inside that window counts as
``defer_to + 1`` (for the minimum turning past due and for an installment's penalty).
Lines without relief take the ordinary path through the same vector expressions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from creditline.ledger import accounts as acc
from creditline.lines.status import STATUS_CODE, LineStatus
from creditline.products.catalog import KINDS, RATE_SCALE, Waterfall
from creditline.servicing.calendar import day_number

I64 = np.int64
CLOSING = STATUS_CODE[LineStatus.CLOSING]
CLOSED = STATUS_CODE[LineStatus.CLOSED]

LINE_INPUTS = ("status", "stmt_day", "grace", "pen_rate", "min_share", "min_floor", "wf",
               "opened", "credit", "min_remaining", "min_due", "past_due", "past_due_since",
               "dpd", "last_stmt", "stmt_opening", "cyc_purchases", "cyc_returns",
               "cyc_repayments", "cyc_fees", "cyc_interest", "cyc_penalties", "last_eod")
BALANCES = ("principal_unbilled", "principal_billed", "fee", "interest_accrued",
            "interest_billed", "penalty")
INST_INPUTS = ("rid", "line_idx", "prank", "seq", "bill", "due", "billed", "i_rate",
               "p_sched", "p_paid", "f_sched", "f_paid", "i_amt", "i_paid", "i_carry",
               "pen_amt", "pen_paid", "pen_carry")
INST_STATE = ("billed", "p_sched", "p_paid", "f_sched", "f_paid", "i_amt", "i_paid",
              "i_carry", "pen_amt", "pen_paid", "pen_carry")
LINE_STATE = ("status", "credit", "min_remaining", "min_due", "past_due", "past_due_since", "dpd", "last_stmt", "stmt_opening", "cyc_purchases", "cyc_returns", "cyc_repayments", "cyc_fees", "cyc_interest", "cyc_penalties", *BALANCES)
STATEMENT_COLUMNS = ("line_idx", "statement_date", "period_start", "due_date", "opening",
                     "purchases", "returns", "repayments", "fees", "interest", "penalties",
                     "closing", "amount_due", "minimum_payment", "past_due")
KIND_INDEX = {k: i for i, k in enumerate(KINDS)}  # penalty, fee, interest, principal

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class WaterfallTable:
    """The waterfalls in play, as arrays the kernel can index by a line's ``wf`` code."""

    codes: tuple[str, ...]
    rank: np.ndarray  # [wf, kind index] -> position of that kind in the order
    by_kind: np.ndarray  # [wf] -> True for by="kind"

    @classmethod
    def of(cls, codes: list[str] | tuple[str, ...]) -> WaterfallTable:
        wfs = [Waterfall.parse(c) for c in codes]
        rank = np.array([[w.order.index(k) for k in KINDS] for w in wfs] or [[0, 1, 2, 3]], dtype=I64)
        by_kind = np.array([w.by == "kind" for w in wfs] or [True])
        return cls(tuple(codes), rank, by_kind)


@dataclass
class DayResult:
    day: int
    lines: Columns  # LINE_STATE columns (+ inputs), in input order
    inst: Columns  # INST_INPUTS columns, in input order
    line_changed: np.ndarray  # bool per line: more than last_eod moved
    inst_changed: np.ndarray  # bool per installment
    settled: np.ndarray  # bool per installment: billed and nothing owed
    postings: Columns  # line_idx, account (ACCOUNT_INDEX), amount (signed cents), memo
    statements: Columns  # STATEMENT_COLUMNS for each statement cut


MEMOS = ("interest", "penalty", "billing", "credit_applied")
# (debit account, credit account, memo index) per posting pattern, in output order
PATTERNS: tuple[tuple[str, str, int], ...] = (
    (acc.INTEREST_ACCRUED, acc.INTEREST_INCOME, 0),
    (acc.PENALTY_RECEIVABLE, acc.PENALTY_INCOME, 1),
    (acc.PRINCIPAL_BILLED, acc.PRINCIPAL_UNBILLED, 2),
    (acc.FEE_RECEIVABLE, acc.FEE_INCOME, 2),
    (acc.INTEREST_BILLED, acc.INTEREST_ACCRUED, 2),
    (acc.CUSTOMER_CREDIT, acc.PENALTY_RECEIVABLE, 3),
    (acc.CUSTOMER_CREDIT, acc.FEE_RECEIVABLE, 3),
    (acc.CUSTOMER_CREDIT, acc.INTEREST_BILLED, 3),
    (acc.CUSTOMER_CREDIT, acc.PRINCIPAL_BILLED, 3),
)


EXACT_FLOAT = 2**53  # every integer below this is exact in float64


def seg_sum(values: np.ndarray, idx: np.ndarray, n: int) -> np.ndarray:
    """Exact int64 sums of ``values`` grouped by ``idx`` (0..n-1).

    ``np.bincount`` sums in float64, which is exact while every partial sum stays below
    2**53 cents (90 trillion yuan); it is an order of magnitude faster than ``np.add.at``,
    which is kept as the fallback for anything larger."""
    if not len(values):
        return np.zeros(n, dtype=I64)
    if np.abs(values).sum(dtype=np.float64) < EXACT_FLOAT:
        return np.bincount(idx, weights=values, minlength=n).astype(I64)
    out = np.zeros(n, dtype=I64)
    np.add.at(out, idx, values.astype(I64, copy=False))
    return out


def _sort_order(src: Columns) -> np.ndarray | None:
    """The permutation to (line, due, purchase, seq) order, or None if already so (the
    store reads rows in that order, which saves two permutations of every column)."""
    keys = (src["line_idx"], src["due"], src["prank"], src["seq"])
    n = len(keys[0])
    if n < 2:
        return None
    ordered = np.zeros(n - 1, dtype=bool)  # strictly before on an earlier key
    tied = np.ones(n - 1, dtype=bool)
    for key in keys:
        a, b = key[:-1], key[1:]
        ordered |= tied & (a < b)
        tied &= a == b
    if (ordered | tied).all():
        return None
    return np.lexsort(keys[::-1])


def _round_half_up_share(amount: np.ndarray, share_e8: np.ndarray) -> np.ndarray:
    share: np.ndarray = (amount * share_e8 + RATE_SCALE // 2) // RATE_SCALE
    return share


def apply_credit(budget: np.ndarray, inst: Columns, line_wf: np.ndarray,
                 table: WaterfallTable) -> tuple[np.ndarray, np.ndarray]:
    """Pay billed debts from a per-line ``budget`` by each line's waterfall.  Returns
    (paid per installment and kind [N, 4], spent per line).  ``inst`` must be sorted by
    (line, due, purchase, seq), which is "oldest due first"."""
    n_lines = len(budget)
    n = len(inst["line_idx"])
    paid = np.zeros((n, 4), dtype=I64)
    li = inst["line_idx"]
    rows = np.nonzero(inst["billed"] & (budget[li] > 0))[0]
    if len(rows) == 0:
        return paid, np.zeros(n_lines, dtype=I64)
    outstanding = np.stack([
        inst["pen_amt"][rows] - inst["pen_paid"][rows],
        inst["f_sched"][rows] - inst["f_paid"][rows],
        inst["i_amt"][rows] - inst["i_paid"][rows],
        inst["p_sched"][rows] - inst["p_paid"][rows]], axis=1)  # [r, 4] in KINDS order
    item_row = np.repeat(rows, 4)
    item_kind = np.tile(np.arange(4, dtype=I64), len(rows))
    item_amt = outstanding.reshape(-1)
    item_line = li[item_row]
    wf = line_wf[item_line]
    krank = table.rank[wf, item_kind]
    key = np.where(table.by_kind[wf], krank * (n + 1) + item_row, item_row * 4 + krank)
    order = np.lexsort((key, item_line))
    item_row, item_kind, item_amt, item_line = (item_row[order], item_kind[order],
                                               item_amt[order], item_line[order])
    cum = np.cumsum(item_amt)
    starts = np.r_[0, np.nonzero(np.diff(item_line))[0] + 1]
    seg_base = np.repeat(cum[starts] - item_amt[starts],
                         np.diff(np.r_[starts, len(item_line)]))
    before = cum - item_amt - seg_base
    pay = np.clip(budget[item_line] - before, 0, item_amt)
    np.add.at(paid, (item_row, item_kind), pay)
    return paid, seg_sum(pay, item_line, n_lines)


def _deferred(due: np.ndarray, defer_from: np.ndarray, defer_to: np.ndarray) -> np.ndarray:
    """Due dates inside a relief's deferral window move to the day after it."""
    inside = (defer_to >= 0) & (due >= defer_from) & (due <= defer_to)
    return np.where(inside, defer_to + 1, due)


def close_day(lines: Columns, inst: Columns, day: date, table: WaterfallTable) -> DayResult:
    """Close business day ``day`` for every line given (all must have ``last_eod = day-1``)
    with their unsettled installments (``line_idx`` points into the lines)."""
    d = day_number(day)
    n_lines = len(lines["status"])
    L = {k: np.array(lines[k], dtype=I64) for k in LINE_INPUTS}
    src = {k: np.asarray(inst[k]) for k in INST_INPUTS}
    order = _sort_order(src)
    I = {k: (v if order is None else v[order]).astype(bool if k == "billed" else I64)  # noqa: E741
         for k, v in src.items()}  # copies: the caller's columns are never changed
    n = len(src["line_idx"])
    li = I["line_idx"]

    # 1. interest on unbilled principal, into each purchase's next installment to bill
    unbilled = ~I["billed"]
    p_unbilled = np.where(unbilled, I["p_sched"] - I["p_paid"], 0)
    n_p = int(I["prank"].max()) + 1 if n else 0
    accruing = unbilled & (I["i_rate"] > 0)
    target = np.zeros(n, dtype=bool)
    if accruing.any():  # only purchases with an interest rate need the work below
        purchase_unbilled = seg_sum(p_unbilled, I["prank"], n_p)
        has_rate = np.zeros(n_p, dtype=bool)
        has_rate[I["prank"][accruing]] = True
        candidates = unbilled & has_rate[I["prank"]]
        first_seq = np.full(n_p, np.iinfo(I64).max, dtype=I64)
        np.minimum.at(first_seq, I["prank"][candidates], I["seq"][candidates])
        target = accruing & (I["seq"] == first_seq[I["prank"]])
    else:
        purchase_unbilled = np.zeros(n_p, dtype=I64)
    units = np.where(target, purchase_unbilled[I["prank"]] * I["i_rate"] + I["i_carry"], 0)
    add_interest = np.where(target, units // RATE_SCALE, 0)
    I["i_amt"] += add_interest
    I["i_carry"] = np.where(target, units % RATE_SCALE, I["i_carry"])

    # 2. penalty on what is unpaid after the due date (none under a regional relief; a due
    # date the relief deferred counts from the day after it)
    none = np.full(n_lines, -1, dtype=I64)
    relief_until = np.asarray(lines.get("relief_until", none), dtype=I64)
    defer_from = np.asarray(lines.get("defer_from", none), dtype=I64)
    defer_to = np.asarray(lines.get("defer_to", none), dtype=I64)
    inst_due = _deferred(I["due"], defer_from[li], defer_to[li])
    late = I["billed"] & (d > inst_due) & (relief_until[li] < d)
    late_base = (I["p_sched"] - I["p_paid"]) + (I["f_sched"] - I["f_paid"]) + (I["i_amt"] - I["i_paid"])
    units = np.where(late, late_base * L["pen_rate"][li] + I["pen_carry"], 0)
    add_penalty = np.where(late, units // RATE_SCALE, 0)
    I["pen_amt"] += add_penalty
    I["pen_carry"] = np.where(late, units % RATE_SCALE, I["pen_carry"])

    # 3. billing
    bill_now = unbilled & (I["bill"] <= d)
    billed_p = np.where(bill_now, I["p_sched"] - I["p_paid"], 0)
    billed_f = np.where(bill_now, I["f_sched"] - I["f_paid"], 0)
    billed_i = np.where(bill_now, I["i_amt"] - I["i_paid"], 0)
    I["billed"] = I["billed"] | bill_now

    # 4. credit balance pays billed debts
    paid, spent = apply_credit(L["credit"], I, L["wf"], table)
    I["pen_paid"] += paid[:, 0]
    I["f_paid"] += paid[:, 1]
    I["i_paid"] += paid[:, 2]
    I["p_paid"] += paid[:, 3]
    L["credit"] -= spent
    to_past = np.minimum(spent, L["past_due"])
    L["past_due"] -= to_past
    L["min_remaining"] = np.maximum(0, L["min_remaining"] - (spent - to_past))

    # balances after the day's movements
    billed = I["billed"]
    p_out = I["p_sched"] - I["p_paid"]
    f_out = I["f_sched"] - I["f_paid"]
    i_out = I["i_amt"] - I["i_paid"]
    pen_out = I["pen_amt"] - I["pen_paid"]
    bal = {
        "principal_unbilled": seg_sum(np.where(billed, 0, p_out), li, n_lines),
        "principal_billed": seg_sum(np.where(billed, p_out, 0), li, n_lines),
        "fee": seg_sum(np.where(billed, f_out, 0), li, n_lines),
        "interest_accrued": seg_sum(np.where(billed, 0, i_out), li, n_lines),
        "interest_billed": seg_sum(np.where(billed, i_out, 0), li, n_lines),
        "penalty": seg_sum(pen_out, li, n_lines),
    }
    billed_due = bal["principal_billed"] + bal["fee"] + bal["interest_billed"] + bal["penalty"]
    amount_due = np.maximum(0, billed_due - L["credit"])
    total_owed = billed_due + bal["principal_unbilled"] + bal["interest_accrued"]

    # 5. due dates passing; past due capped by what is due
    min_due = _deferred(L["min_due"], defer_from, defer_to)
    missed = (L["min_due"] >= 0) & (d > min_due) & (L["min_remaining"] > 0)
    L["past_due"] += np.where(missed, L["min_remaining"], 0)
    L["min_remaining"] = np.where(missed, 0, L["min_remaining"])
    L["past_due_since"] = np.where(missed & (L["past_due_since"] < 0), min_due,
                                   L["past_due_since"])
    L["past_due"] = np.minimum(L["past_due"], amount_due)
    L["past_due_since"] = np.where(L["past_due"] == 0, -1, L["past_due_since"])

    # cycle counters
    interest_day = seg_sum(add_interest, li, n_lines)
    penalty_day = seg_sum(add_penalty, li, n_lines)
    bill_p, bill_f, bill_i = (seg_sum(x, li, n_lines) for x in (billed_p, billed_f, billed_i))
    L["cyc_interest"] += interest_day
    L["cyc_penalties"] += penalty_day
    L["cyc_fees"] += bill_f

    # 6. statement day
    closing = total_owed - L["credit"]
    idle = ((L["stmt_opening"] == 0) & (closing == 0) & (L["cyc_purchases"] == 0)
            & (L["cyc_returns"] == 0) & (L["cyc_repayments"] == 0) & (L["cyc_fees"] == 0)
            & (L["cyc_interest"] == 0) & (L["cyc_penalties"] == 0))
    cut = (L["stmt_day"] == day.day) & ~idle
    base = (bal["fee"] + bal["interest_billed"] + bal["penalty"]
            + _round_half_up_share(bal["principal_billed"], L["min_share"]))
    minimum = np.minimum(amount_due, np.maximum(np.maximum(base, L["min_floor"]), L["past_due"]))
    ci = np.nonzero(cut)[0]
    statements: Columns = {
        "line_idx": ci,
        "statement_date": np.full(len(ci), d, dtype=I64),
        "period_start": np.where(L["last_stmt"][ci] >= 0, L["last_stmt"][ci] + 1, L["opened"][ci]),
        "due_date": d + L["grace"][ci],
        "opening": L["stmt_opening"][ci],
        "purchases": L["cyc_purchases"][ci],
        "returns": L["cyc_returns"][ci],
        "repayments": L["cyc_repayments"][ci],
        "fees": L["cyc_fees"][ci],
        "interest": L["cyc_interest"][ci],
        "penalties": L["cyc_penalties"][ci],
        "closing": closing[ci],
        "amount_due": amount_due[ci],
        "minimum_payment": minimum[ci],
        "past_due": L["past_due"][ci],
    }
    L["stmt_opening"] = np.where(cut, closing, L["stmt_opening"])
    for k in ("cyc_purchases", "cyc_returns", "cyc_repayments", "cyc_fees", "cyc_interest",
              "cyc_penalties"):
        L[k] = np.where(cut, 0, L[k])
    L["min_remaining"] = np.where(cut, np.maximum(0, minimum - L["past_due"]), L["min_remaining"])
    L["min_due"] = np.where(cut, d + L["grace"], L["min_due"])
    L["last_stmt"] = np.where(cut, d, L["last_stmt"])

    # days past due, closing lines that are done
    L["dpd"] = np.where(L["past_due_since"] >= 0, d - L["past_due_since"], 0)
    done = (L["status"] == CLOSING) & (total_owed == 0) & (L["credit"] == 0)
    L["status"] = np.where(done, CLOSED, L["status"])
    L["last_eod"] = np.full(n_lines, d, dtype=I64)
    L.update(bal)

    # postings: one debit and one credit per non-zero pattern amount, per line
    amounts = np.stack([interest_day, penalty_day, bill_p, bill_f, bill_i,
                        *(seg_sum(paid[:, k], li, n_lines) for k in range(4))], axis=1)
    pl, pp = np.nonzero(amounts)
    amt = amounts[pl, pp]
    debit_acc = np.array([acc.ACCOUNT_INDEX[p[0]] for p in PATTERNS], dtype=I64)
    credit_acc = np.array([acc.ACCOUNT_INDEX[p[1]] for p in PATTERNS], dtype=I64)
    memo = np.array([p[2] for p in PATTERNS], dtype=I64)
    postings: Columns = {
        "line_idx": np.repeat(pl, 2),
        "account": np.stack([debit_acc[pp], credit_acc[pp]], axis=1).reshape(-1),
        "amount": np.stack([amt, -amt], axis=1).reshape(-1),
        "memo": np.repeat(memo[pp], 2),
    }

    # back to input order, with change masks (rows an operation touched)
    inst_changed = target | (late & (late_base > 0)) | bill_now | paid.any(axis=1)
    settled = billed & (p_out + f_out + i_out + pen_out == 0)
    if order is not None:
        inv = np.empty_like(order)
        inv[order] = np.arange(n)
        I = {k: v[inv] for k, v in I.items()}  # noqa: E741
        inst_changed, settled = inst_changed[inv], settled[inv]
    line_changed = np.zeros(n_lines, dtype=bool)
    for k in LINE_STATE:
        if k in lines:
            line_changed |= L[k] != np.asarray(lines[k], dtype=I64)
        else:
            line_changed |= True
    L["next"] = next_visit(L, I, day, n_lines)
    return DayResult(d, L, I, line_changed, inst_changed, settled, postings, statements)


NEVER = np.iinfo(I64).max


def next_visit(L: Columns, I: Columns, day: date, n_lines: int) -> np.ndarray:  # noqa: E741
    """The first day after ``day`` on which ``close_day`` could change the line if the
    customer does nothing: end of day skips a line until then (a lower bound: visiting a
    line early changes nothing, late would miss an event).  Every service action on a line
    clears it, so the line is visited at the next end of day.

    Daily work (interest accruing on unbilled principal, penalties or days past due on
    anything late, a credit balance, a closing line) means tomorrow; otherwise the earliest
    of: the next installment to bill, the day after a billed installment's due date, the
    day after the minimum payment's due date, and the next statement day."""
    d = day_number(day)
    tomorrow = d + 1
    li = I["line_idx"]
    p_out = I["p_sched"] - I["p_paid"]
    f_out = I["f_sched"] - I["f_paid"]
    i_out = I["i_amt"] - I["i_paid"]
    billed = I["billed"]
    owed = p_out + f_out + i_out
    cand = np.full(len(li), NEVER, dtype=I64)
    # every unbilled installment is billed on its day, even one prepaid to nothing
    cand = np.where(~billed, I["bill"], cand)
    cand = np.where(~billed & (I["i_rate"] > 0), tomorrow, cand)
    cand = np.where(billed & (owed > 0), I["due"] + 1, cand)
    first = np.full(n_lines, NEVER, dtype=I64)
    if len(li):
        np.minimum.at(first, li, cand)
    # the next statement day: this month's if still ahead, else next month's (days 1-28)
    stmt = np.asarray(L["stmt_day"], dtype=I64)
    nxt = np.empty(n_lines, dtype=I64)
    for sd in np.unique(stmt).tolist():
        if day.day < sd:
            when = day.replace(day=int(sd))
        else:
            y, m = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
            when = date(y, m, int(sd))
        nxt[stmt == sd] = day_number(when)
    first = np.minimum(first, nxt)
    waiting_minimum = (L["min_due"] >= 0) & (L["min_remaining"] > 0)
    first = np.where(waiting_minimum, np.minimum(first, L["min_due"] + 1), first)
    daily = ((L["past_due"] > 0) | (L["past_due_since"] >= 0) | (L["credit"] > 0)
             | (L["status"] == CLOSING))
    first = np.where(daily, tomorrow, first)
    return np.maximum(first, tomorrow)
