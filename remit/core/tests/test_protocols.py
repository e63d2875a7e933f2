"""Protocol templates: built-in data matches its sources, and round-trips through plain dicts."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.modality import MODALITIES
from remit.core.protocols import (
    BUILTIN_PROTOCOLS,
    ESKETAMINE_INDUCTION,
    ESKETAMINE_MAINTENANCE,
    KETAMINE_IM_INDUCTION,
    KETAMINE_IV_INDUCTION,
    TMS_10HZ,
    TMS_ACCELERATED_ITBS,
    TMS_ITBS,
    EsketamineDosing,
    KetamineDosing,
    Protocol,
    ProtocolError,
    Stage,
    TmsDosing,
    get_protocol,
    protocol_from_dict,
)


@pytest.mark.parametrize("code", sorted(BUILTIN_PROTOCOLS))
def test_every_built_in_protocol_survives_a_json_round_trip(code: str) -> None:
    protocol = BUILTIN_PROTOCOLS[code]
    plain = json.loads(json.dumps(protocol.to_dict()))
    assert Protocol.from_dict(plain) == protocol


@pytest.mark.parametrize("code", sorted(BUILTIN_PROTOCOLS))
def test_every_built_in_protocol_names_its_source_and_labels_its_examples(code: str) -> None:
    protocol = BUILTIN_PROTOCOLS[code]
    assert protocol.code == code and protocol.source.strip()
    plain = protocol.to_dict()
    for name in protocol.examples:
        node: Any = plain
        for part in name.replace("]", "").replace("[", ".").split("."):
            node = node[int(part)] if part.isdigit() else node[part]
    if protocol.examples:
        assert "[UNVERIFIED]" in protocol.source or "choice" in protocol.source


def test_every_modality_has_an_induction_and_a_maintenance_protocol() -> None:
    """Induction templates plus maintenance/booster sessions for each modality."""
    pairs = {(p.modality, p.phase) for p in BUILTIN_PROTOCOLS.values()}
    assert {(m, phase) for m in MODALITIES for phase in ("induction", "maintenance")} <= pairs


def test_iv_ketamine_induction_is_six_infusions_of_half_a_mg_per_kg_over_40_minutes() -> None:
    """Murrough 2013 (6 infusions, 3x weekly over 12 days); Oliver 2022 (6 in 21 days); 0.5 mg/kg/40 min
    (Fava 2020; Williams 2018; Oliver 2022). Clinical-reference §3 [V]."""
    protocol = KETAMINE_IV_INDUCTION
    assert protocol.planned_sessions == 6 and protocol.modality == "ketamine_iv"
    assert protocol.dosing == KetamineDosing(Decimal("0.5"), 40, Decimal("1.0"))
    assert protocol.stages[0].per_period == 3 and protocol.stages[0].min_days_between >= 2
    assert "Murrough 2013" in protocol.source and "Oliver 2022" in protocol.source
    assert protocol.nonresponse_checkpoint_session == 6
    assert "dosing.max_mg_per_kg" in protocol.examples


def test_im_ketamine_dose_is_a_labelled_example() -> None:
    """IM dosing is not in clinical-reference §3: it must be a labelled clinic setting."""
    protocol = KETAMINE_IM_INDUCTION
    assert isinstance(protocol.dosing, KetamineDosing) and protocol.dosing.infusion_minutes is None
    assert "dosing.mg_per_kg" in protocol.examples and "[UNVERIFIED]" in protocol.source


def test_esketamine_induction_follows_the_label() -> None:
    """Spravato label: weeks 1-4 twice weekly, 56 mg day 1 then 56/84; start 28 mg at 65+ (MIMS HK [V2])."""
    protocol = ESKETAMINE_INDUCTION
    assert protocol.planned_sessions == 8
    assert protocol.stages == (Stage(sessions=8, per_period=2, min_days_between=2, preferred_days_between=3),)
    assert protocol.dosing == EsketamineDosing((56, 84), first_dose_mg=56)
    assert isinstance(protocol.dosing, EsketamineDosing) and protocol.dosing.older_adults.first_dose_mg == 28
    assert protocol.nonresponse_checkpoint_week == 4 and protocol.nonresponse_checkpoint_session == 8


def test_esketamine_maintenance_is_weekly_for_4_weeks_then_every_2_weeks() -> None:
    """Spravato label: weeks 5-8 once weekly; week 9 on every 2 weeks or weekly (clinical-reference §4 [V])."""
    weekly, fortnightly = ESKETAMINE_MAINTENANCE.stages
    assert (weekly.sessions, weekly.per_period, weekly.period_weeks) == (4, 1, 1)
    assert (fortnightly.per_period, fortnightly.period_weeks) == (1, 2)
    assert ESKETAMINE_MAINTENANCE.phase == "maintenance"


def test_tms_10hz_is_3000_pulses_at_120_percent_mt_30_daily_then_a_3_2_1_taper() -> None:
    """O'Reardon 2007 [V] (10 Hz, 120% MT, 3000 pulses); taper 3/2/1 = 36 (clinical-reference §8 [V2])."""
    protocol = TMS_10HZ
    assert protocol.dosing == TmsDosing("10hz", Decimal(10), 3000, Decimal(120), "left DLPFC")
    assert [(s.sessions, s.per_period) for s in protocol.stages] == [(30, 5), (3, 3), (2, 2), (1, 1)]
    assert protocol.planned_sessions == 36 and protocol.nonresponse_checkpoint_session == 20
    assert "O'Reardon 2007" in protocol.source and "[V2]" in protocol.source


