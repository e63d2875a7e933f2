"""The generated population looks like a ketamine/TMS clinic's (N=500)."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from remit.accounts import roles as R
from remit.generator import people_plan, synthetic
from remit.patients.models import validate_icd10cm

AS_OF = date(2026, 1, 15)
N = 500


@pytest.fixture(scope="module")
def plan():
    return synthetic.build_plan(2026, patients=N, as_of=AS_OF)


def share(plan, predicate):
    return sum(1 for p in plan.patients if predicate(p)) / len(plan.patients)


def test_it_makes_the_number_of_patients_asked_for(plan):
    assert len(plan.patients) == N
    assert len({p.mrn for p in plan.patients}) == N


def test_patients_are_adults_mostly_between_25_and_55(plan):
    ages = [p.age_on(AS_OF) for p in plan.patients]
    assert min(ages) >= 18 and max(ages) <= 80
    assert 0.6 <= sum(25 <= a <= 55 for a in ages) / N <= 0.9
    assert 35 <= sorted(ages)[N // 2] <= 47


def test_about_sixty_percent_are_female(plan):
    assert 0.50 <= share(plan, lambda p: p.sex_at_birth == "female") <= 0.70
    assert set(Counter(p.sex_at_birth for p in plan.patients)) <= {"female", "male", "intersex"}


def test_patients_are_split_about_sixty_forty_between_two_clinics(plan):
    counts = Counter(p.clinic for p in plan.patients)
    assert set(counts) == {c.slug for c in plan.clinics} and len(counts) == 2
    assert 0.52 <= counts[plan.clinics[0].slug] / N <= 0.68
    for clinic in plan.clinics:
        numbers = sorted(p.number for p in plan.patients if p.clinic == clinic.slug)
        assert numbers == list(range(1, counts[clinic.slug] + 1))


def test_everyone_has_exactly_one_major_depression_diagnosis(plan):
    for p in plan.patients:
        assert len([d for d in p.diagnoses if d.code in people_plan.MDD_CODES]) == 1
        for d in p.diagnoses:
            validate_icd10cm(d.code)
            assert d.description == people_plan.DX[d.code]
            assert d.onset_date is None or p.date_of_birth < d.onset_date <= AS_OF


def test_comorbidities_come_at_plausible_rates(plan):
    assert 0.30 <= share(plan, lambda p: "F41.1" in p.codes) <= 0.50
    assert 0.08 <= share(plan, lambda p: "F43.10" in p.codes) <= 0.22
    assert 0.03 <= share(plan, lambda p: p.codes & {"F10.21", "F12.21"}) <= 0.14
    assert 0.3 <= share(plan, lambda p: "F33.1" in p.codes or "F33.2" in p.codes) / 0.7 <= 1.2


def test_there_is_something_for_screening_to_catch(plan):
    risky = [p for p in plan.patients if p.codes & {"F31.81", "F20.9"}]
    assert 1 <= len(risky) <= 0.08 * N
    for p in plan.patients:
        for d in p.diagnoses:
            if d.code in {"F10.21", "F12.21"}:
                assert d.status == "in_remission"


def test_every_patient_has_two_to_six_antidepressant_trials(plan):
    doses = {d.name: {Decimal(x) for x in d.doses} for d in people_plan.ANTIDEPRESSANTS}
    for p in plan.patients:
        assert 2 <= len(p.trials) <= 6
        assert len({t.drug for t in p.trials}) == len(p.trials)
        starts = [t.started_on for t in p.trials]
        assert starts == sorted(starts) and starts[-1] < AS_OF
        for t in p.trials:
            assert 4 <= t.weeks <= 16
            assert t.max_daily_dose_mg in doses[t.drug]
            if t.adequate:
                assert t.weeks >= 6 and t.outcome != "not_tolerated"


def test_about_three_quarters_of_trials_are_adequate_and_most_fail(plan):
    trials = [t for p in plan.patients for t in p.trials]
    assert 0.65 <= sum(t.adequate for t in trials) / len(trials) <= 0.85
    outcomes = Counter(t.outcome for t in trials)
    assert (outcomes["no_response"] + outcomes["partial"]) / len(trials) >= 0.7
    assert outcomes["response"] and outcomes["not_tolerated"]
    # Treatment resistance: most have at least two failed adequate trials.
    assert share(plan, lambda p: sum(t.failed_adequate for t in p.trials) >= 2) >= 0.6


def test_current_medications_carry_the_flags_screening_needs(plan):
    flagged = Counter(f for p in plan.patients for m in p.medications for f in m.flags)
    assert 0.15 <= flagged["benzodiazepine"] / N <= 0.35
    assert flagged["psychostimulant"] >= 1
    assert flagged["opioid_antagonist"] >= 1
    for p in plan.patients:
        names = [m.name for m in p.medications]
        assert len(names) == len(set(names))
        if any("maoi" in m.flags for m in p.medications):
            assert not {m.name for m in p.medications} & {d.name for d in people_plan.ANTIDEPRESSANTS}


def test_weights_are_dated_and_plausible(plan):
    for p in plan.patients:
        assert 1 <= len(p.weights) <= 4
        assert all(Decimal(45) <= w.weight_kg <= Decimal(140) for w in p.weights)
        dates = [w.measured_on for w in p.weights]
        assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
        assert all(d <= AS_OF for d in dates)


def test_some_have_allergies_and_contact_consents_are_consistent(plan):
    assert 0.1 <= share(plan, lambda p: p.allergies) <= 0.3
    for p in plan.patients:
        assert not p.consent_email or p.email
        assert p.preferred_contact != "sms" or p.consent_sms
        assert p.preferred_contact != "email" or p.consent_email
    assert 0.8 <= share(plan, lambda p: p.emergency_contact_name) <= 0.97


def test_every_role_is_staffed_in_each_clinic(plan):
    for clinic in plan.clinics:
        roles = {r for s in plan.staff if clinic.slug in s.clinics for r in s.roles}
        assert roles == set(R.ROLES)
    usernames = [s.username for s in plan.staff]
    assert usernames[:5] == ["prescriber", "nurse", "tech", "frontdesk", "admin"]
    assert "prescriber2" in usernames and "admin2" in usernames
    multisite = next(s for s in plan.staff if s.username == "multisite")
    assert multisite.roles == ("prescriber",) and set(multisite.clinics) == {c.slug for c in plan.clinics}


def test_it_can_plan_one_to_six_clinics_and_refuses_more():
    assert len(synthetic.build_plan(1, patients=20, clinics=1, as_of=AS_OF).clinics) == 1
    three = synthetic.build_plan(1, patients=60, clinics=3, as_of=AS_OF)
    assert {p.clinic for p in three.patients} == {c.slug for c in three.clinics}
    assert "admin3" in {s.username for s in three.staff}
    with pytest.raises(ValueError):
        synthetic.build_plan(1, patients=1, clinics=people_plan.MAX_CLINICS + 1, as_of=AS_OF)


def test_the_icd_check_rejects_nonsense_so_the_test_above_means_something():
    with pytest.raises(ValidationError):
        validate_icd10cm("F33-2")
