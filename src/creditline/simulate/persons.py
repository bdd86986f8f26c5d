"""Synthetic consumer applicants with a hidden ground truth.

The draw runs in causal order - demographics, then money, then the credit file, then
the latent default propensity, then habits, identities and contacts - so the features
an application shows are correlated the way real ones are (a person with poor
financial discipline has more delinquencies, higher utilisation and a higher default
propensity), while part of that discipline stays hidden and makes the problem honest.
Column meanings are listed in ``creditline.simulate.population``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from creditline.simulate import fraud as fr
from creditline.simulate.columns import ids, money_series, null_if, text_as_lists
from creditline.simulate.events import (
    EMPLOYMENTS,
    GIG,
    SALARIED,
    SECTION_INDEX,
    SECTIONS,
    SELF_EMPLOYED,
    STUDENT,
    LifeEvents,
    default_months,
    person_events,
)
from creditline.simulate.identities import (
    REGION_CODES,
    REGION_PROVINCES,
    REGION_TIERS,
    birth_dates,
    device_ids,
    draw_regions,
    emails,
    id_numbers,
    ipv4s,
    mobile_strings,
    unique_mobiles,
)
from creditline.simulate.merchants import (
    CATEGORY_CODES,
    CATEGORY_INDEX,
    MEDIAN_TICKET,
    POPULARITY,
    TICKET_SIGMA,
    ticket_scale,
)
from creditline.simulate.names import draw_names, draw_surnames
from creditline.simulate.propensity import calibrate_intercept, sigmoid

EDUCATION: tuple[str, ...] = ("below_high_school", "high_school", "college", "bachelor",
                              "master_plus")
MARITAL: tuple[str, ...] = ("single", "married", "divorced", "widowed")
HOUSING: tuple[str, ...] = ("own", "mortgage", "rent", "family")
RELATIONS: tuple[str, ...] = ("spouse", "parent", "sibling", "child", "friend", "colleague")
OWN, MORTGAGE, RENT, FAMILY = range(4)
SPOUSE, PARENT, SIBLING, CHILD, FRIEND, COLLEAGUE = range(6)

HOUSEHOLD_SHARE = 0.02  # people whose spouse also applies (legitimately shared links)
PREFERENCE_WEIGHTS = np.array([0.45, 0.25, 0.15])  # top-3 categories; the rest by popularity
OTHER_CATEGORY_WEIGHT = 1.0 - PREFERENCE_WEIGHTS.sum()

_SALARIED_SECTIONS = {"C": 20, "F": 12, "I": 8, "G": 6, "H": 5, "E": 8, "O": 4, "P": 7, "Q": 7,
                      "L": 5, "M": 4, "K": 3, "J": 4, "S": 5, "A": 1, "R": 2, "D": 2, "B": 1,
                      "N": 1}
_SELF_SECTIONS = {"F": 40, "H": 20, "O": 15, "A": 8, "G": 7, "C": 5, "R": 5}
_GIG_SECTIONS = {"G": 45, "H": 20, "O": 20, "L": 10, "R": 5}

_BASE_INCOME = np.array([7000.0, 8000.0, 5200.0, 1500.0, 3800.0, 1200.0])  # by employment
_INCOME_SIGMA = np.array([0.45, 0.75, 0.4, 0.5, 0.3, 0.6])
_TIER_INCOME = np.array([0.0, 1.6, 1.15, 0.9, 0.72])  # index = tier
_EDUCATION_INCOME = np.array([0.72, 0.86, 1.0, 1.2, 1.55])

# Latent default propensity: effects on the log-odds (the intercept is calibrated).
_EMPLOYMENT_RISK = np.array([0.0, 0.35, 0.6, 0.5, 0.0, 1.3])
_HOUSING_RISK = np.array([-0.3, -0.15, 0.1, 0.05])
_EDUCATION_RISK = np.array([0.3, 0.15, 0.0, -0.15, -0.3])
LATENT_NOISE = 0.5


@dataclass(frozen=True)
class PersonDraw:
    persons: pl.DataFrame
    contacts: pl.DataFrame
    truth: pl.DataFrame
    events: LifeEvents
    roles: fr.FraudRoles


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, k) matrix of (unnormalised) probabilities."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cum < rng.random(len(probs))[:, None]).sum(axis=1), probs.shape[1] - 1)


def _gumbel_argmax(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    return np.argmax(logits + rng.gumbel(size=logits.shape), axis=1)


def _sections(rng: np.random.Generator, n: int, weights: dict[str, int]) -> np.ndarray:
    codes = np.array([SECTION_INDEX[s] for s in weights])
    p = np.array(list(weights.values()), dtype=np.float64)
    return rng.choice(codes, size=n, p=p / p.sum())


RING_JOIN_GAP_DAYS = (1, 7)  # a ring's next member applies 1-7 days after the one before


def _application_days(s_join: np.random.SeedSequence, roles: fr.FraudRoles, n: int
                      ) -> np.ndarray:
    """Days after ``as_of`` on which each applicant applies: 0 for everyone but ring members.

    A ring forms over weeks: its organiser recruits one member after another, each applying
    1-7 days after the one before (a ring of eight spans up to seven weeks), so no single
    day's applications show the whole ring.  Drawn from a stream of its own (a child of the
    persons' seed spawned after the others), so adding it changed no other draw."""
    days = np.zeros(n, dtype=np.int64)
    if not roles.rings:
        return days
    g = np.random.default_rng(s_join)
    rows = np.flatnonzero(roles.ring_id >= 0)
    rows = rows[np.argsort(roles.ring_id[rows], kind="stable")]
    gaps = g.integers(RING_JOIN_GAP_DAYS[0], RING_JOIN_GAP_DAYS[1] + 1, size=len(rows))
    rid = roles.ring_id[rows]
    first = np.r_[True, rid[1:] != rid[:-1]]
    gaps[first] = 0  # each ring's first member applies with everyone else
    cum = np.cumsum(gaps)
    start = np.maximum.accumulate(np.where(first, cum, 0))
    days[rows] = cum - start
    return days


