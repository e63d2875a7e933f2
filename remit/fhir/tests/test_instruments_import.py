"""`remit instruments import FILE --clinic SLUG [--licence-confirmed-by NAME] [--json]`."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from remit.audit.models import AuditEvent
from remit.core.instruments.questionnaire import score_response
from remit.core.tests.instruments.questionnaire_samples import sleep_questionnaire, sleep_response
from remit.fhir.models import ImportedInstrument, InstrumentWording
from remit.fhir.tests.helpers import load_sample

pytestmark = pytest.mark.django_db


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def run(*args, **options):
    from io import StringIO

    out = StringIO()
    call_command("instruments", "import", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    "sample", ["us-core-Questionnaire-phq-9-example.json", "lhc-forms-phq9-questionnaire.json"]
)
def test_both_phq9_samples_map_onto_the_built_in_phq9(world, tmp_path, sample):
    path = write(tmp_path, sample, load_sample(sample))
    summary = json.loads(run(path, clinic="clinic-a", json=True))
    assert summary["outcome"] == "matched_builtin"
    assert summary["instrument"] == "phq9"
    assert summary["matched_by"] == "loinc_panel"
    assert sorted(summary["item_map"].values()) == sorted(f"q{n}" for n in range(1, 11))
    assert summary["total_link_id"] == "/44261-6"
    assert summary["unmapped_items"] == []
    assert InstrumentWording.objects.count() == 0 and ImportedInstrument.objects.count() == 0


def test_licensed_wording_is_refused_without_a_licence_confirmation(world, tmp_path):
    path = write(tmp_path, "auditc.json", load_sample("us-core-Questionnaire-AUDIT-C.json"))
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="--licence-confirmed-by"):
        run(path, clinic="clinic-a")
    assert InstrumentWording.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_licensed_wording_is_attached_with_a_licence_confirmation_and_audited(world, tmp_path):
    path = write(tmp_path, "auditc.json", load_sample("us-core-Questionnaire-AUDIT-C.json"))
    summary = json.loads(run(path, clinic="clinic-a", licence_confirmed_by="Dr Medical Director", json=True))
    assert summary["outcome"] == "wording_attached"
    assert summary["instrument"] == "auditc"
    assert summary["item_map"] == {"/68519-8": "q2", "/68520-6": "q3"}
    assert summary["unmapped_items"] == ["q1"]
    row = InstrumentWording.objects.get()
    assert row.clinic == world.clinic
    assert row.instrument_code == "auditc"
    assert row.licence_confirmed_by == "Dr Medical Director"
    assert row.source == "http://hl7.org/fhir/us/core/Questionnaire/AUDIT-C"
    assert row.wording == {
        "q2": "How many standard drinks containing alcohol do you have on a typical day",
        "q3": "How often do you have 6 or more drinks on 1 occasion",
    }
    assert InstrumentWording.current(world.clinic, "auditc") == row.wording
    assert InstrumentWording.current(world.other_clinic, "auditc") is None
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_id, event.actor_label) == ("create", None, "remit instruments import")
    assert (event.object_type, event.object_id, event.clinic_id) == (
        "fhir.instrumentwording",
        str(row.pk),
        world.clinic.pk,
    )


def test_a_made_up_questionnaire_becomes_a_new_instrument_scored_by_sum(world, tmp_path):
    path = write(tmp_path, "sleep.json", sleep_questionnaire())
    output = run(path, clinic="clinic-a")
    assert "Registered new instrument sleepmini with 3 item(s)." in output
    row = ImportedInstrument.objects.get()
    assert (row.clinic, row.code, row.source_url) == (
        world.clinic,
        "sleepmini",
        "http://example.org/fhir/Questionnaire/sleep-mini",
    )
    assert row.source_questionnaire == sleep_questionnaire()
    scored = score_response(
        row.source_questionnaire, sleep_response(2, 3, 0, total=5), instrument=row.instrument()
    )
    assert scored.result.total == 5 and scored.mismatch is None
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_label, event.object_type) == (
        "create",
        "remit instruments import",
        "fhir.importedinstrument",
    )


def test_the_same_code_twice_in_a_clinic_is_refused_but_another_clinic_may_use_it(world, tmp_path):
    path = write(tmp_path, "sleep.json", sleep_questionnaire())
    run(path, clinic="clinic-a")
    with pytest.raises(CommandError, match="already an instrument"):
        run(path, clinic="clinic-a")
    run(path, clinic="clinic-b")
    run(path, clinic="clinic-a", code="sleep_v2")
    assert sorted(ImportedInstrument.objects.values_list("clinic__slug", "code")) == [
        ("clinic-a", "sleep_v2"),
        ("clinic-a", "sleepmini"),
        ("clinic-b", "sleepmini"),
    ]


def test_an_unknown_clinic_is_refused(world, tmp_path):
    path = write(tmp_path, "sleep.json", sleep_questionnaire())
    with pytest.raises(CommandError, match="no clinic"):
        run(path, clinic="nowhere")


def test_a_file_that_is_not_a_questionnaire_is_refused_naming_it(world, tmp_path):
    path = write(tmp_path, "response.json", load_sample("us-core-QuestionnaireResponse-phq-9-example.json"))
    with pytest.raises(CommandError, match="expected a Questionnaire"):
        run(path, clinic="clinic-a")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not a JSON file"):
        run(str(bad), clinic="clinic-a")
    assert ImportedInstrument.objects.count() == 0
