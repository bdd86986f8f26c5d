"""The synthetic population: reproducible, valid identities, real fraud rings, and a
default label that follows the hidden risk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from creditline.errors import ValidationError
from creditline.parties.identity import (
    age_on,
    check_id_number,
    check_mobile,
    check_uscc,
    id_birth_date,
    id_sex,
)
from creditline.simulate.population import (
    APPLICANT_FEATURES,
    TRUTH_COLUMNS,
    Population,
    generate_population,
)


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate_population(3000, seed=11, enterprises=300)


@pytest.fixture(scope="module")
def big() -> Population:
    return generate_population(20_000, seed=3)


@pytest.fixture(scope="module")
def fraudy() -> Population:
    """A market with a lot of fraud, so there are dozens of rings to inspect."""
    return generate_population(4000, seed=5, fraud_share=0.08)


# --- determinism -----------------------------------------------------------------------

def test_same_seed_gives_identical_frames() -> None:
    a = generate_population(500, seed=42, enterprises=40)
    b = generate_population(500, seed=42, enterprises=40)
    for name in ("persons", "contacts", "truth", "enterprises", "enterprise_truth"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.applicant_features(truth=True).equals(b.applicant_features(truth=True))


def test_different_seed_gives_different_people() -> None:
    a = generate_population(500, seed=1)
    b = generate_population(500, seed=2)
    assert not a.persons.equals(b.persons)
    assert set(a.persons["id_number"]).isdisjoint(set(b.persons["id_number"]))


def test_asking_for_enterprises_does_not_change_the_persons() -> None:
    alone = generate_population(400, seed=9)
    with_firms = generate_population(400, seed=9, enterprises=50)
    assert alone.persons.equals(with_firms.persons)
    assert alone.truth.equals(with_firms.truth)


# --- identities ------------------------------------------------------------------------

def test_every_identity_number_validates_and_matches_age_and_sex(pop: Population) -> None:
    for id_number, age, sex, region_code in pop.persons.select(
            "id_number", "age", "sex", "region_code").iter_rows():
        assert check_id_number(id_number) == id_number
        assert age_on(id_birth_date(id_number), pop.as_of) == age
        assert 18 <= age <= 70
        assert id_sex(id_number) == sex
        assert id_number[:6] == region_code
    assert pop.persons["id_number"].n_unique() == pop.persons.height


def test_every_uscc_and_legal_representative_validates(pop: Population) -> None:
    firms = pop.enterprises
    assert firms.height == 300
    for uscc, rep_id, region_code in firms.select(
            "uscc", "legal_rep_id_number", "region_code").iter_rows():
        assert check_uscc(uscc) == uscc
        assert uscc[2:8] == region_code
        check_id_number(rep_id)
    assert firms["uscc"].n_unique() == firms.height
    assert firms["name"].n_unique() == firms.height


def test_phones_are_valid_unique_and_contacts_never_use_the_applicants_own(pop: Population) -> None:
    for phone in pop.persons["phone"]:
        check_mobile(phone)
    for phone in pop.contacts["phone"]:
        check_mobile(phone)
    assert pop.persons["phone"].n_unique() == pop.persons.height
    own = pop.contacts.join(pop.persons.select("person_id", own="phone"), on="person_id")
    assert own.filter(pl.col("phone") == pl.col("own")).is_empty()
    per_person = pop.contacts.group_by("person_id").len()
    assert per_person["len"].min() >= 1 and per_person["len"].max() <= 3
    assert per_person.height == pop.persons.height


def test_names_and_emails_look_like_people(pop: Population) -> None:
    names = pop.persons["name"]
    assert names.str.len_chars().is_between(2, 4).all()
    assert pop.persons["email"].str.contains(r"^[a-z0-9.]+@[a-z0-9.]+\.(com|cn)$").all()
    assert pop.persons["email"].n_unique() == pop.persons.height


# --- fraud ------------------------------------------------------------------------------

def test_fraud_rings_really_share_a_contact_phone_device_or_ip(fraudy: Population) -> None:
    members = (fraudy.truth.filter(pl.col("ring_id").is_not_null()).select("person_id", "ring_id")
               .join(fraudy.persons.select("person_id", "device_id", "ip", "phone"), on="person_id"))
    first_contact = fraudy.contacts.filter(pl.col("rank") == 1).select("person_id", contact="phone")
    members = members.join(first_contact, on="person_id")
    rings = members.group_by("ring_id").agg(
        pl.len().alias("size"),
        pl.col("contact").n_unique().alias("contacts"),
        pl.col("device_id").n_unique().alias("devices"),
        pl.col("ip").n_unique().alias("ips"),
        pl.col("phone").cast(pl.Int64).max().alias("hi"),
        pl.col("phone").cast(pl.Int64).min().alias("lo"),
    )
    assert rings.height >= 20
    assert rings["size"].is_between(3, 8).all()
    shares = (rings["contacts"] == 1) | (rings["devices"] == 1) | (rings["ips"] == 1)
    assert shares.all(), rings.filter(~shares)
    assert (rings["contacts"] == 1).sum() > rings.height // 2  # most share the organiser's phone
    # Their own phones were bought as a block of consecutive numbers.
    assert ((rings["hi"] - rings["lo"]) == rings["size"] - 1).all()


def test_legitimate_applicants_do_not_share_contact_phones_except_spouses(fraudy: Population) -> None:
    legit = fraudy.truth.filter(~pl.col("is_fraud")).select("person_id", "partner_id")
    contacts = fraudy.contacts.join(legit, on="person_id")
    shared = contacts.group_by("phone").agg(pl.len()).filter(pl.col("len") > 1)
    assert shared.is_empty()
    # Spouses who both applied name each other.
    couples = (legit.filter(pl.col("partner_id").is_not_null())
               .join(fraudy.persons.select(partner_id="person_id", partner_phone="phone"),
                     on="partner_id")
               .join(contacts.filter(pl.col("rank") == 1).select("person_id", "phone", "relation"),
                     on="person_id"))
    assert couples.height > 0
    assert (couples["phone"] == couples["partner_phone"]).all()
    assert (couples["relation"] == "spouse").all()


def test_synthetic_identities_are_young_thin_and_new(fraudy: Population) -> None:
    synthetic = (fraudy.truth.filter(pl.col("fraud_kind") == "synthetic").select("person_id")
                 .join(fraudy.persons, on="person_id"))
    assert synthetic.height > 50
    assert (synthetic["age"] <= 26).all()
    assert (synthetic["credit_history_months"] < 12).all()
    assert (synthetic["phone_tenure_months"] <= 3).all()
    for id_number in synthetic["id_number"]:
        check_id_number(id_number)  # valid check character, fake person


def test_fraud_share_is_about_what_was_asked(pop: Population, fraudy: Population) -> None:
    assert pop.truth["is_fraud"].mean() == pytest.approx(0.015, abs=0.002)
    assert fraudy.truth["is_fraud"].mean() == pytest.approx(0.08, abs=0.005)


def test_bust_outs_always_default_in_the_first_month(fraudy: Population) -> None:
    busts = fraudy.truth.filter(pl.col("bust_out"))
    assert busts.height > 100
    assert (busts["bad"] == 1).all()
    assert (busts["default_month"] == 0).all()
    assert busts["is_fraud"].all()


# --- the label ----------------------------------------------------------------------------

def test_default_rate_is_plausible(big: Population) -> None:
    rate = big.truth["bad"].mean()
    assert 0.03 <= rate <= 0.15
    assert big.truth["pd_true"].mean() == pytest.approx(0.06, abs=1e-6)


def test_default_rate_rises_with_the_true_pd(big: Population) -> None:
    legit = big.truth.filter(~pl.col("is_fraud")).sort("pd_true")
    quintiles = legit.with_columns((pl.int_range(pl.len()) * 5 // pl.len()).alias("q"))
    rates = quintiles.group_by("q").agg(pl.col("bad").mean(), pl.col("pd_true").mean()).sort("q")
    assert rates["bad"].diff().drop_nulls().min() > 0  # strictly rising quintile by quintile
    assert rates["bad"][-1] > 10 * rates["bad"][0]
    # ... and is calibrated: each quintile's bad rate is near its mean true PD.
    for bad, pd in rates.select("bad", "pd_true").iter_rows():
        assert bad == pytest.approx(pd, rel=0.35, abs=0.004)


def test_job_losses_come_before_more_defaults(big: Population) -> None:
    t = big.truth.filter(~pl.col("bust_out"))
    lost = t.filter(pl.col("job_loss_month").is_not_null() & (pl.col("job_loss_month") < 12))
    kept = t.filter(pl.col("job_loss_month").is_null())
    assert lost.height > 100
    excess = lost["bad"].mean() / lost["pd_true"].mean()
    baseline = kept["bad"].mean() / kept["pd_true"].mean()
    assert excess > 1.3 * baseline


# --- the training frame -----------------------------------------------------------------

def test_applicant_features_hold_observable_columns_and_the_label_only(pop: Population) -> None:
    frame = pop.applicant_features()
    assert frame.columns == ["person_id", "application_date", *APPLICANT_FEATURES, "bad"]
    assert frame.height == pop.persons.height
    assert not set(TRUTH_COLUMNS) & set(frame.columns)
    assert "sex" not in frame.columns  # a protected attribute is not a model feature
    with_truth = pop.applicant_features(truth=True)
    assert with_truth.columns == [*frame.columns, *TRUTH_COLUMNS]
    assert with_truth.select(frame.columns).equals(frame)


def test_money_is_exact_decimal_never_float(pop: Population) -> None:
    money = ["monthly_income", "existing_debt_monthly"]
    for column in money:
        assert pop.persons.schema[column] == pl.Decimal(18, 2)
    income = pop.persons["monthly_income"].to_list()
    assert all(isinstance(x, Decimal) and x.as_tuple().exponent == -2 for x in income)
    assert all(x % 100 == 0 for x in income)  # people declare round incomes
    for column in ("annual_revenue", "total_assets", "collateral_value", "operating_cash_flow"):
        assert pop.enterprises.schema[column] == pl.Decimal(18, 2)


def test_enterprise_statements_hang_together(pop: Population) -> None:
    f = pop.enterprises
    assert (f["current_assets"] <= f["total_assets"]).all()
    assert (f["current_liabilities"] <= f["total_liabilities"]).all()
    assert (f["annual_revenue"] > 0).all()
    lev = f["total_liabilities"].cast(pl.Float64) / f["total_assets"].cast(pl.Float64)
    assert ((lev - f["leverage"]).abs() < 1e-3).all()
    assert f["registered_on"].max() < pop.as_of
    no_collateral = f.filter(pl.col("collateral_kind") == "none")
    assert (no_collateral["collateral_value"] == 0).all()
    rates = pop.enterprise_features(truth=True)
    assert 0.01 <= rates["bad"].mean() <= 0.15


def test_feature_frames_have_no_missing_values_except_industry(pop: Population) -> None:
    frame = pop.applicant_features()
    nulls = {c: n for c, n in zip(frame.columns, frame.null_count().row(0)) if n}
    assert set(nulls) <= {"industry"}
    jobless = frame.filter(pl.col("industry").is_null())["employment"].unique().to_list()
    assert set(jobless) <= {"student", "retired", "unemployed"}


# --- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"n": 0}, "n"),
    ({"n": 10, "seed": -1}, "seed"),
    ({"n": 10, "enterprises": -5}, "enterprises"),
    ({"n": 10, "as_of": date(2099, 1, 1)}, "as_of"),
    ({"n": 10, "fraud_share": 0.5}, "fraud_share"),
    ({"n": 10, "default_rate": 0.0}, "default_rate"),
])
def test_bad_arguments_name_the_field(kwargs: dict, field: str) -> None:
    kwargs = {"seed": 1, **kwargs}
    n = kwargs.pop("n")
    seed = kwargs.pop("seed")
    with pytest.raises(ValidationError) as err:
        generate_population(n, seed, **kwargs)
    assert err.value.field == field


def test_a_single_applicant_and_no_enterprises_still_make_well_formed_frames() -> None:
    one = generate_population(1, seed=0)
    assert one.persons.height == 1 and one.contacts.height >= 1
    assert one.enterprises.height == 0
    assert "uscc" in one.enterprises.columns
    assert one.enterprise_features().columns[-1] == "bad"
