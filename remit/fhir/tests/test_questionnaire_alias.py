"""A partner's Questionnaire that is a built-in instrument is remembered per clinic by its canonical URL.

``remit instruments import`` of US Core's PHQ-9 Questionnaire stores an alias (URL and version ->
phq9) for the clinic; a later QuestionnaireResponse that names only that URL is then imported and
scored by Remit as the built-in PHQ-9. The aliases are listed on the Integrations page.
"""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.fhir.models import QuestionnaireAlias
from remit.fhir.tests.helpers import load_sample
from remit.fhir.tests.importing import patient, run_import, transaction, write
from remit.measures.models import Assessment

pytestmark = pytest.mark.django_db

US_CORE_URL = "http://hl7.org/fhir/us/core/Questionnaire/phq-9-example"


def import_questionnaire(tmp_path, document, clinic="clinic-a"):
    path = tmp_path / "questionnaire.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = StringIO()
    call_command("instruments", "import", str(path), clinic=clinic, json=True, stdout=out)
    return json.loads(out.getvalue())


def response_alone_bundle():
    response = load_sample("us-core-QuestionnaireResponse-phq-9-example.json")
    assert response["questionnaire"] == US_CORE_URL
    return transaction(patient(), response)


def test_a_response_naming_only_the_url_of_an_imported_phq9_questionnaire_is_imported_and_scored(
    world, tmp_path
):
    summary = import_questionnaire(tmp_path, load_sample("us-core-Questionnaire-phq-9-example.json"))
    assert summary["outcome"] == "matched_builtin" and summary["instrument"] == "phq9"
    assert summary["alias"]["url"] == US_CORE_URL
    alias = QuestionnaireAlias.objects.get()
    assert (alias.clinic, alias.url, alias.version, alias.instrument_code) == (
        world.clinic,
        US_CORE_URL,
        "",
        "phq9",
    )
    created = AuditEvent.objects.get(action="create", object_type="fhir.questionnairealias")
    assert created.detail["url"] == US_CORE_URL and created.clinic_id == world.clinic.pk

    result = run_import(write(tmp_path, response_alone_bundle()), clinic="clinic-a")
    assert result["created"] == {"Patient": 1, "QuestionnaireResponse": 1}
    assessment = Assessment.objects.get()
    assert (assessment.instrument, assessment.total, assessment.band, assessment.valid) == (
        "phq9",
        12,
        "moderate",
        True,
    )
    assert result["mismatches"] == []


def test_without_the_earlier_import_such_a_response_is_refused_naming_the_questionnaire(world, tmp_path):
    with pytest.raises(CommandError):
        run_import(write(tmp_path, response_alone_bundle()), clinic="clinic-a")
    assert Assessment.objects.count() == 0


def test_another_clinics_alias_does_not_apply(world, tmp_path):
    import_questionnaire(tmp_path, load_sample("us-core-Questionnaire-phq-9-example.json"), clinic="clinic-b")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "fhir",
            "import",
            write(tmp_path, response_alone_bundle()),
            clinic="clinic-a",
            stdout=StringIO(),
            stderr=err,
        )
    [issue] = json.loads(err.getvalue())["issue"]
    assert issue["code"] == "not-found" and US_CORE_URL in issue["diagnostics"]


def test_a_versioned_reference_needs_that_version(world, tmp_path):
    questionnaire = copy.deepcopy(load_sample("us-core-Questionnaire-phq-9-example.json"))
    questionnaire["version"] = "2.0"
    import_questionnaire(tmp_path, questionnaire)
    bundle = response_alone_bundle()
    bundle["entry"][1]["resource"]["questionnaire"] = f"{US_CORE_URL}|2.0"
    assert run_import(write(tmp_path, bundle), clinic="clinic-a")["created"]["QuestionnaireResponse"] == 1
    bundle["entry"][1]["resource"]["questionnaire"] = f"{US_CORE_URL}|3.0"
    bundle["entry"][1]["resource"]["authored"] = "2022-11-30T20:50:32Z"
    with pytest.raises(CommandError):
        run_import(write(tmp_path, bundle), clinic="clinic-a")


def test_importing_the_same_questionnaire_again_stores_nothing_new_and_other_content_is_refused(
    world, tmp_path
):
    document = load_sample("us-core-Questionnaire-phq-9-example.json")
    first = import_questionnaire(tmp_path, document)
    again = import_questionnaire(tmp_path, document)
    assert again["alias"]["id"] == first["alias"]["id"]
    assert QuestionnaireAlias.objects.count() == 1
    changed = copy.deepcopy(document)
    changed["title"] = "Another PHQ-9"
    with pytest.raises(CommandError, match="new version"):
        import_questionnaire(tmp_path, changed)
    assert QuestionnaireAlias.objects.count() == 1


def test_a_questionnaire_without_a_url_is_matched_but_nothing_is_remembered(world, tmp_path):
    summary = import_questionnaire(tmp_path, load_sample("lhc-forms-phq9-questionnaire.json"))
    assert summary["outcome"] == "matched_builtin" and summary["alias"] is None
    assert any("no canonical URL" in note for note in summary["notes"])
    assert QuestionnaireAlias.objects.count() == 0


def test_the_integrations_page_lists_the_clinics_questionnaire_aliases_and_not_another_clinics(
    world, tmp_path
):
    import_questionnaire(tmp_path, load_sample("us-core-Questionnaire-phq-9-example.json"))
    other = copy.deepcopy(load_sample("us-core-Questionnaire-phq-9-example.json"))
    other["url"] = "http://other.example.org/Questionnaire/phq9"
    import_questionnaire(tmp_path, other, clinic="clinic-b")
    page = world.client("clinic_admin").get(reverse("fhir:tokens"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Partners’ questionnaires" in html
    assert US_CORE_URL in html and "Patient Health Questionnaire" in html
    assert "other.example.org" not in html
