from datetime import date

from remit.generator import people_plan, synthetic

PLAN = synthetic.build_plan(99, patients=500, as_of=date(2026, 1, 15))


def test_every_family_name_is_invented_or_carries_a_synthetic_prefix():
    for p in PLAN.patients:
        assert people_plan.is_synthetic_family_name(p.family_name), p.family_name
        if p.emergency_contact_name:
            assert people_plan.is_synthetic_family_name(p.emergency_contact_name.split(" ", 1)[1])
    for s in PLAN.staff:
        assert people_plan.is_synthetic_family_name(s.last_name)


def test_every_email_is_at_example_invalid():
    emails = [p.email for p in PLAN.patients if p.email] + [s.email for s in PLAN.staff]
    assert emails
    assert all(e.endswith("@example.invalid") for e in emails)


def test_every_phone_number_is_in_the_fictional_555_01xx_range():
    phones = [p.phone for p in PLAN.patients] + [
        p.emergency_contact_phone for p in PLAN.patients if p.emergency_contact_phone
    ]
    assert all(people_plan.is_fictional_phone(n) for n in phones)


def test_every_clinic_says_it_is_synthetic():
    assert [c.name for c in PLAN.clinics] == [
        "Riverside Ketamine & TMS (synthetic)",
        "Hillcrest Interventional Psychiatry (synthetic)",
    ]