ROADS = ("人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "文化路",
         "长江路", "黄河路", "青年路", "光明路")
RING_SHARES_ADDRESS = 0.5  # a ring's members give the organiser's address (a rented flat)


def _addresses(s_addr: np.random.SeedSequence, provinces: np.ndarray, partner: np.ndarray,
               roles: fr.FraudRoles) -> np.ndarray:
    """Home addresses: one each, a couple's shared, and in half the rings every member
    gives the first member's (the organiser's flat).  A stream of its own, like
    ``_application_days``."""
    g = np.random.default_rng(s_addr)
    n = len(provinces)
    road = np.array(ROADS)[g.integers(0, len(ROADS), size=n)]
    no, block = g.integers(1, 1000, size=n), g.integers(1, 31, size=n)
    flat = g.integers(1, 26, size=n) * 100 + g.integers(1, 6, size=n)
    out = np.array([f"{p}{r}{a}号{b}栋{c}室" for p, r, a, b, c in
                    zip(provinces.tolist(), road.tolist(), no.tolist(), block.tolist(),
                        flat.tolist())], dtype=object)
    couple = partner >= 0
    lower = couple & (np.arange(n) > partner)  # the later partner moves in with the first
    out[lower] = out[partner[lower]]
    if roles.rings:
        shared = g.random(roles.rings) < RING_SHARES_ADDRESS
        rows = np.flatnonzero(roles.ring_id >= 0)
        rid = roles.ring_id[rows]
        leader = rows[np.unique(rid, return_index=True)[1]]  # first member of each ring
        take = shared[rid]
        out[rows[take]] = out[leader[rid[take]]]
    return out