def test_itbs_is_600_pulses_and_its_120_percent_intensity_is_labelled_unverified() -> None:
    """THREE-D (Blumberger 2018): 600 pulses [V2]; 120% RMT [UNVERIFIED] (clinical-reference §5)."""
    assert isinstance(TMS_ITBS.dosing, TmsDosing)
    assert TMS_ITBS.dosing.pulses_per_session == 600 and TMS_ITBS.dosing.pattern == "itbs"
    assert "dosing.intensity_pct_mt" in TMS_ITBS.examples and "[UNVERIFIED]" in TMS_ITBS.source


def test_accelerated_itbs_is_ten_sessions_a_day_for_five_days_at_90_percent() -> None:
    """Cole 2020 (SAINT): 10 sessions/day x 5 days, 1800 pulses, 50-min interval, 90% RMT [V]."""
    (stage,) = TMS_ACCELERATED_ITBS.stages
    assert (stage.sessions_per_day, stage.days, stage.gap_minutes) == (10, 5, 50)
    assert isinstance(TMS_ACCELERATED_ITBS.dosing, TmsDosing)
    assert TMS_ACCELERATED_ITBS.dosing.pulses_per_session == 1800
    assert TMS_ACCELERATED_ITBS.dosing.intensity_pct_mt == Decimal(90)


def test_to_dict_holds_only_plain_json_types() -> None:
    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int)

    assert all(plain(p.to_dict()) for p in BUILTIN_PROTOCOLS.values())


def test_an_unknown_protocol_code_is_refused_naming_code() -> None:
    with pytest.raises(ProtocolError) as caught:
        get_protocol("ect")
    assert caught.value.field == "code"


def _edited(**changes: Any) -> dict[str, Any]:
    data = KETAMINE_IV_INDUCTION.to_dict()
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({k: v for k, v in KETAMINE_IV_INDUCTION.to_dict().items() if k != "name"}, "name"),
        (_edited(planned_sessions=7), "planned_sessions"),
        (_edited(modality="ect"), "modality"),
        (_edited(phase="acute"), "phase"),
        (_edited(stages=[{"sessions": "six", "per_period": 3}]), "stages[0].sessions"),
        (_edited(stages=[{"sessions": 6, "per_period": 8}]), "stages[0].per_period"),
        (
            _edited(stages=[{"sessions": 6, "per_period": 3, "sessions_per_day": 2, "gap_minutes": 60}]),
            "stages[0].sessions_per_day",
        ),
        (
            _edited(dosing={"mg_per_kg": "0.5", "infusion_minutes": None, "max_mg_per_kg": "1"}),
            "dosing.infusion_minutes",
        ),
        (
            _edited(dosing={"mg_per_kg": "zero", "infusion_minutes": 40, "max_mg_per_kg": "1"}),
            "dosing.mg_per_kg",
        ),
        (
            _edited(dosing={"mg_per_kg": "1.5", "infusion_minutes": 40, "max_mg_per_kg": "1"}),
            "dosing.mg_per_kg",
        ),
        (_edited(nonresponse_checkpoint_session=9), "nonresponse_checkpoint_session"),
        (_edited(source="  "), "source"),
    ],
)
def test_a_bad_protocol_dict_is_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        protocol_from_dict(data)
    assert caught.value.field == field


def test_an_esketamine_dose_that_is_not_whole_devices_is_refused_in_a_protocol() -> None:
    data = ESKETAMINE_INDUCTION.to_dict()
    data["dosing"]["dose_options_mg"] = [56, 70]
    with pytest.raises(ProtocolError) as caught:
        protocol_from_dict(data)
    assert caught.value.field == "dosing.dose_options_mg[1]"


stages = st.builds(
    lambda sessions, per, weeks, gap, extra: Stage(
        sessions=sessions,
        per_period=per,
        period_weeks=weeks,
        min_days_between=gap,
        preferred_days_between=gap + extra,
    ),
    st.integers(1, 40),
    st.integers(1, 5),
    st.integers(1, 3),
    st.integers(1, 4),
    st.integers(0, 3),
)


@settings(max_examples=40)
@given(
    stage_list=st.lists(stages, min_size=1, max_size=4),
    intensity=st.decimals(min_value=Decimal("50"), max_value=Decimal("140"), places=1),
)
def test_an_edited_protocol_round_trips_through_a_plain_dict(
    stage_list: list[Stage], intensity: Decimal
) -> None:
    protocol = Protocol(
        code="clinic_tms",
        name="Clinic TMS",
        modality="tms",
        phase="induction",
        planned_sessions=sum(s.sessions for s in stage_list),
        stages=tuple(stage_list),
        dosing=TmsDosing("10hz", Decimal(10), 3000, intensity, "left DLPFC"),
        source="clinic edit",
        version=3,
    )
    assert protocol_from_dict(json.loads(json.dumps(protocol.to_dict()))) == protocol
