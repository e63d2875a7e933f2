from datetime import date

from django.contrib.auth import password_validation

from remit.generator import streams, synthetic

AS_OF = date(2026, 1, 15)


def test_it_gives_an_identical_plan_for_the_same_seed():
    assert synthetic.build_plan(7, patients=300, as_of=AS_OF) == synthetic.build_plan(
        7, patients=300, as_of=AS_OF
    )


def test_it_gives_a_different_plan_for_another_seed():
    one = synthetic.build_plan(7, patients=50, as_of=AS_OF)
    other = synthetic.build_plan(8, patients=50, as_of=AS_OF)
    assert [p.family_name for p in one.patients] != [p.family_name for p in other.patients]
    assert [s.password for s in one.staff] != [s.password for s in other.staff]


def test_a_smaller_plan_is_the_start_of_a_larger_one():
    small = synthetic.build_plan(3, patients=50, as_of=AS_OF)
    large = synthetic.build_plan(3, patients=500, as_of=AS_OF)
    assert small.patients == large.patients[:50]
    assert small.staff == large.staff


def test_staff_credentials_are_derived_from_the_seed_and_are_strong():
    plan = synthetic.build_plan(11, patients=0, as_of=AS_OF)
    for staff in plan.staff:
        assert staff.password == streams.staff_password(11, staff.username)
        assert len(staff.password) >= 16
        password_validation.validate_password(staff.password)
        assert len(bytes.fromhex(staff.totp_key)) == 20
        assert streams.totp_secret_from_hex(staff.totp_key).isalnum()
    assert len({s.password for s in plan.staff}) == len(plan.staff)
    assert len({s.totp_key for s in plan.staff}) == len(plan.staff)


def test_the_totp_secret_gives_the_codes_the_server_expects():
    import pyotp
    from django_otp.oath import TOTP

    key = streams.staff_totp_key(1, "nurse")
    server = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    app = pyotp.TOTP(streams.totp_secret_from_hex(key))
    for t in (1_700_000_000, 1_800_000_000):
        server.time = t
        assert int(app.at(t)) == server.token()
