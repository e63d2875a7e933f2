"""45 CFR 170.315(d)(6) Emergency access: permit an identified set of users to access electronic health
information during an emergency.

In Remit the identified users are the clinical roles (prescriber, nurse, TMS technician). A clinician
of clinic B opens a patient of clinic A ("break the glass") by naming the clinic, the patient's exact
record number and date of birth, and a written reason. The access is read-only, ends by itself after
REMIT_EMERGENCY_ACCESS_MINUTES, can be ended early, alerts clinic A at once, and every page read under it
is audited as such and highlighted on clinic A's audit report.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from remit.accounts import roles as R
from remit.alerts.models import Alert
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.measures.models import Assessment
from remit.patients.models import (
    Allergy,
    AntidepressantTrial,
    Diagnosis,
    EmergencyAccess,
    Medication,
    Patient,
    WeightEntry,
)
from remit.testing import browser_sign_in, login, make_patient, make_user
from remit.treatment.tests.factories import make_course

FORM = "/patients/emergency-access/"
REASON = "Patient arrived in crisis at our clinic; their own clinic is closed this weekend"
DOB = date(1975, 2, 14)

# The patient pages a clinician may read under emergency access (GET only); every other URL of the
# patient must refuse. Ending one's own emergency access is the one change the grant's holder may make.
READABLE = {
    "patients:detail",
    "screening:patient",
    "treatment:patient_courses",
    "measures:patient",
    "reports:patient",
}
THE_WAY_OUT = {"patients:emergency_access_end"}


@pytest.fixture
def patient(world):
    return make_patient(
        world.clinic, mrn="A-1042", given_name="Wilma", family_name="Weekend", date_of_birth=DOB
    )


@pytest.fixture
def nurse_b(world):
    return make_user("nurse_b", [R.NURSE], [world.other_clinic])


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def break_glass(client, world, *, mrn="A-1042", dob=DOB, reason=REASON, clinic=None, confirm=True):
    data = {
        "clinic": (clinic or world.clinic).pk,
        "mrn": mrn,
        "date_of_birth": dob.isoformat(),
        "reason": reason,
    }
    if confirm:
        data["confirm"] = "on"
    return client.post(FORM, data)


# --- 1. opening a patient of another clinic ----------------------------------------------------


def test_a_nurse_of_clinic_b_opens_a_clinic_a_patient_by_giving_a_reason(world, patient, nurse_b):
    client = login(world.client("anonymous"), nurse_b)
    chart = reverse("patients:detail", args=[patient.pk])
    assert client.get(chart).status_code == 404  # before: another clinic's patient does not exist for her

    form = client.get(FORM)
    assert form.status_code == 200
    html = form.content.decode()
    assert "is told at once" in html and "read-only" in html
    assert "Clinic A" in html and "Weekend" not in html  # the clinics are offered, never a patient

    response = break_glass(client, world)
    assert response.status_code == 302 and response["Location"] == chart
    access = EmergencyAccess.objects.get()
    assert (access.user, access.patient, access.reason) == (nurse_b, patient, REASON)

    page = client.get(chart)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Weekend, Wilma" in body
    assert "Emergency access" in body and "read-only until" in body  # the banner, with the way out
    assert reverse("patients:emergency_access_end", args=[patient.pk]) in body


def test_without_a_reason_or_the_confirmation_nothing_opens(world, patient, nurse_b):
    client = login(world.client("anonymous"), nurse_b)
    for reason in ["", "   ", "emergency", "need it now"]:
        response = break_glass(client, world, reason=reason)
        assert response.status_code == 200
        assert "Write why you need this patient" in text(response)
    response = break_glass(client, world, confirm=False)
    assert "Confirm that you understand" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 404


def test_only_the_exact_record_number_and_date_of_birth_open_a_patient_and_nothing_is_listed(
    world, patient, nurse_b
):
    """Finding the patient: clinic + exact MRN + exact date of birth, one patient or none, never a list."""
    make_patient(world.clinic, mrn="A-10420", given_name="Near", family_name="Miss", date_of_birth=DOB)
    client = login(world.client("anonymous"), nurse_b)
    for mrn, dob in [("A-104", DOB), ("A-1042", DOB + timedelta(days=1)), ("", DOB)]:
        response = break_glass(client, world, mrn=mrn, dob=dob)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Weekend" not in html and "Miss" not in html
    assert not EmergencyAccess.objects.exists()
    misses = AuditEvent.objects.filter(action=audit.SEARCH, object_type="patients.emergencyaccess")
    assert (
        misses.count() == 2
    )  # the blank MRN is refused by the form; each real miss is recorded for clinic A
    assert set(misses.values_list("clinic_id", flat=True)) == {world.clinic.pk}

    # Guessing at speed is stopped: after five misses in an hour, even the right answer must wait.
    for n in range(3):
        break_glass(client, world, mrn=f"A-9{n}")
    response = break_glass(client, world)
    assert "searches in the last hour found nobody" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_the_match_is_case_blind_on_the_record_number_and_a_second_request_reuses_the_grant(
    world, patient, nurse_b
):
    client = login(world.client("anonymous"), nurse_b)
    assert break_glass(client, world, mrn=" a-1042 ").status_code == 302
    assert break_glass(client, world).status_code == 302
    assert EmergencyAccess.objects.count() == 1
    assert Alert.objects.filter(kind="emergency_access").count() == 1


# --- 5. who may break the glass -------------------------------------------------------------------


@pytest.mark.parametrize("role", [R.FRONT_DESK, R.CLINIC_ADMIN])
def test_front_desk_and_clinic_administrators_cannot_break_the_glass(world, patient, role):
    user = make_user(f"{role}_b", [role], [world.other_clinic])
    client = login(world.client("anonymous"), user)
    assert client.get(FORM).status_code == 403
    assert break_glass(client, world).status_code == 403
    assert not EmergencyAccess.objects.exists()
    # A grant made behind their back (as by a role change) opens nothing for a non-clinical role either.
    EmergencyAccess.objects.create(
        user=user,
        patient=patient,
        reason=REASON,
        granted_at=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=60),
    )
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 404


def test_a_member_of_the_patients_clinic_does_not_need_it(world, patient):
    client = world.client("nurse")  # a nurse of clinic A
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    response = break_glass(client, world)
    assert response.status_code == 200
    assert "your own clinic's patients are on the Patients page" in text(response)
    assert not EmergencyAccess.objects.exists()
    options = re.search(r'<select name="clinic".*?</select>', response.content.decode(), flags=re.S)
    assert options is not None and "Clinic B" in options.group(0) and "Clinic A" not in options.group(0)


def test_another_clinicians_grant_opens_nothing_for_me(world, patient, nurse_b):
    break_glass(login(world.client("anonymous"), nurse_b), world)
    colleague = make_user("prescriber_b", [R.PRESCRIBER], [world.other_clinic])
    client = login(world.client("anonymous"), colleague)
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 404
    assert client.post(reverse("patients:emergency_access_end", args=[patient.pk])).status_code == 404
    assert EmergencyAccess.objects.get().is_active()


# --- 2. read-only, on every URL of the patient ------------------------------------------------------


def patient_url_patterns() -> list[tuple[str, str, URLPattern]]:
    """(name, full route, pattern) of every named URL whose route names a patient by ``patients/<int:pk>/``."""
    found = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                walk(entry, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                if "patients/<int:pk>/" in route:
                    found.append((f"{namespace}:{entry.name}", route, entry))

    walk(get_resolver(), "", "")
    return found


@pytest.fixture
def full_chart(world, patient):
    """The patient with a record of every kind a patient URL can name."""
    nurse = world.users["nurse"]
    records = {
        "weights": WeightEntry.objects.create(
            patient=patient, measured_on=date(2030, 1, 2), weight_kg=Decimal("70")
        ),
        "diagnoses": Diagnosis.objects.create(patient=patient, code="F33.2", description="MDD, recurrent"),
        "trials": AntidepressantTrial.objects.create(
            patient=patient,
            drug="sertraline",
            max_daily_dose_mg=Decimal("200"),
            weeks=8,
            adequate=True,
            outcome="no_response",
        ),
        "medications": Medication.objects.create(patient=patient, name="lithium"),
        "allergies": Allergy.objects.create(patient=patient, substance="latex"),
    }
    assessment = Assessment.objects.create(
        patient=patient,
        instrument="phq9",
        instrument_version="1",
        answers={},
        total=19,
        respondent="patient",
        entered_by=nurse,
    )
    course = make_course(patient, "ketamine_iv", world.users["prescriber"])
    return records, assessment, course


def fill(route: str, pattern: URLPattern, patient, full_chart) -> dict:
    records, assessment, course = full_chart
    kwargs = {}
    for name in pattern.pattern.converters:
        if name == "pk":
            kwargs[name] = patient.pk
        elif name == "record_pk":
            kind = re.search(r"<int:pk>/(\w+)/<int:record_pk>", route).group(1)
            kwargs[name] = records[kind].pk
        elif name == "assessment_pk":
            kwargs[name] = assessment.pk
        elif name == "course_pk":
            kwargs[name] = course.pk
        elif name == "code":
            kwargs[name] = "madrs"
        else:
            raise AssertionError(f"{route}: say how to fill <{name}> so the URL is tested, not skipped")
    return kwargs


def snapshot(patient) -> dict:
    """What an editing page could change: the patient, and the row count of every clinical table."""
    counts = {}
    for label in ("patients", "measures", "screening", "treatment", "decision", "alerts"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model.objects.count()
    return {"patient": model_to_dict(Patient.objects.get(pk=patient.pk)), "counts": counts}


def test_every_url_of_the_patient_but_the_reading_pages_refuses_under_emergency_access(
    world, patient, nurse_b, full_chart
):
    client = login(world.client("anonymous"), nurse_b)
    assert break_glass(client, world).status_code == 302
    patterns = patient_url_patterns()
    names = {name for name, _, _ in patterns}
    assert READABLE | THE_WAY_OUT <= names  # the list below is the URL map's, not a hand-picked one
    assert len(names - READABLE - THE_WAY_OUT) >= 15

    before = snapshot(patient)
    refused_urls = []
    for name, route, pattern in patterns:
        if name in THE_WAY_OUT:
            continue
        url = reverse(name, kwargs=fill(route, pattern, patient, full_chart))
        post = client.post(url, {"reason": "trying to change it", "note": "x", "name": "x"})
        assert post.status_code in (403, 405), (name, post.status_code)
        capability = getattr(pattern.callback, "required_capability", None)
        if post.status_code == 403 and (
            capability is None or R.can(nurse_b.roles_in(world.other_clinic), capability)
        ):
            assert "read-only" in text(post), name
        get = client.get(url)
        if name in READABLE:
            assert get.status_code == 200, (name, get.status_code)
        else:
            assert get.status_code in (403, 405), (name, get.status_code)
            capability = getattr(pattern.callback, "required_capability", None)
            if get.status_code == 403 and (
                capability is None or R.can(nurse_b.roles_in(world.other_clinic), capability)
            ):
                # Her role would allow the page at her own clinic: the refusal says why in plain words.
                words = text(get)
                assert "Read-only under emergency access" in words, name
                assert "read-only" in words and "Ask a member of Clinic A" in words, name
            refused_urls.append(url)
    assert snapshot(patient) == before

    # The reading pages offer nothing that changes the record: no link or form to a refused URL,
    # and no form that posts anywhere but signing out and ending the emergency access.
    allowed_posts = {reverse("accounts:logout"), reverse("patients:emergency_access_end", args=[patient.pk])}
    for name, route, pattern in patterns:
        if name not in READABLE:
            continue
        html = client.get(reverse(name, kwargs=fill(route, pattern, patient, full_chart))).content.decode()
        for url in refused_urls:
            assert f'"{url}' not in html, (name, url)
        for form in re.findall(r"<form[^>]*>", html):
            if 'method="post"' in form:
                action = re.search(r'action="([^"]*)"', form)
                assert action is not None and action.group(1) in allowed_posts, (name, form)
    chart = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "Edit details" not in chart
    assert f'href="{reverse("measures:follow_up")}"' in chart  # her own navigation is unchanged


def test_the_same_pages_still_offer_editing_to_the_patients_own_clinic(world, patient, full_chart):
    html = world.client("nurse").get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "Edit details" in html and reverse("patients:add_diagnosis", args=[patient.pk]) in html


# --- 2. time-limited --------------------------------------------------------------------------------


def test_it_ends_by_itself_after_the_settings_minutes(world, patient, nurse_b, settings, monkeypatch):
    settings.REMIT_EMERGENCY_ACCESS_MINUTES = 30
    client = login(world.client("anonymous"), nurse_b)
    break_glass(client, world)
    access = EmergencyAccess.objects.get()
    assert access.expires_at - access.granted_at == timedelta(minutes=30)
    chart = reverse("patients:detail", args=[patient.pk])
    real_now = timezone.now

    # Move the clock on (signing in again, as the idle time-out would otherwise have signed her out).
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=29))
    assert login(client, nurse_b).get(chart).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=30, seconds=1))
    assert login(client, nurse_b).get(chart).status_code == 404
    assert 'class="emergency-banner"' not in client.get(reverse("patients:list")).content.decode()


def test_the_clinician_can_end_it_early(world, patient, nurse_b):
    client = login(world.client("anonymous"), nurse_b)
    break_glass(client, world)
    chart = reverse("patients:detail", args=[patient.pk])
    assert client.get(chart).status_code == 200
    response = client.post(reverse("patients:emergency_access_end", args=[patient.pk]), follow=True)
    assert "Emergency access to Wilma Weekend has ended." in response.content.decode()
    assert client.get(chart).status_code == 404
    access = EmergencyAccess.objects.get()
    assert access.ended_at is not None and not access.is_active()
    ended = AuditEvent.objects.get(action=audit.UPDATE, object_type="patients.emergencyaccess")
    assert ended.detail[audit.EMERGENCY_ACCESS] == access.pk and ended.clinic_id == world.clinic.pk


# --- 3. the patient's clinic is alerted at once --------------------------------------------------


def test_clinic_a_is_alerted_at_once_and_its_administrator_is_messaged(
    world, patient, nurse_b, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = world.users["clinic_admin"]
    admin.email = "admin.a@clinic-a.invalid"
    admin.save()
    nurse_b.first_name, nurse_b.last_name = "Nora", "Bee"
    nurse_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        break_glass(login(world.client("anonymous"), nurse_b), world)

    alert = Alert.objects.get(kind="emergency_access")
    access = EmergencyAccess.objects.get()
    assert (alert.clinic, alert.patient, alert.severity, alert.status) == (
        world.clinic,
        patient,
        "high",
        "open",
    )
    opened = timezone.localtime(access.granted_at)
    for words in ["Nora Bee", "Nurse", "Clinic B", f"{opened:%Y-%m-%d at %H:%M}", REASON]:
        assert words in alert.reason
    # It is in clinic A's inbox, where its clinicians read it, and not in clinic B's.
    inbox = world.client("prescriber").get(reverse("alerts:inbox")).content.decode()
    assert "Emergency access from another clinic" in inbox
    detail = world.client("prescriber").get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "Nora Bee" in detail and REASON in detail and "Weekend, Wilma" in detail
    other = make_user("nurse_b2", [R.NURSE], [world.other_clinic])
    other_inbox = login(world.client("anonymous"), other).get(reverse("alerts:inbox")).content.decode()
    assert "Weekend, Wilma" not in other_inbox and REASON not in other_inbox

    # Clinic A's administrator is messaged, with no patient data in the message.
    sent = [m for m in mail.outbox if admin.email in m.to]
    assert len(sent) == 1
    assert "emergency access" in sent[0].body and "Clinic A" in sent[0].body
    assert "Weekend" not in sent[0].body and "A-1042" not in sent[0].body


# --- 4. audited as such, highlighted on the report, not a disclosure ------------------------------


def test_every_page_read_under_emergency_access_is_audited_with_the_grant(world, patient, nurse_b):
    client = login(world.client("anonymous"), nurse_b)
    break_glass(client, world)
    access = EmergencyAccess.objects.get()
    first = AuditEvent.objects.order_by("-seq").first().seq
    for name in sorted(READABLE):
        assert client.get(reverse(name, args=[patient.pk])).status_code == 200
    rows = list(AuditEvent.objects.filter(seq__gt=first, patient_id=patient.pk))
    assert len(rows) >= len(READABLE)
    assert all(r.actor == nurse_b and r.detail.get(audit.EMERGENCY_ACCESS) == access.pk for r in rows)
    assert all(r.clinic_id == world.clinic.pk for r in rows)
    granted = AuditEvent.objects.get(action=audit.CREATE, object_type="patients.emergencyaccess")
    assert granted.detail["reason"] == REASON and granted.detail[audit.EMERGENCY_ACCESS] == access.pk
    # Clinic A's own staff reading the same chart are not marked.
    world.client("nurse").get(reverse("patients:detail", args=[patient.pk]))
    latest = AuditEvent.objects.filter(patient_id=patient.pk).order_by("-seq").first()
    assert latest.actor == world.users["nurse"] and audit.EMERGENCY_ACCESS not in latest.detail
    assert audit.verify_trail().ok


def test_clinic_as_audit_report_highlights_emergency_access_and_filters_to_it(world, patient, nurse_b):
    client = login(world.client("anonymous"), nurse_b)
    break_glass(client, world)
    client.get(reverse("patients:detail", args=[patient.pk]))
    world.client("nurse").get(reverse("patients:detail", args=[patient.pk]))

    admin = world.client("clinic_admin")
    everything = admin.get(reverse("audit:report")).content.decode()
    assert "Emergency access" in everything and 'class="emergency-row"' in everything
    assert f"Emergency access opened. Reason given: “{REASON}”" in everything

    # The filter posts (no search terms in an address) and the page it redirects to lists the rows.
    only = admin.post(reverse("audit:report"), {"emergency": "on"}, follow=True).content.decode()
    rows = re.findall(r"<tr( class=\"emergency-row\")?>\s*<td data-label=\"#\">", only)
    assert rows and all(marked for marked in rows)  # every row shown is an emergency access row
    assert "nurse_b" in only and ">nurse<" not in only
    assert "Read under emergency access" in only


def test_the_patients_accounting_of_disclosures_is_unchanged(world, patient, nurse_b):
    """Emergency access is access, not disclosure: reading the chart under it adds nothing to the
    patient's accounting of disclosures, and what would be a disclosure (the progress report PDF)
    is refused under emergency access."""
    disclosures = reverse("audit:disclosures", args=[patient.pk])
    before = world.client("clinic_admin").get(disclosures).content.decode()
    client = login(world.client("anonymous"), nurse_b)
    break_glass(client, world)
    for name in sorted(READABLE):
        client.get(reverse(name, args=[patient.pk]))
    assert client.get(reverse("reports:progress_pdf", args=[patient.pk])).status_code in (302, 403)
    assert not AuditEvent.objects.filter(patient_id=patient.pk, action__in=audit.DISCLOSURE_ACTIONS).exists()
    after = world.client("clinic_admin").get(disclosures).content.decode()
    main = lambda html: re.search(r"<main.*</main>", html, flags=re.S).group(0)  # noqa: E731
    assert main(after) == main(before)


# --- 6. the whole flow in a browser, on a phone and on a desktop ---------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_a_clinician_breaks_the_glass_reads_the_chart_and_ends_it_in_a_browser(
    world, patient, nurse_b, live_server, page, width
):
    Diagnosis.objects.create(
        patient=patient, code="F33.2", description="Major depressive disorder, recurrent"
    )
    make_course(patient, "ketamine_iv", world.users["prescriber"])
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, live_server, nurse_b)

    page.goto(f"{live_server.url}/patients/")
    page.get_by_role("link", name="Open their record under emergency access").click()
    page.get_by_role("heading", name="Emergency access to another clinic's patient").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/d06-form-{width}.png", full_page=True)

    page.get_by_role("combobox", name=re.compile("The patient's clinic")).select_option(label="Clinic A")
    page.get_by_label("Medical record number (MRN) at that clinic").fill("A-1042")
    page.get_by_label("Date of birth").fill("1975-02-14")
    page.get_by_role("button", name="Open the record read-only").click()
    # Refused without a reason or the confirmation, naming what is missing.
    page.get_by_role("alert").wait_for()
    summary = page.get_by_role("alert").inner_text()
    assert "Write why you need this patient's record" in summary and "Confirm that you understand" in summary
    page.screenshot(path=f"/tmp/d06-form-errors-{width}.png", full_page=True)

    page.get_by_label("Why you need this patient's record now").fill(REASON)
    page.get_by_label(re.compile("I understand that this is recorded")).check()
    page.get_by_role("button", name="Open the record read-only").click()
    page.get_by_role("heading", name="Weekend, Wilma", level=1).wait_for()
    banner = page.get_by_role("region", name="Emergency access")
    assert "read-only until" in banner.inner_text()
    assert "F33.2" in page.locator("#diagnoses").inner_text()
    main = page.locator("main").inner_text()
    for button in ["Edit details", "Add diagnosis", "Plan a course", "Void"]:
        assert button not in main
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/d06-chart-{width}.png", full_page=True)

    # A refused editing page says so in plain words.
    page.goto(f"{live_server.url}{reverse('patients:add_diagnosis', args=[patient.pk])}")
    assert "read-only" in page.locator("main").inner_text()
    page.screenshot(path=f"/tmp/d06-refused-{width}.png", full_page=True)

    page.goto(f"{live_server.url}{reverse('patients:detail', args=[patient.pk])}")
    page.get_by_role("button", name="End emergency access").click()
    page.get_by_text("Emergency access to Wilma Weekend has ended.").wait_for()
    page.goto(f"{live_server.url}{reverse('patients:detail', args=[patient.pk])}")
    assert "Weekend" not in page.locator("main").inner_text()

    # Clinic A's administrator sees it highlighted on the audit report.
    browser_sign_in(page, live_server, world.users["clinic_admin"])
    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("Emergency access only").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**search=**")
    page.get_by_text("Emergency access opened").wait_for()
    assert page.locator("tr.emergency-row").count() >= 3
    page.screenshot(path=f"/tmp/d06-audit-{width}.png", full_page=True)
