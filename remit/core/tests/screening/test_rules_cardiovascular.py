"""Blood pressure, vascular disease and intracranial pressure rules."""

from __future__ import annotations

import pytest

from remit.core.screening import RULES_BY_ID, ScreeningSettings
from remit.core.tests.screening.intakes import decisions, expect, fired, with_


@pytest.mark.parametrize(("systolic", "diastolic"), [(141, 80), (130, 91), (180, 110)])
def test_blood_pressure_above_the_clinic_limit_is_a_ketamine_caution(systolic: int, diastolic: int) -> None:
    """Spravato label as quoted: if BP is elevated (e.g. > 140/90) weigh the rise against benefit [V2]
    (clinical-reference 4, 8); ketamine label BP hazard [V2] (clinical-reference 3)."""
    doc = with_(blood_pressure={"systolic": systolic, "diastolic": diastolic})
    assert decisions(doc) == expect("caution")
    assert fired(doc)["esketamine"] == {"blood_pressure_above_limit"}


def test_blood_pressure_at_the_limit_is_not_above_it() -> None:
    """ "> 140/90" is the example wording (clinical-reference 8) [V2]."""
    assert decisions(with_(blood_pressure={"systolic": 140, "diastolic": 90})) == expect("eligible")


def test_the_blood_pressure_limit_is_the_clinics_setting() -> None:
    """The label sets no hard number; the limit is a clinic setting (clinical-reference 8)."""
    doc = with_(blood_pressure={"systolic": 150, "diastolic": 95})
    assert decisions(doc) == expect("caution")
    assert decisions(doc, ScreeningSettings(bp_systolic_limit=160, bp_diastolic_limit=100)) == expect(
        "eligible"
    )


@pytest.mark.parametrize(
    "fact", ["aneurysmal_vascular_disease", "arteriovenous_malformation", "intracerebral_haemorrhage_history"]
)
def test_vascular_contraindications_on_the_esketamine_label_rule_out_esketamine_and_ketamine(
    fact: str,
) -> None:
    """Spravato contraindications: aneurysmal vascular disease, AVM, intracerebral haemorrhage [V]
    (clinical-reference 4); mirrored for IV ketamine, a clinic decision (clinical-reference 3)."""
    doc = with_(vascular={fact: True})
    assert decisions(doc) == expect("contraindicated")
    assert fired(doc)["esketamine"] == {f"{fact}_esketamine"}
    assert fired(doc)["ketamine_iv"] == {f"{fact}_ketamine"}
    assert RULES_BY_ID[f"{fact}_esketamine"].label_mandated
    assert not RULES_BY_ID[f"{fact}_ketamine"].label_mandated


def test_raised_intracranial_pressure_contraindicates_every_modality() -> None:
    """Spravato: do not give if a rise in ICP is a serious risk [V2] (clinical-reference 4, 8); IFCN summary
    lists raised ICP as a TMS contraindication [V2] (clinical-reference 5)."""
    doc = with_(vascular={"raised_intracranial_pressure": True})
    assert decisions(doc) == expect("contraindicated", tms="contraindicated")
    assert fired(doc)["ketamine_iv"] == {"raised_intracranial_pressure"}
    assert fired(doc)["tms"] == {"raised_intracranial_pressure_tms"}
