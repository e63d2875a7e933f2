"""45 CFR 170.315(d)(4) Amendments: a patient's request to amend their record, accepted (appended and
linked, the original kept) or denied with a reason, then the patient's statement of disagreement and
the clinic's rebuttal, shown with the part they concern and sent with the record (FHIR, progress PDF).
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from remit.amendments import actions
from remit.amendments.models import AmendmentRequest
from remit.amendments.tests.helpers import denied_request, diagnosis_request, disputed_request
from remit.audit.models import AuditEvent
from remit.fhir.export import export_bundle
from remit.measures.tests.conftest import make_link, portal_patient, verified_client
from remit.patients.models import Diagnosis
from remit.reports.progress import progress_content
from remit.testing import make_patient

pytestmark = pytest.mark.django_db


def record_url(token: str) -> str:
    return reverse("portal_record:record", kwargs={"token": token})


def chart(world, patient, persona="prescriber") -> str:
    return world.client(persona).get(reverse("patients:detail", args=[patient.pk])).content.decode()


def test_a_patient_asks_to_amend_a_diagnosis_from_the_portal_and_it_is_due_in_sixty_days(world):
    patient = portal_patient(world.clinic)
    diagnosis = Diagnosis.objects.create(patient=patient, code="F33.2", description="Recurrent depression")
    _link, token = make_link(patient)
    client = verified_client(token)
    # The portal's last page offers it; the page lists the patient's own record parts.
    page = client.get(record_url(token)).content.decode()
    assert f'value="diagnosis:{diagnosis.pk}"' in page and "Diagnosis F33.2 Recurrent depression" in page
    response = client.post(
        record_url(token), {"part": f"diagnosis:{diagnosis.pk}", "text": "It was one episode."}
    )
    assert response.status_code == 302
    amendment = AmendmentRequest.objects.get()
    assert (amendment.part, amendment.diagnosis, amendment.requested_via) == (
        "diagnosis",
        diagnosis,
        "portal",
    )
    assert amendment.requested_by is None and amendment.status == "open"
    assert amendment.due_on == timezone.localdate() + dt.timedelta(days=60)
    event = AuditEvent.objects.get(action="create", object_type="amendments.amendmentrequest")
    assert (event.actor_label, event.patient_id) == ("patient portal", patient.pk)
    assert "It was one episode" not in json.dumps(event.detail)  # the free text stays on the request
    followed = client.get(response["Location"]).content.decode()
    assert "Your request was sent to your clinic" in followed and "It was one episode." in followed


def test_the_portal_page_needs_the_date_of_birth_confirmed_in_this_browser(world):
    patient = portal_patient(world.clinic)
    _link, token = make_link(patient)
    response = Client().get(record_url(token))
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:open", kwargs={"token": token}
    )
    assert Client().get(record_url("no-such-token")).status_code == 404
    assert AmendmentRequest.objects.count() == 0


def test_the_portal_cannot_name_another_patients_record_part(world):
    patient = portal_patient(world.clinic)
    other = make_patient(world.clinic)
    theirs = Diagnosis.objects.create(patient=other, code="F41.1")
    _link, token = make_link(patient)
    response = verified_client(token).post(record_url(token), {"part": f"diagnosis:{theirs.pk}", "text": "x"})
    assert response.status_code == 400 and AmendmentRequest.objects.count() == 0


def test_staff_ask_on_the_patients_behalf_from_the_chart(world):
    patient = make_patient(world.clinic)
    assert reverse("amendments:new", args=[patient.pk]) in chart(world, patient, "nurse")
    response = world.client("nurse").post(
        reverse("amendments:new", args=[patient.pk]),
        {"part": "demographics", "text": "Her date of birth is 1980-05-18, not the 17th."},
    )
    assert response.status_code == 302
    amendment = AmendmentRequest.objects.get()
    assert (amendment.requested_via, amendment.requested_by) == ("staff", world.users["nurse"])
    page = chart(world, patient)
    assert "Demographics (name, date of birth, contact details)" in page
    assert "Her date of birth is 1980-05-18" in page and "Waiting for a decision" in page


def test_front_desk_may_ask_about_demographics_only(world):
    patient = make_patient(world.clinic)
    diagnosis = Diagnosis.objects.create(patient=patient, code="F33.2")
    form = world.client("front_desk").get(reverse("amendments:new", args=[patient.pk])).content.decode()
    assert "F33.2" not in form
    with pytest.raises(ValidationError) as refused:
        actions.request_amendment(
            patient, part=f"diagnosis:{diagnosis.pk}", text="x", actor=world.users["front_desk"]
        )
    assert "demographics only" in str(refused.value)


def test_accepting_appends_the_amendment_keeps_the_original_and_marks_it_amended(world):
    patient = make_patient(world.clinic)
    amendment = diagnosis_request(world, patient)
    diagnosis = amendment.diagnosis
    response = world.client("prescriber").post(
        reverse("amendments:decide", args=[amendment.pk]),
        {"decision": "accept", "amendment_text": "Single episode (F32.2), not recurrent."},
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == "accepted" and amendment.decided_by == world.users["prescriber"]
    assert amendment.amendment_text == "Single episode (F32.2), not recurrent."
    # The original is kept as it was, and linked.
    diagnosis.refresh_from_db()
    assert (diagnosis.code, diagnosis.description, diagnosis.voided_at) == (
        "F33.2",
        "Major depressive disorder, recurrent severe",
        None,
    )
    assert amendment.diagnosis_id == diagnosis.pk
    page = chart(world, patient)
    assert "Amended</span>" in page and f"#amendment-{amendment.pk}" in page
    assert "Kept as it was: Diagnosis F33.2" in page and "Single episode (F32.2), not recurrent." in page
    event = AuditEvent.objects.filter(object_type="amendments.amendmentrequest", action="update").get()
    assert event.detail["decision"] == "accepted" and event.actor == world.users["prescriber"]


def test_a_denial_needs_a_written_reason(world):
    patient = make_patient(world.clinic)
    amendment = diagnosis_request(world, patient)
    response = world.client("prescriber").post(
        reverse("amendments:decide", args=[amendment.pk]), {"decision": "deny", "reason": "  "}
    )
    assert response.status_code == 200
    assert "A denial needs a written reason the patient will read." in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == "open"
    with pytest.raises(ValidationError):
        actions.deny(amendment, actor=world.users["prescriber"], reason="")


def test_only_a_prescriber_decides_and_a_decision_is_made_once(world):
    patient = make_patient(world.clinic)
    amendment = diagnosis_request(world, patient)
    assert (
        world.client("nurse")
        .post(reverse("amendments:decide", args=[amendment.pk]), {"decision": "deny", "reason": "x"})
        .status_code
        == 403
    )
    actions.deny(amendment, actor=world.users["prescriber"], reason="Supported by the intake.")
    with pytest.raises(ValidationError):
        actions.accept(amendment, actor=world.users["prescriber"], amendment_text="x")
    assert (
        world.client("prescriber").get(reverse("amendments:decide", args=[amendment.pk])).status_code == 409
    )


def test_after_a_denial_the_patient_adds_a_disagreement_on_the_portal_and_it_shows_on_the_chart(world):
    patient = portal_patient(world.clinic)
    amendment = denied_request(world, patient)
    _link, token = make_link(patient)
    client = verified_client(token)
    page = client.get(record_url(token)).content.decode()
    assert "The diagnosis is supported by the intake interview." in page
    url = reverse("portal_record:disagree", kwargs={"token": token, "pk": amendment.pk})
    assert url in page
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "I only had one episode, in 2019."}).status_code == 302
    amendment.refresh_from_db()
    assert amendment.disagreement_via == "portal" and amendment.disagreement_by is None
    # A statement is added once.
    with pytest.raises(ValidationError):
        actions.add_disagreement(amendment, text="again")
    chart_page = chart(world, patient)
    assert "Statement of disagreement" in chart_page and "I only had one episode, in 2019." in chart_page
    assert reverse("amendments:rebuttal", args=[amendment.pk]) in chart_page
    world.client("prescriber").post(
        reverse("amendments:rebuttal", args=[amendment.pk]), {"text": "Two episodes are documented."}
    )
    amendment.refresh_from_db()
    assert amendment.rebuttal_text == "Two episodes are documented."
    assert "Two episodes are documented." in chart(world, patient)


def test_a_disagreement_only_follows_a_denial(world):
    amendment = diagnosis_request(world, make_patient(world.clinic))
    with pytest.raises(ValidationError):
        actions.add_disagreement(amendment, text="I disagree")


def test_the_fhir_export_carries_the_request_decision_and_statements_linked_to_the_condition(world, tmp_path):
    patient = make_patient(world.clinic)
    amendment = disputed_request(world, patient)
    actions.add_rebuttal(amendment, actor=world.users["prescriber"], text="Two episodes are documented.")
    out = tmp_path / "bundle.json"
    export_bundle(patient, out)
    resources = [e["resource"] for e in json.loads(out.read_text())["entry"]]
    (document,) = [r for r in resources if r["resourceType"] == "DocumentReference"]
    assert document["id"] == f"amendment-{amendment.pk}"
    assert document["subject"]["reference"] == f"Patient/{patient.pk}"
    assert document["context"]["related"] == [{"reference": f"Condition/{amendment.diagnosis_id}"}]
    text = base64.b64decode(document["content"][0]["attachment"]["data"]).decode()
    assert "I was never diagnosed with this." in text
    assert "Reason: The diagnosis is supported by the intake interview." in text
    assert "Statement of disagreement" in text and "I only had one episode." in text
    assert "rebuttal" in text and "Two episodes are documented." in text
    # The Condition it concerns goes out unchanged beside it.
    (condition,) = [r for r in resources if r["resourceType"] == "Condition"]
    assert (
        condition["id"] == str(amendment.diagnosis_id) and condition["code"]["coding"][0]["code"] == "F33.2"
    )


def test_the_progress_pdf_lists_the_request_denial_and_disagreement(world):
    patient = make_patient(world.clinic)
    disputed_request(world, patient)
    lines = [value for kind, value, _ in progress_content(patient) if kind in ("line", "heading")]
    text = "\n".join(lines)
    assert "Requests to amend the record" in text
    assert "Diagnosis F33.2 Major depressive disorder, recurrent severe: denied" in text
    assert "Reason: The diagnosis is supported by the intake interview." in text
    assert "Patient's statement of disagreement" in text and "I only had one episode." in text
    pdf = world.client("prescriber").get(reverse("reports:progress_pdf", args=[patient.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_queue_shows_open_requests_by_due_date_and_says_which_are_overdue(world):
    patient = make_patient(world.clinic)
    late = diagnosis_request(world, patient, text="late one")
    AmendmentRequest.objects.filter(pk=late.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=61),
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    fresh = diagnosis_request(world, patient, text="fresh one")
    decided = diagnosis_request(world, patient, text="decided one")
    actions.deny(decided, actor=world.users["prescriber"], reason="Accurate.")
    theirs = actions.request_amendment(
        make_patient(world.other_clinic), part="demographics", text="other clinic"
    )
    page = world.client("prescriber").get(reverse("amendments:queue")).content.decode()
    assert "1 overdue" in page and "Overdue</span>" in page
    assert page.index(f"/amendments/{late.pk}/decide/") < page.index(f"/amendments/{fresh.pk}/decide/")
    assert f"/amendments/{decided.pk}/decide/" not in page and f"/amendments/{theirs.pk}/decide/" not in page
    assert "(60 days left)" in page
    assert "Overdue" in chart(world, patient)
