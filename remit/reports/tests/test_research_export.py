"""The research export removes HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) and is accounted for.

Patients with distinctive names, MRNs, emails, phones, ZIPs and dates are exported; none of those strings,
no original date and no database id may appear in any file. Intervals within a patient survive; a
92-year-old's age is "90+"; ZIPs are cut to three digits ("000" in a restricted area).
"""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from remit.audit.models import AuditEvent
from remit.core.deidentify import date_offset_days
from remit.decision.tests.helpers_outcomes import at_noon, make_course
from remit.measures.models import Assessment
from remit.reports.research import export_research
from remit.testing import make_patient
from remit.treatment.models import Course

SALT = b"a-fixed-secret-for-this-test-only-0123456789"
START = dt.date(2025, 3, 3)


def dates(start, gaps):
    out = [start]
    for gap in gaps:
        out.append(out[-1] + dt.timedelta(days=gap))
    return out


@pytest.fixture
def cohort(world):
    people = []
    for i, (given, family, mrn, email, phone, zip_code, born) in enumerate(
        [
            (
                "Zebulon",
                "Quartermaine",
                "MRNZQ77123",
                "zeb.q@example.org",
                "555-867-5309",
                "10027",
                dt.date(1933, 2, 1),
            ),
            (
                "Philippa",
                "Ostrowski",
                "XK-4471-PO",
                "pip.o@example.net",
                "(212) 555-0199",
                "03601",
                dt.date(1979, 9, 9),
            ),
        ]
    ):
        patient = make_patient(
            world.clinic,
            given_name=given,
            family_name=family,
            mrn=mrn,
            email=email,
            phone=phone,
            postal_code=zip_code,
            date_of_birth=born,
            emergency_contact_name=f"Contact{family}",
        )
        sessions = dates(START + dt.timedelta(days=3 * i), [2, 2, 3, 2, 2])
        course = make_course(world, patient, sessions, status=Course.COMPLETED)
        Course.objects.filter(pk=course.pk).update(
            notes=f"Secret note about {family}", discontinue_reason="n/a"
        )
        Assessment.objects.bulk_create(
            [
                Assessment(
                    patient=patient,
                    instrument="phq9",
                    instrument_version="1",
                    answers={},
                    total=t,
                    max_total=27,
                    valid=True,
                    respondent="patient",
                    taken_at=at_noon(d),
                )
                for d, t in zip(dates(START - dt.timedelta(days=1), [5, 7, 9]), [21, 14, 9, 5], strict=True)
            ]
        )
        people.append((patient, sessions))
    return people


def read(folder, name):
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def all_text(folder):
    return "\n".join(
        (folder / n).read_text(encoding="utf-8") for n in ("courses.csv", "sessions.csv", "assessments.csv")
    )


def salt_shifting_everyone_far(cohort, days=40):
    """A secret under which every patient's shift is larger than the cohort's date spans.

    Patient keys differ from run to run (database sequences), so a fixed secret could give one of them
    a small shift by chance and the test would prove nothing; try fixed variants until none is small.
    """
    for n in range(1000):
        salt = SALT + str(n).encode()
        if all(abs(date_offset_days(f"patient:{p.pk}", salt)) > days for p, _ in cohort):
            return salt
    raise AssertionError("no secret shifts every patient far enough")


