"""Editing a protocol saves a new version; errors name the field; courses keep their version."""

from __future__ import annotations

import json

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, login, make_patient
from remit.treatment.models import Protocol
from remit.treatment.tests.test_course_support import direct_course, protocol


def url(row):
    return reverse("treatment:protocol_edit", args=[row.pk])


def edited(row, **changes):
    definition = {k: v for k, v in row.definition.items() if k not in ("name", "version")}
    definition.update(changes)
    return {"name": row.name, "definition": json.dumps(definition)}


class TestPermissions(PermissionMatrix):
    capability = "protocols.manage"

    def url(self, world, patient):
        return url(protocol(world.clinic))


def test_another_clinics_protocol_is_not_found(world):
    row = protocol(world.other_clinic)
    assert world.client("clinic_admin").get(url(row)).status_code == 404


def test_it_shows_the_values_with_examples_labelled(world):
    row = protocol(world.clinic, "ketamine_iv_maintenance")
    response = world.client("clinic_admin").get(url(row))
    assert response.status_code == 200
    assert (
        '<dt>Dosing › max mg per kg</dt><dd>1.0 <span class="badge warn">example</span>'.encode()
        in response.content
    )
    assert "<dt>Dosing › mg per kg</dt><dd>0.5</dd>".encode() in response.content


def test_saving_makes_a_new_version_and_courses_keep_theirs(world):
    row = protocol(world.clinic)
    course = direct_course(world, make_patient(world.clinic))
    stages = row.definition["stages"]
    stages[0]["preferred_days_between"] = 3
    response = world.client("clinic_admin").post(url(row), edited(row, stages=stages))
    new = Protocol.objects.get(clinic=world.clinic, code=row.code, version=2)
    assert response.status_code == 302 and response["Location"] == url(new)
    assert new.is_active and new.definition["stages"][0]["preferred_days_between"] == 3
    assert new.definition["version"] == 2 and new.created_by == world.users["clinic_admin"]
    row.refresh_from_db()
    assert not row.is_active and row.definition["stages"][0]["preferred_days_between"] == 2
    course.refresh_from_db()
    assert course.protocol_id == row.pk
    event = AuditEvent.objects.filter(action="update", object_type="treatment.protocol").get()
    assert event.detail == {"code": row.code, "from_version": 1, "to_version": 2}


def test_a_bad_value_is_refused_naming_the_field(world):
    row = protocol(world.clinic)
    stages = row.definition["stages"]
    stages[0]["min_days_between"] = 0
    response = world.client("clinic_admin").post(url(row), edited(row, stages=stages))
    assert response.status_code == 200
    assert b"Definition (JSON): stages[0].min_days_between: must be at least 1, got 0" in response.content
    assert Protocol.objects.filter(code=row.code).count() == 1


def test_a_dose_above_the_maximum_is_refused_naming_the_field(world):
    row = protocol(world.clinic)
    dosing = {**row.definition["dosing"], "mg_per_kg": "1.5"}
    response = world.client("clinic_admin").post(url(row), edited(row, dosing=dosing))
    assert b"dosing.mg_per_kg: default dose is above the protocol maximum" in response.content
    assert Protocol.objects.filter(code=row.code).count() == 1


def test_broken_json_is_refused(world):
    row = protocol(world.clinic)
    response = world.client("clinic_admin").post(url(row), {"name": row.name, "definition": "{not json"})
    assert b"Definition (JSON): Not valid JSON" in response.content
    assert Protocol.objects.filter(code=row.code).count() == 1


def test_the_modality_cannot_change(world):
    row = protocol(world.clinic, "ketamine_iv_induction")
    response = world.client("clinic_admin").post(
        url(row),
        edited(row, modality="ketamine_im", dosing={**row.definition["dosing"], "infusion_minutes": None}),
    )
    assert b"modality: cannot change" in response.content
    assert Protocol.objects.filter(code=row.code).count() == 1


def test_the_form_needs_a_csrf_token(world, csrf_client):
    row = protocol(world.clinic)
    login(csrf_client, world.users["clinic_admin"])
    assert csrf_client.post(url(row), edited(row)).status_code == 403


def test_an_esketamine_protocol_shows_its_older_adult_schedule_as_an_example_with_its_source(world):
    """Clinical-reference §4 (MIMS HK [V2]): the 65-and-over schedule is a labelled setting, source shown."""
    row = protocol(world.clinic, "esketamine_maintenance")
    html = world.client("clinic_admin").get(url(row)).content.decode()
    assert (
        '<dt>Dosing › older adults › dose options mg</dt><dd>28, 56, 84 <span class="badge warn">example'
        in html
    )
    assert "Source of the 65-and-over dose schedule" in html and "MIMS Hong Kong" in html


def test_an_older_adult_first_dose_that_is_not_whole_devices_is_refused_naming_the_field(world):
    row = protocol(world.clinic, "esketamine_induction")
    definition = {k: v for k, v in row.definition.items() if k not in ("name", "version")}
    definition["dosing"]["older_adults"]["first_dose_mg"] = 30
    response = world.client("clinic_admin").post(
        url(row), {"name": row.name, "definition": json.dumps(definition)}
    )
    assert "dosing.older_adults.first_dose_mg" in response.content.decode()
    assert Protocol.objects.filter(clinic=world.clinic, code="esketamine_induction").count() == 1