def build_persons(seed: np.random.SeedSequence, n: int, as_of: date, *, fraud_share: float,
                  default_rate: float, downturn: np.ndarray) -> PersonDraw:
    """Draw ``n`` applicants (with contacts, truth and life events) as of ``as_of``."""
    (s_roles, s_demo, s_money, s_file, s_latent, s_habits, s_ids, s_contacts, s_events,
     s_default) = seed.spawn(10)
    roles = fr.assign_roles(np.random.default_rng(s_roles), n, fraud_share)
    kind = roles.kind
    synthetic, ring = kind == fr.SYNTHETIC, kind == fr.RING
    fraud_id = synthetic | ring  # identities that are not who they say they are

    # --- demographics -------------------------------------------------------------
    g = np.random.default_rng(s_demo)
    male = g.random(n) < 0.5
    grid = np.arange(18, 71)
    w = np.exp(-0.5 * ((grid - 30) / 10.0) ** 2) + 0.12  # BNPL users skew young
    age = g.choice(grid, size=n, p=w / w.sum())
    age[synthetic] = g.integers(18, 27, size=int(synthetic.sum()))
    age[ring] = g.integers(19, 36, size=int(ring.sum()))
    region = draw_regions(g, n)
    if roles.rings:  # a ring works out of one city
        region[ring] = draw_regions(g, roles.rings)[roles.ring_id[ring]]

    partner = np.full(n, -1, dtype=np.int64)
    eligible = np.flatnonzero((kind == fr.NONE) & (age >= 23))
    pairs = min(int(n * HOUSEHOLD_SHARE / 2), len(eligible) // 2)
    couple = g.choice(eligible, size=2 * pairs, replace=False).reshape(pairs, 2)
    first, second = couple[:, 0], couple[:, 1]
    partner[first], partner[second] = second, first
    region[second] = region[first]
    male[second] = ~male[first]
    age[second] = np.clip(age[first] + g.integers(-3, 4, size=pairs), 23, 70)
    tier = REGION_TIERS[region]

    edu_score = g.standard_normal(n) + 0.45 * (tier == 1) + 0.2 * (tier == 2) - 0.02 * (age - 35)
    education = np.searchsorted(np.array([-0.86, 0.02, 0.75, 1.78]), edu_score)

    young, working_age, older = age < 23, (age >= 23) & (age < 55), (age >= 55) & (age < 60)
    probs = np.select(
        [young[:, None], working_age[:, None], older[:, None]],
        [np.array([0.30, 0.03, 0.15, 0.45, 0.0, 0.07]),
         np.array([0.62, 0.15, 0.14, 0.0, 0.0, 0.09]),
         np.array([0.55, 0.15, 0.08, 0.0, 0.15, 0.07])],
        np.array([0.12, 0.10, 0.04, 0.0, 0.70, 0.04]))
    probs[:, STUDENT] += np.where((age >= 23) & (age <= 26), 0.03, 0.0)
    employment = _categorical(g, probs)
    employment[synthetic] = np.where(g.random(int(synthetic.sum())) < 0.7, SALARIED, SELF_EMPLOYED)
    employment[ring] = g.choice([SALARIED, SELF_EMPLOYED, GIG], size=int(ring.sum()),
                                p=[0.3, 0.4, 0.3])
    education = np.where(employment == STUDENT, np.maximum(education, 2), education)
    education[synthetic] = 3  # claims a bachelor's degree

    section = np.full(n, -1, dtype=np.int64)
    for emp, weights in ((SALARIED, _SALARIED_SECTIONS), (SELF_EMPLOYED, _SELF_SECTIONS),
                         (GIG, _GIG_SECTIONS)):
        rows = employment == emp
        section[rows] = _sections(g, int(rows.sum()), weights)
    employed = section >= 0
    tenure_scale = np.array([24.0, 30.0, 8.0, 1.0, 1.0, 1.0])[employment]
    tenure = g.gamma(2.0, tenure_scale)
    employment_months = np.where(employed, np.minimum(tenure, (age - 18) * 12 + 6), 0).astype(np.int64)
    employment_months[synthetic] = g.integers(3, 13, size=int(synthetic.sum()))

    p_married = 0.85 / (1.0 + np.exp(-(age - 28) / 2.5))
    marital = (g.random(n) < p_married).astype(np.int64)
    marital[(marital == 1) & (age >= 32) & (g.random(n) < 0.06)] = 2
    marital[(marital == 1) & (age >= 60) & (g.random(n) < 0.12)] = 3
    marital[first] = marital[second] = 1

    # --- money -------------------------------------------------------------------
    g = np.random.default_rng(s_money)
    discipline = g.standard_normal(n)  # hidden; higher means worse with money
    age_curve = np.where(employed, np.clip(1 + 0.25 * (1 - ((age - 42) / 20.0) ** 2), 0.75, 1.25), 1.0)
    income = (_BASE_INCOME[employment] * _TIER_INCOME[tier] * _EDUCATION_INCOME[education]
              * age_curve * np.exp(_INCOME_SIGMA[employment] * g.standard_normal(n)
                                   - 0.08 * discipline))
    income = np.clip(income, 600.0, 300_000.0)
    income_cents = np.round(income * 100).astype(np.int64)
    income = income_cents / 100.0

    housing = _gumbel_argmax(g, np.stack([
        -0.6 + 0.045 * (age - 30),
        -1.1 + 0.6 * np.log(income / 7000) + 0.8 * ((age >= 28) & (age <= 55)) + 0.5 * (marital == 1),
        0.2 + 0.8 * (tier == 1) - 0.03 * (age - 30),
        -0.6 + 1.5 * (age < 25) + 2.0 * (employment == STUDENT),
    ], axis=1))
    housing[fraud_id] = np.where(g.random(int(fraud_id.sum())) < 0.7, RENT, FAMILY)
    housing[second] = housing[first]

    overstate = np.where(g.random(n) < 0.25, g.uniform(1.05, 1.4, size=n), 1.0)
    overstate[fraud_id] = g.uniform(1.5, 3.0, size=int(fraud_id.sum()))
    declared_cents = np.maximum(np.round(income * overstate / 100), 5) * 10_000

    # --- credit file -------------------------------------------------------------
    g = np.random.default_rng(s_file)
    ntc_p = np.select([age < 19, age < 23], [1.0, 0.4], 0.1)  # no file before a year of adulthood
    ntc_p[synthetic], ntc_p[ring] = 1.0, 0.7
    new_to_credit = (g.random(n) < ntc_p) & (housing != MORTGAGE)
    history = np.where(new_to_credit, g.integers(0, 12, size=n),
                       np.minimum((age - 18) * 12, 12 + g.gamma(2.0, 36.0, size=n))).astype(np.int64)
    accounts = np.where(new_to_credit, (g.random(n) < 0.3).astype(np.int64),
                        1 + g.poisson(0.8 + history / 48 + 0.3 * np.maximum(discipline, 0)))
    accounts += housing == MORTGAGE
    utilisation = np.where(accounts > 0, sigmoid(-0.9 + 0.9 * discipline
                                                  + 0.7 * g.standard_normal(n)), 0.0).round(3)
    inquiries = g.poisson(np.exp(-0.1 + 0.35 * discipline + 0.5 * (age < 25)))
    inquiries[fraud_id] += g.poisson(4.0, size=int(fraud_id.sum()))
    delinquencies = np.where((accounts > 0) & (history >= 6),
                             g.poisson(np.exp(-1.8 + 0.9 * discipline)), 0)
    phone_tenure = np.minimum((age - 16) * 12, 3 + g.gamma(2.0, 30.0, size=n)).astype(np.int64)
    phone_tenure[synthetic] = g.integers(0, 4, size=int(synthetic.sum()))
    phone_tenure[ring] = g.integers(0, 7, size=int(ring.sum()))

    mortgage = np.where(housing == MORTGAGE, income * g.uniform(0.18, 0.45, size=n), 0.0)
    has_other = (~new_to_credit | (accounts > 0)) & (
        g.random(n) < sigmoid(-0.7 + 0.6 * discipline + 0.3 * ((age >= 25) & (age <= 45))))
    other = np.where(has_other, income * np.exp(np.log(0.07) + 0.25 * discipline
                                                + 0.6 * g.standard_normal(n)), 0.0)
    debt_cents = np.round(np.minimum(mortgage + other, 1.2 * income) * 100).astype(np.int64)
    dti_true = debt_cents / income_cents

    # --- latent default propensity ------------------------------------------------
    g = np.random.default_rng(s_latent)
    age_risk = np.where(age < 30, 0.04 * (30 - age), np.where(age > 50, 0.02 * (age - 50), 0.0))
    signal = (age_risk + _EMPLOYMENT_RISK[employment] - 0.6 * np.log(income / 6000)
              + 2.2 * np.minimum(dti_true, 1.5) + 0.45 * np.minimum(delinquencies, 4)
              + 0.10 * np.minimum(inquiries, 10) + 0.9 * utilisation + 0.35 * (history < 12)
              - 0.004 * np.minimum(employment_months, 120) + _HOUSING_RISK[housing]
              + _EDUCATION_RISK[education] - 0.1 * (marital == 1) + 0.4 * discipline
              + LATENT_NOISE * g.standard_normal(n))
    latent = calibrate_intercept(signal, default_rate) + signal
    pd_true = sigmoid(latent)

    # --- spending habits ----------------------------------------------------------
    g = np.random.default_rng(s_habits)
    spend_ratio = np.clip(np.exp(np.log(0.14) + 0.15 * discipline + 0.2 * (age < 28)
                                 + 0.5 * g.standard_normal(n)), 0.02, 0.6)
    monthly_spend_cents = np.round(spend_ratio * income * 100).astype(np.int64)
    logits = np.tile(np.log(POPULARITY), (n, 1))
    c = CATEGORY_INDEX
    tilt = [
        (age < 28, {"gaming": 1.0, "apparel": 0.4, "electronics": 0.4}),
        ((age >= 30) & (age <= 50), {"groceries": 0.4, "education": 0.8, "home_appliances": 0.4}),
        (age >= 50, {"health": 1.0, "groceries": 0.5, "gaming": -1.0}),
        (income > 15000, {"travel": 0.8, "luxury": 1.0}),
        (income < 4000, {"luxury": -1.5, "travel": -0.6}),
        (~male, {"beauty": 1.2, "apparel": 0.4}),
        (male, {"electronics": 0.4, "gaming": 0.4, "beauty": -0.8}),
        (g.random(n) < 0.1, {"green_energy": 2.5}),  # green-minded buyers
        (employment == STUDENT, {"education": 0.5, "gaming": 0.5}),
    ]
    for rows, shifts in tilt:
        for code, shift in shifts.items():
            logits[rows, c[code]] += shift
    preferred = np.argsort(-(logits + g.gumbel(size=logits.shape)), axis=1)[:, :3]
    scale = ticket_scale(income)
    mean_ticket = MEDIAN_TICKET * np.exp(TICKET_SIGMA ** 2 / 2)
    expected_ticket = scale * (mean_ticket[preferred] @ PREFERENCE_WEIGHTS
                                      + OTHER_CATEGORY_WEIGHT * (POPULARITY @ mean_ticket))
    purchases_per_month = np.clip(monthly_spend_cents / 100 / expected_ticket, 0.3, 30.0).round(3)
    installment_propensity = np.clip(g.beta(2, 3, size=n) + 0.1 * (age < 30) + 0.1 * (income < 5000),
                                     0, 1).round(3)
    return_propensity = np.clip(g.beta(1.3, 12, size=n) * np.where(male, 1.0, 1.3), 0, 0.8).round(3)
    pay_lead_days = np.minimum(g.geometric(0.35, size=n) - 1, 7)
    late_propensity = np.clip(sigmoid(latent - 0.8 + 0.3 * g.standard_normal(n)) * 0.8,
                              0.005, 0.6).round(4)
    min_pay_propensity = np.clip(sigmoid(-1.6 + 0.7 * discipline + 1.2 * dti_true), 0.02, 0.9).round(4)

    # --- life events and the observed outcome ---------------------------------------
    events = person_events(np.random.default_rng(s_events), employment, section, downturn)
    g = np.random.default_rng(s_default)
    default_month = default_months(g, pd_true, events.hazard_multiplier(), employment)
    default_month[roles.bust_out] = 0  # bust-outs never pay a single bill
    bad = ((default_month >= 0) & (default_month < 12)).astype(np.int8)
    jobless_any = events.jobless.any(axis=1)
    job_loss_month = np.where(jobless_any, events.jobless.argmax(axis=1), -1)

    # --- identities -----------------------------------------------------------------
    g = np.random.default_rng(s_ids)
    surname = draw_surnames(g, n)
    name, pinyin = draw_names(g, male, surname)
    births = birth_dates(g, age, as_of)
    id_number = id_numbers(g, REGION_CODES[region], births, male)

    ring_rows = np.flatnonzero(ring)
    ring_phone_numbers = np.empty(0, dtype=np.int64)
    if roles.rings:  # consecutive numbers on a virtual-operator segment, bought as a block
        member_no = np.zeros(n, dtype=np.int64)
        order = np.argsort(roles.ring_id[ring_rows], kind="stable")
        ring_sorted = roles.ring_id[ring_rows][order]
        starts = np.searchsorted(ring_sorted, np.arange(roles.rings))
        member_no[ring_rows[order]] = np.arange(len(order)) - starts[ring_sorted]
        while True:
            blocks = (g.choice([170, 171], size=roles.rings) * 10**8
                      + g.integers(0, 10**6, size=roles.rings) * 100)
            if len(np.unique(blocks)) == roles.rings:
                break
        ring_phone_numbers = blocks[roles.ring_id[ring_rows]] + member_no[ring_rows]
    n_contacts_max = 3 * n + roles.rings
    new_phone = np.concatenate([synthetic & (g.random(n) < 0.6), np.zeros(n_contacts_max, bool)])
    pool = unique_mobiles(g, n + n_contacts_max, virtual=new_phone, exclude=ring_phone_numbers)
    phone_numbers = pool[:n].copy()
    contact_pool = pool[n:]
    phone_numbers[ring_rows] = ring_phone_numbers
    phone = mobile_strings(phone_numbers)

    device = device_ids(g, n)
    ip = ipv4s(g, n)
    ip[second] = ip[first]  # one home broadband
    email = emails(g, pinyin, random_local=synthetic | (ring & (g.random(n) < 0.5)))
    shares = roles.ring_shares
    if roles.rings:
        rid = roles.ring_id[ring_rows]
        leader = ring_rows[np.unique(rid, return_index=True)[1]]  # first member of each ring
        by_device = (shares[rid] & fr.SHARES_DEVICE) > 0
        device[ring_rows[by_device]] = device[leader[rid[by_device]]]
        by_ip = (shares[rid] & fr.SHARES_IP) > 0
        ip[ring_rows[by_ip]] = ip[leader[rid[by_ip]]]

    # --- emergency contacts ---------------------------------------------------------
    g = np.random.default_rng(s_contacts)
    count = g.choice([1, 2, 3], size=n, p=[0.3, 0.45, 0.25])
    starts = np.cumsum(count) - count
    owner = np.repeat(np.arange(n), count)
    rank = np.arange(len(owner)) - starts[owner] + 1
    o_age, o_married = age[owner], marital[owner] == 1
    rel_logits = np.stack([
        np.where((rank == 1) & o_married, 3.0, -np.inf),
        np.where(o_age < 35, 0.7, np.where(o_age < 70, 0.2, -np.inf)),
        np.zeros(len(owner)),
        np.where(o_age >= 42, 0.2, -np.inf),
        np.zeros(len(owner)),
        np.where(employed[owner], -0.5, -2.5),
    ], axis=1)
    relation = _gumbel_argmax(g, rel_logits)
    c_male = np.where(relation == SPOUSE, ~male[owner], g.random(len(owner)) < 0.5)
    family_name = ((relation == SIBLING) | (relation == CHILD)
                   | ((relation == PARENT) & c_male)) & (g.random(len(owner)) < 0.9)
    c_surname = np.where(family_name, surname[owner], draw_surnames(g, len(owner)))
    c_name, _ = draw_names(g, c_male, c_surname)
    c_phone = contact_pool[:len(owner)].copy()
    # Spouses who both applied list each other.
    for a, b in ((first, second), (second, first)):
        r1 = starts[a]
        relation[r1] = SPOUSE
        c_name[r1] = name[b]
        c_phone[r1] = phone_numbers[b]
    # Rings that share a contact all list the organiser's phone first, under varying names.
    if roles.rings:
        organiser_phone = contact_pool[len(owner):len(owner) + roles.rings]
        rid = roles.ring_id[ring_rows]
        by_contact = (shares[rid] & fr.SHARES_CONTACT) > 0
        r1 = starts[ring_rows[by_contact]]
        c_phone[r1] = organiser_phone[rid[by_contact]]
        relation[r1] = g.choice([FRIEND, SIBLING, COLLEAGUE], size=len(r1))
    c_consent = g.random(len(owner)) < 0.92

    s_join, s_addr = seed.spawn(2)  # after the ten above: no earlier draw changes
    applied_on = _application_days(s_join, roles, n)
    address = _addresses(s_addr, REGION_PROVINCES[region], partner, roles)
    person_id = ids("P", n)
    persons = pl.DataFrame(text_as_lists({
        "person_id": person_id,
        "name": name,
        "sex": np.where(male, "M", "F"),
        "birth_date": births,
        "age": age.astype(np.int16),
        "id_number": id_number,
        "phone": phone,
        "email": email,
        "region_code": REGION_CODES[region],
        "region": REGION_PROVINCES[region],
        "address": address,
        "city_tier": tier,
        "education": np.array(EDUCATION)[education],
        "marital_status": np.array(MARITAL)[marital],
        "housing": np.array(HOUSING)[housing],
        "employment": np.array(EMPLOYMENTS)[employment],
        "industry": np.array((*SECTIONS, ""))[section],
        "employment_months": employment_months.astype(np.int32),
    })).with_columns(
        money_series("monthly_income", declared_cents),
        money_series("existing_debt_monthly", debt_cents),
        pl.Series("credit_history_months", history.astype(np.int32)),
        pl.Series("num_credit_accounts", accounts.astype(np.int32)),
        pl.Series("revolving_utilization", utilisation),
        pl.Series("inquiries_6m", inquiries.astype(np.int32)),
        pl.Series("delinquencies_24m", delinquencies.astype(np.int32)),
        pl.Series("phone_tenure_months", phone_tenure.astype(np.int32)),
        pl.Series("num_contacts", count.astype(np.int8)),
        pl.Series("device_id", device.tolist()),
        pl.Series("ip", ip.tolist()),
        pl.Series("consent_credit_check", np.ones(n, dtype=bool)),
        pl.Series("consent_data_processing", np.ones(n, dtype=bool)),
        pl.Series("consent_emergency_contact", g.random(n) < 0.96),
        pl.Series("consent_marketing", g.random(n) < 0.55),
        (pl.lit(as_of) + pl.duration(days=pl.lit(pl.Series(applied_on)))).alias("application_date"),
    )
    contacts = pl.DataFrame(text_as_lists({
        "person_id": person_id[owner],
        "rank": rank.astype(np.int8),
        "name": c_name,
        "relation": np.array(RELATIONS)[relation],
        "phone": mobile_strings(c_phone),
        "contact_consent": c_consent,
    }))
    persons = persons.with_columns(null_if(pl.col("industry") == "", "industry"))
    pref_codes = np.array(CATEGORY_CODES)[preferred]
    truth = pl.DataFrame(text_as_lists({
        "person_id": person_id,
        "pd_true": pd_true,
        "latent_logit": latent,
        "discipline": discipline,
        "is_fraud": kind != fr.NONE,
        "fraud_kind": np.array(fr.FRAUD_KINDS)[kind],
        "bust_out": roles.bust_out,
    })).with_columns(
        pl.Series("ring_id", roles.ring_id),
        pl.Series("partner_id", np.where(partner >= 0, person_id[np.maximum(partner, 0)], "").tolist()),
        money_series("true_monthly_income", income_cents),
        money_series("monthly_spend", monthly_spend_cents),
        pl.Series("purchases_per_month", purchases_per_month),
        pl.DataFrame({f"c{j}": pref_codes[:, j].tolist() for j in range(3)})
        .select(pl.concat_list("c0", "c1", "c2").alias("preferred_categories")).to_series(),
        pl.Series("installment_propensity", installment_propensity),
        pl.Series("return_propensity", return_propensity),
        pl.Series("pay_lead_days", pay_lead_days.astype(np.int8)),
        pl.Series("late_propensity", late_propensity),
        pl.Series("min_pay_propensity", min_pay_propensity),
        pl.Series("job_loss_month", job_loss_month.astype(np.int16)),
        pl.Series("default_month", default_month.astype(np.int16)),
        pl.Series("bad", bad),
    ).with_columns(
        null_if(pl.col("ring_id") < 0, "ring_id"),
        null_if(pl.col("partner_id") == "", "partner_id"),
        null_if(pl.col("job_loss_month") < 0, "job_loss_month"),
        null_if(pl.col("default_month") < 0, "default_month"),
    )
    return PersonDraw(persons, contacts, truth, events, roles)

