"""The review page: each modality's decision, every reason with its source, what is missing, resistance context."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from remit.audit.models import AuditEvent
from remit.core.screening import RULES_BY_ID
from remit.core.screening.wording import plain_source
from remit.patients.models import AntidepressantTrial
from remit.screening.tests.conftest import TMS_NO, complete_doc, draft, signed
from remit.testing import PermissionMatrix, make_patient


def url(screening):
    return reverse("screening:detail", kwargs={"pk": screening.pk})


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"

    def url(self, world, patient):
        return url(draft(world, patient))


def test_every_fired_rule_shows_its_message_level_and_source(world, patient):
    doc = complete_doc(
        diagnoses=[{"code": "F20.9", "status": "active"}],
        tms_safety={**TMS_NO, "seizure_history": True},
    )
    page = world.client("prescriber").get(url(draft(world, patient, doc))).content.decode()
    for rule_id in ("psychotic_disorder_f20_f29", "tms_seizure_history"):
        rule = RULES_BY_ID[rule_id]
        assert escape(rule.message) in page
        assert escape(plain_source(rule.source)) in page, rule_id
    assert "Contraindicated" in page and "Caution" in page and "Absolute" in page and "Relative" in page


def test_it_lists_what_is_missing(world, patient):
    doc = complete_doc()
    del doc["blood_pressure"]
    page = world.client("nurse").get(url(draft(world, patient, doc))).content.decode()
    assert "Incomplete" in page
    assert "<li>Blood pressure</li>" in page
    assert "blood_pressure" not in page


def test_it_shows_the_failed_trials_and_the_maudsley_stage(world, patient):
    for _ in range(3):
        AntidepressantTrial.objects.create(
            patient=patient,
            drug="x",
            max_daily_dose_mg=Decimal("20"),
            weeks=8,
            adequate=True,
            outcome="no_response",
        )
    screening = draft(
        world,
        patient,
        episode_duration_months=6,
        severity="severe_without_psychosis",
        augmentation_used=True,
        ect_used=False,
    )
    page = world.client("prescriber").get(url(screening)).content.decode()
    # duration 1 + severity 4 + failures 2 (3-4 drugs) + augmentation 1 + ECT 0 = 8, moderate
    assert '<dd class="failed-trials">3</dd>' in page
    assert "Moderate (score 8 of 15)" in page


def test_without_the_episode_data_the_stage_is_not_enough_data(world, patient):
    page = world.client("prescriber").get(url(draft(world, patient))).content.decode()
    assert '<dd class="failed-trials">0</dd>' in page
    assert "not enough data" in page


def test_a_prescriber_sees_the_sign_form_and_a_nurse_does_not(world, patient):
    screening = draft(world, patient)
    assert "Sign screening" in world.client("prescriber").get(url(screening)).content.decode()
    assert "Sign screening" not in world.client("nurse").get(url(screening)).content.decode()


def test_the_signed_page_is_read_only_with_who_signed_and_when(world, patient):
    screening = signed(world, patient)
    page = world.client("prescriber").get(url(screening)).content.decode()
    assert "Sign screening" not in page
    assert 'name="ketamine_iv_decision"' not in page
    assert "Prescriber Persona on" in page
    assert "Accept the result" in page


def test_each_view_writes_one_audit_row(world, patient):
    screening = draft(world, patient)
    before = AuditEvent.objects.filter(action="view").count()
    world.client("nurse").get(url(screening))
    assert AuditEvent.objects.filter(action="view").count() == before + 1


@pytest.mark.parametrize("n_reasons", [0, 1])
def test_its_queries_do_not_grow_with_the_reasons(world, django_assert_max_num_queries, n_reasons):
    patient = make_patient(world.clinic)
    doc = (
        complete_doc(
            diagnoses=[{"code": "F20.9", "status": "active"}, {"code": "F16.20", "status": "active"}]
        )
        if n_reasons
        else complete_doc()
    )
    screening = signed(world, patient, doc)
    client = world.client("prescriber")
    with django_assert_max_num_queries(14):
        assert client.get(url(screening)).status_code == 200


def test_the_sign_off_page_shows_a_coded_diagnosis_that_contradicts_an_explicit_no(world, patient):
    """Spravato contraindication: aneurysmal vascular disease [V] (clinical-reference 4); I67.1 cerebral
    aneurysm, nonruptured (clinical-reference 8.x, ICD-10-CM Tabular List) [V]. The intake says "no" to the
    vascular questions, the diagnosis list holds I67.1: esketamine and ketamine are contraindicated and the
    prescriber sees the contradiction before signing."""
    doc = complete_doc(
        diagnoses=[{"code": "F33.2", "status": "active"}, {"code": "I67.1", "status": "active"}]
    )
    screening = draft(world, patient, doc)
    assert screening.result["esketamine"]["decision"] == "contraindicated"
    page = world.client("prescriber").get(url(screening)).content.decode()
    assert "The record contradicts the intake answers" in page
    assert page.index("The record contradicts the intake answers") < page.index("Sign screening")
    assert "Recorded diagnosis I67.1 (active), read as ICD-10-CM I67.1 cerebral aneurysm, nonruptured" in page
    assert escape('The intake answers "no" to "Aneurysmal vascular disease') in page
    assert "clinical-reference 8.x" in page
    # Plain words for people: no rule ids or fact names, no evidence markers.
    assert "aneurysmal_vascular_disease" not in page
    assert "[V]" not in page and "[V2]" not in page


def test_a_screening_without_contradictions_shows_none(world, patient):
    page = world.client("prescriber").get(url(draft(world, patient))).content.decode()
    assert "The record contradicts the intake answers" not in page
