"""A synthetic credit market with a hidden ground truth, reproducible from a seed.

``generate_population(n, seed)`` draws ``n`` consumer applicants (and optionally SME
applicants) as of a business date.  Everything is vectorised numpy, so 100,000
applicants take a couple of seconds.  The same seed always gives the same frames;
adding enterprises does not change the persons (each part has its own seed stream).

What an application shows and what only the simulator knows are kept apart:
``persons`` / ``contacts`` / ``enterprises`` are what a lender would see,
``truth`` / ``enterprise_truth`` hold the latent state, and ``applicant_features()`` /
``enterprise_features()`` are the model-training frames (observable features plus
the observed 12-month default label ``bad``).

Money columns are exact ``Decimal(18, 2)`` (built from integer cents); cast to float
only inside a model.  Ratios are floats.  Missing values are nulls.

``persons`` (one row per applicant)
    person_id (``P0000001``), name (Hanzi), sex (M/F; *not* a model feature),
    birth_date, age (whole years on the as-of date), id_number (GB 11643, real GB/T 2260
    county code, valid check character), phone (mainland mobile; unique except that
    ring members hold consecutive numbers), email, region_code (6-digit county code),
    region (province), city_tier (1 = Beijing/Shanghai/Guangzhou/Shenzhen ... 4),
    education (below_high_school/high_school/college/bachelor/master_plus),
    marital_status (single/married/divorced/widowed), housing (own/mortgage/rent/family),
    employment (salaried/self_employed/gig/student/retired/unemployed), industry
    (GB/T 4754 section of the employer; null without a job), employment_months,
    monthly_income (declared; some overstate it), existing_debt_monthly (repayments on
    other debts, from the bureau), credit_history_months, num_credit_accounts,
    revolving_utilization (0-1), inquiries_6m, delinquencies_24m, phone_tenure_months,
    num_contacts, device_id, ip, consent_credit_check and consent_data_processing (always
    true: an application needs them), consent_emergency_contact, consent_marketing,
    application_date.

``contacts`` (1-3 per applicant)
    person_id, rank (1 = first listed), name, relation
    (spouse/parent/sibling/child/friend/colleague), phone (never the applicant's own;
    spouses who both applied list each other; a ring that shares a contact lists the
    organiser's phone at rank 1), contact_consent.

``truth`` (hidden, one row per applicant)
    person_id, pd_true (ex-ante 12-month default probability), latent_logit,
    discipline (hidden money habits; higher is worse), is_fraud, fraud_kind
    (none/synthetic/ring/first_party), bust_out, ring_id, partner_id (a spouse who also
    applied), true_monthly_income, monthly_spend (what they tend to put on credit),
    purchases_per_month, preferred_categories (top three merchant categories),
    installment_propensity, return_propensity, pay_lead_days (how many days before the
    due date they usually pay), late_propensity, min_pay_propensity, job_loss_month
    (first month out of work), default_month (month from which they never pay again;
    null if not within the event horizon), bad (default_month < 12, the observed label).

``enterprises`` (one row per SME applicant)
    enterprise_id (``E000001``), uscc (GB 32100, valid; embeds a GB 11714 organisation
    code), name (``<city><trade name><industry>有限公司``), industry (GB/T 4754 section),
    region_code, region, city_tier, registered_on, firm_age_years, employees,
    legal_representative, legal_rep_id_number, annual_revenue, net_margin, net_income,
    total_assets, total_liabilities, leverage (liabilities / assets), current_assets,
    current_liabilities, current_ratio, operating_cash_flow, annual_debt_service, dscr
    (operating cash flow / debt service), collateral_kind
    (none/real_estate/equipment/receivables/deposit/guarantee), collateral_value,
    application_date.

``enterprise_truth``
    enterprise_id, pd_true, latent_logit, distress, default_month, bad.

The observed label ``bad`` is "stopped paying for good within 12 months of the as-of
date": the month is drawn from a hazard calibrated to ``pd_true`` and moved by the
person's life events (job loss, income shocks, industry downturns), and every
bust-out fraudster defaults in month 0.  The behaviour model replays the same events
and default months, so a simulated book behaves the way its labels say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

import numpy as np
import polars as pl

from creditline.errors import ValidationError
from creditline.simulate.enterprises import build_enterprises
from creditline.simulate.events import LifeEvents, industry_downturns
from creditline.simulate.persons import build_persons

DEFAULT_AS_OF = date(2026, 1, 1)
EARLIEST_AS_OF = date(1990, 1, 1)
# Birth dates must lie in the past for the identity checks; an 18-year-old on this date
# was born in 2022 at the latest.
LATEST_AS_OF = date(2040, 12, 31)
MAX_PERSONS = 5_000_000
MAX_ENTERPRISES = 1_000_000

APPLICANT_FEATURES: tuple[str, ...] = (
    "age", "region", "city_tier", "education", "marital_status", "housing", "employment",
    "industry", "employment_months", "monthly_income", "existing_debt_monthly",
    "debt_to_income", "credit_history_months", "num_credit_accounts", "revolving_utilization",
    "inquiries_6m", "delinquencies_24m", "phone_tenure_months", "num_contacts",
)
ENTERPRISE_FEATURES: tuple[str, ...] = (
    "industry", "region", "city_tier", "firm_age_years", "employees", "annual_revenue",
    "net_margin", "net_income", "total_assets", "total_liabilities", "leverage",
    "current_assets", "current_liabilities", "current_ratio", "operating_cash_flow",
    "annual_debt_service", "dscr", "collateral_kind", "collateral_value",
)
TRUTH_COLUMNS: tuple[str, ...] = ("pd_true", "is_fraud", "fraud_kind", "ring_id", "bust_out",
                                  "default_month")


@dataclass(frozen=True)
class Population:
    """The generated market; see the module docstring for every column."""

    seed: int
    as_of: date
    persons: pl.DataFrame
    contacts: pl.DataFrame
    truth: pl.DataFrame
    enterprises: pl.DataFrame
    enterprise_truth: pl.DataFrame
    events: LifeEvents  # person life-event paths, rows aligned with ``persons``
    downturn: np.ndarray  # (months, GB/T 4754 sections) industry downturn flags

    def applicant_features(self, *, truth: bool = False) -> pl.DataFrame:
        """The A-card training frame: ``person_id``, ``application_date``, the observable
        features (``APPLICANT_FEATURES``) and the label ``bad``.  ``truth=True`` appends
        the ground-truth columns (``TRUTH_COLUMNS``) for evaluation - never train on them."""
        frame = self.persons.with_columns(
            (pl.col("existing_debt_monthly").cast(pl.Float64)
             / pl.col("monthly_income").cast(pl.Float64)).round(4).alias("debt_to_income"))
        wanted = ["bad", *TRUTH_COLUMNS] if truth else ["bad"]
        return (frame.select("person_id", "application_date", *APPLICANT_FEATURES)
                .join(self.truth.select("person_id", *wanted), on="person_id", how="left",
                      maintain_order="left"))

    def enterprise_features(self, *, truth: bool = False) -> pl.DataFrame:
        """The SME A-card training frame (``ENTERPRISE_FEATURES`` plus ``bad``)."""
        wanted = ["bad", "pd_true", "default_month"] if truth else ["bad"]
        return (self.enterprises.select("enterprise_id", "application_date", *ENTERPRISE_FEATURES)
                .join(self.enterprise_truth.select("enterprise_id", *wanted), on="enterprise_id",
                      how="left", maintain_order="left"))

    def summary(self) -> dict[str, float | int]:
        """Headline figures: sizes, default rates, fraud share."""
        t = self.truth
        out: dict[str, float | int] = {
            "persons": self.persons.height,
            "contacts": self.contacts.height,
            "default_rate": _mean(t["bad"]),
            "mean_pd_true": _mean(t["pd_true"]),
            "fraud_share": _mean(t["is_fraud"]),
            "fraud_rings": int(t["ring_id"].n_unique() - (1 if t["ring_id"].null_count() else 0)),
            "bust_outs": int(t["bust_out"].sum()),
            "enterprises": self.enterprises.height,
        }
        if self.enterprises.height:
            out["enterprise_default_rate"] = _mean(self.enterprise_truth["bad"])
        return out


def _mean(column: pl.Series) -> float:
    """Mean of a numeric column, 0 for an empty one (polars types ``mean()`` as any literal)."""
    return float(cast(float | None, column.mean()) or 0.0)


def generate_population(n: int, seed: int, *, enterprises: int = 0, as_of: date = DEFAULT_AS_OF,
                        fraud_share: float = 0.015, default_rate: float = 0.06,
                        enterprise_default_rate: float = 0.05, horizon_months: int = 24,
                        ) -> Population:
    """Draw ``n`` consumer applicants and ``enterprises`` SME applicants as of ``as_of``.

    ``default_rate`` is the mean ex-ante credit PD of the persons (bust-out fraud comes
    on top, so the observed bad rate is a little higher); ``horizon_months`` is how far
    ahead life events and default months are drawn (the label uses the first 12)."""
    _check(n, seed, enterprises, as_of, fraud_share, default_rate, enterprise_default_rate,
           horizon_months)
    economy, people, firms = np.random.SeedSequence(seed).spawn(3)
    downturn = industry_downturns(np.random.default_rng(economy), horizon_months)
    draw = build_persons(people, n, as_of, fraud_share=fraud_share, default_rate=default_rate,
                         downturn=downturn)
    firm_draw = build_enterprises(firms, enterprises, as_of, default_rate=enterprise_default_rate,
                                  downturn=downturn)
    return Population(seed, as_of, draw.persons, draw.contacts, draw.truth, firm_draw.enterprises,
                      firm_draw.truth, draw.events, downturn)


def _check(n: int, seed: int, enterprises: int, as_of: date, fraud_share: float,
           default_rate: float, enterprise_default_rate: float, horizon_months: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_PERSONS:
        raise ValidationError("n", f"must be a whole number from 1 to {MAX_PERSONS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValidationError("seed", "must be a non-negative whole number")
    if (isinstance(enterprises, bool) or not isinstance(enterprises, int)
            or not 0 <= enterprises <= MAX_ENTERPRISES):
        raise ValidationError("enterprises", f"must be a whole number from 0 to {MAX_ENTERPRISES:,}")
    if not isinstance(as_of, date) or not EARLIEST_AS_OF <= as_of <= LATEST_AS_OF:
        raise ValidationError("as_of", f"must be a date from {EARLIEST_AS_OF} to {LATEST_AS_OF}")
    if not 0.0 <= fraud_share <= 0.2:
        raise ValidationError("fraud_share", "must be between 0 and 0.2")
    if not 0.001 <= default_rate <= 0.5:
        raise ValidationError("default_rate", "must be between 0.001 and 0.5")
    if not 0.001 <= enterprise_default_rate <= 0.5:
        raise ValidationError("enterprise_default_rate", "must be between 0.001 and 0.5")
    if not 12 <= horizon_months <= 120:
        raise ValidationError("horizon_months", "must be between 12 and 120")
