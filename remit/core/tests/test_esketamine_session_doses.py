"""The esketamine doses allowed at one session, by age, day 1 and the previous dose.

Sources (clinical-reference §4): under 65 the Spravato label (MIMS/RxList,
spravatohcp.com [V]): day 1 56 mg, then 56 or 84 mg. 65 and over: start at 28 mg
(MIMS HK [V2]), then 28, 56 or 84 mg changed in 28 mg steps; a protocol setting
(``dosing.older_adults``) with its source, because the reference rates it [V2].
"""

from __future__ import annotations

import pytest

from remit.core.dosing import (
    EXAMPLE_OLDER_ADULT_SCHEDULE,
    DoseError,
    OlderAdultSchedule,
    check_esketamine_session_dose,
    esketamine_session_doses,
)
from remit.core.protocols import (
    ESKETAMINE_INDUCTION,
    ESKETAMINE_MAINTENANCE,
    EsketamineDosing,
    ProtocolError,
    protocol_from_dict,
)


def test_a_68_year_olds_first_dose_is_28_mg_only() -> None:
    """Clinical-reference §4: age 65 and over start at 28 mg (MIMS HK [V2])."""
    doses = esketamine_session_doses(age=68, first_dose=True, previous_mg=None)
    assert doses.allowed_mg == (28,)
    assert doses.suggested_mg == 28 and doses.older_adult


def test_a_first_dose_of_56_mg_for_a_68_year_old_is_refused_without_an_override() -> None:
    """Clinical-reference §4 (MIMS HK [V2]): 28 mg on day 1 at 65 and over; another dose needs a reason."""
    doses = esketamine_session_doses(age=68, first_dose=True, previous_mg=None)
    with pytest.raises(DoseError) as caught:
        check_esketamine_session_dose(56, doses)
    assert caught.value.field == "dose_mg"
    assert "28 mg" in caught.value.message and "override" in caught.value.message
    checked = check_esketamine_session_dose(56, doses, override_reason="  Tolerated 56 mg elsewhere  ")
    assert checked.overridden and checked.override_reason == "Tolerated 56 mg elsewhere"
    assert checked.devices == 2


def test_a_blank_override_reason_is_no_override() -> None:
    doses = esketamine_session_doses(age=68, first_dose=True, previous_mg=None)
    with pytest.raises(DoseError):
        check_esketamine_session_dose(56, doses, override_reason="   ")


@pytest.mark.parametrize(
    ("previous", "allowed"), [(None, (28, 56, 84)), (28, (28, 56)), (56, (28, 56, 84)), (84, (56, 84))]
)
def test_after_day_1_an_older_adults_dose_changes_28_mg_at_a_time(
    previous: int | None, allowed: tuple[int, ...]
) -> None:
    """65 and over: 28, 56 or 84 mg after day 1, changed in 28 mg steps (clinical-reference §4 [V2])."""
    doses = esketamine_session_doses(age=70, first_dose=False, previous_mg=previous)
    assert doses.allowed_mg == allowed
    if previous is not None:
        assert doses.suggested_mg == previous


def test_under_65_day_1_is_56_mg_then_56_or_84_mg() -> None:
    """Spravato label, TRD adults under 65: day 1 56 mg, then 56 or 84 mg (clinical-reference §4 [V])."""
    assert esketamine_session_doses(age=64, first_dose=True, previous_mg=None).allowed_mg == (56,)
    later = esketamine_session_doses(age=64, first_dose=False, previous_mg=56)
    assert later.allowed_mg == (56, 84) and not later.older_adult
    with pytest.raises(DoseError):
        check_esketamine_session_dose(28, later)


def test_the_older_adult_schedule_follows_the_protocol_setting() -> None:
    """The [V2] schedule is a protocol setting: a clinic's confirmed values are the ones enforced."""
    schedule = OlderAdultSchedule(from_age=70, first_dose_mg=28, dose_options_mg=(28, 56), step_mg=28)
    assert esketamine_session_doses(
        age=68, first_dose=True, previous_mg=None, older_adults=schedule
    ).allowed_mg == (56,)
    assert esketamine_session_doses(
        age=72, first_dose=False, previous_mg=None, older_adults=schedule
    ).allowed_mg == (28, 56)


def test_the_older_adult_source_is_shown_in_plain_words_without_markers() -> None:
    text = esketamine_session_doses(age=68, first_dose=True, previous_mg=None).source
    assert "MIMS Hong Kong" in text and "section 4" in text and "secondary" in text
    assert "[" not in text and "_" not in text


def test_more_than_three_devices_is_refused_even_with_an_override() -> None:
    doses = esketamine_session_doses(age=40, first_dose=False, previous_mg=None)
    with pytest.raises(DoseError) as caught:
        check_esketamine_session_dose(112, doses, override_reason="asked")
    assert "84 mg" in caught.value.message


def test_both_esketamine_templates_carry_the_older_adult_schedule_so_maintenance_offers_28_mg() -> None:
    """Clinical-reference §4 [V2]: the maintenance template offers 28 mg from 65, as an example setting."""
    for protocol in (ESKETAMINE_INDUCTION, ESKETAMINE_MAINTENANCE):
        assert isinstance(protocol.dosing, EsketamineDosing)
        assert protocol.dosing.older_adults == EXAMPLE_OLDER_ADULT_SCHEDULE
        assert "dosing.older_adults" in protocol.examples
        again = protocol_from_dict(protocol.to_dict())
        assert again.dosing == protocol.dosing
    assert isinstance(ESKETAMINE_MAINTENANCE.dosing, EsketamineDosing)
    assert 28 in ESKETAMINE_MAINTENANCE.dosing.older_adults.dose_options_mg


def test_a_definition_saved_before_the_setting_still_enforces_the_older_adult_schedule() -> None:
    data = ESKETAMINE_MAINTENANCE.to_dict()
    del data["dosing"]["older_adults"]
    dosing = protocol_from_dict(data).dosing
    assert isinstance(dosing, EsketamineDosing) and dosing.older_adults == EXAMPLE_OLDER_ADULT_SCHEDULE
    data["dosing"]["first_dose_mg_65_plus"] = 28
    assert protocol_from_dict(data).dosing == dosing


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("first_dose_mg", 30, "dosing.older_adults.first_dose_mg"),
        ("dose_options_mg", [28, "x"], "dosing.older_adults.dose_options_mg[1]"),
        ("source", "MIMS HK [V2]", "dosing.older_adults.source"),
        ("evidence", "maybe", "dosing.older_adults.evidence"),
    ],
)
def test_a_bad_older_adult_setting_is_refused_naming_its_path(key: str, value: object, field: str) -> None:
    data = ESKETAMINE_INDUCTION.to_dict()
    data["dosing"]["older_adults"][key] = value
    with pytest.raises(ProtocolError) as caught:
        protocol_from_dict(data)
    assert caught.value.field == field