def test_no_identifier_and_no_original_date_survives(world, cohort, tmp_path):
    salt = salt_shifting_everyone_far(cohort)  # the test is only meaningful if shifts exceed the spans
    export_research(tmp_path, salt=salt)
    text = all_text(tmp_path)
    for patient, sessions in cohort:
        for value in (
            patient.given_name,
            patient.family_name,
            patient.mrn,
            patient.email,
            patient.phone,
            patient.postal_code,
            patient.emergency_contact_name,
            patient.date_of_birth.isoformat(),
            str(patient.date_of_birth.year),
            "Secret note",
        ):
            assert value not in text, value
        for d in sessions:
            assert d.isoformat() not in text
        for a in Assessment.objects.filter(patient=patient):
            assert a.taken_at.date().isoformat() not in text
    rows = read(tmp_path, "courses.csv")
    ids = {str(c.pk) for c in Course.objects.all()} | {str(p.pk) for p, _ in cohort}
    for row in rows:
        assert row["research_id"] not in ids and row["course_key"] not in ids
    assert set(rows[0]) == {
        "research_id",
        "course_key",
        "modality",
        "phase",
        "protocol",
        "status",
        "start_date",
        "end_date",
        "planned_sessions",
        "course_mg_per_kg",
        "age_at_start",
        "sex_at_birth",
        "zip3",
        "failed_adequate_trials",
    }


def test_ages_over_89_are_grouped_and_zips_are_truncated(world, cohort, tmp_path):
    export_research(tmp_path, salt=SALT)
    rows = read(tmp_path, "courses.csv")
    assert sorted(r["age_at_start"] for r in rows) == ["45", "90+"]
    by_age = {r["age_at_start"]: r for r in rows}
    assert by_age["90+"]["zip3"] == "100"
    assert by_age["45"]["zip3"] == "000"  # 036 is a restricted 3-digit area


def test_intervals_within_a_patient_are_preserved(world, cohort, tmp_path):
    export_research(tmp_path, salt=SALT)

    def signature(days):
        first = min(days)
        return tuple(sorted((d - first).days for d in days))

    exported: dict[str, list[dt.date]] = {}
    for name in ("sessions.csv", "assessments.csv", "courses.csv"):
        for row in read(tmp_path, name):
            value = row.get("date") or row.get("start_date")
            exported.setdefault(row["research_id"], []).append(dt.date.fromisoformat(value))
    original = []
    for patient, sessions in cohort:
        scores = [a.taken_at.date() for a in Assessment.objects.filter(patient=patient)]
        course = Course.objects.get(patient=patient)
        original.append(signature([*sessions, *scores, course.start_date]))
    assert sorted(signature(v) for v in exported.values()) == sorted(original)
    # and the dates did move
    assert all(min(v) != START - dt.timedelta(days=1) for v in exported.values())


def test_each_export_uses_new_research_ids(world, cohort, tmp_path):
    export_research(tmp_path / "a", salt=SALT)
    export_research(tmp_path / "b", salt=SALT)
    a = {r["research_id"] for r in read(tmp_path / "a", "courses.csv")}
    b = {r["research_id"] for r in read(tmp_path / "b", "courses.csv")}
    assert a.isdisjoint(b)


def test_it_is_audited_as_one_export_and_a_disclosure_per_patient(world, cohort, tmp_path):
    before = AuditEvent.objects.count()
    export_research(tmp_path)
    rows = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert rows[0].action == "export" and rows[0].detail["patients"] == 2 and rows[0].detail["sessions"] == 12
    disclosures = rows[1:]
    assert sorted(r.patient_id for r in disclosures) == sorted(p.pk for p, _ in cohort)
    assert {r.action for r in disclosures} == {"disclose"}


def test_the_command_writes_the_files_and_refuses_an_unknown_clinic(world, cohort, tmp_path):
    salt_file = tmp_path / "salt"
    salt_file.write_bytes(SALT)
    out = StringIO()
    call_command(
        "export",
        "research",
        "--out",
        str(tmp_path / "x"),
        "--clinic",
        "clinic-a",
        "--salt-file",
        str(salt_file),
        stdout=out,
    )
    assert "2 patients" in out.getvalue()
    assert len(read(tmp_path / "x", "courses.csv")) == 2
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--clinic"):
        call_command("export", "research", "--out", str(tmp_path / "y"), "--clinic", "nowhere")
    call_command(
        "export", "research", "--out", str(tmp_path / "z"), "--clinic", "clinic-b", stdout=StringIO()
    )
    assert read(tmp_path / "z", "courses.csv") == []
