"""The shape of a synthetic plan: frozen dataclasses, one per thing a step draws.

Every step (``people_plan``, ``course_plan``, ``measures_plan``, ``signals_plan``,
``new_course_plan``, ``screening_plan``) returns a new ``Plan`` with fields filled in;
``remit.generator.load`` writes it. Plain Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from remit.generator.streams import totp_secret_from_hex


@dataclass(frozen=True)
class ClinicPlan:
    slug: str
    name: str
    mrn_prefix: str


@dataclass(frozen=True)
class StaffPlan:
    username: str
    first_name: str
    last_name: str
    email: str
    roles: tuple[str, ...]
    clinics: tuple[str, ...]  # clinic slugs, the first is the home clinic
    password: str
    totp_key: str  # hex, as django_otp's TOTPDevice.key stores it

    @property
    def totp_secret(self) -> str:
        return totp_secret_from_hex(self.totp_key)


@dataclass(frozen=True)
class DiagnosisPlan:
    code: str
    description: str
    status: str  # active | in_remission | resolved
    onset_date: date | None


@dataclass(frozen=True)
class TrialPlan:
    drug: str
    max_daily_dose_mg: Decimal
    weeks: int
    adequate: bool
    outcome: str  # no_response | partial | response | not_tolerated
    started_on: date

    @property
    def failed_adequate(self) -> bool:
        return self.adequate and self.outcome in {"no_response", "partial"}


@dataclass(frozen=True)
class MedicationPlan:
    name: str
    daily_dose_mg: Decimal
    started_on: date
    flags: tuple[str, ...] = ()  # benzodiazepine, maoi, psychostimulant, opioid, opioid_antagonist


@dataclass(frozen=True)
class WeightPlan:
    measured_on: date
    weight_kg: Decimal


@dataclass(frozen=True)
class AllergyPlan:
    substance: str
    reaction: str


@dataclass(frozen=True)
class ScreeningPlan:
    """One screening: taken on ``day`` at ``minute`` (local), signed ``signed_after`` minutes later.

    ``course`` is the index of the course it is for (a relapse review: the course that relapsed), and
    ``modality`` the one the prescriber must let start.
    """

    day: date
    minute: int
    signed_after: int
    purpose: str  # course | relapse_review
    course: int
    modality: str
    intake: dict[str, Any] = field(compare=True, hash=False)


@dataclass(frozen=True)
class PatientPlan:
    index: int  # position in the plan (0-based); the key later steps use
    clinic: str  # clinic slug
    number: int  # 1-based sequence within the clinic
    mrn: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex_at_birth: str
    gender_identity: str
    phone: str
    email: str
    preferred_contact: str
    consent_sms: bool
    consent_email: bool
    emergency_contact_name: str
    emergency_contact_phone: str
    postal_code: str
    diagnoses: tuple[DiagnosisPlan, ...]
    trials: tuple[TrialPlan, ...]
    medications: tuple[MedicationPlan, ...]
    weights: tuple[WeightPlan, ...]
    allergies: tuple[AllergyPlan, ...] = ()
    courses: tuple[CourseHistoryPlan, ...] = ()  # drawn by course_plan.add_courses
    # Drawn by measures_plan.add_measures (questionnaires and ratings) and signals_plan.add_demo_signals.
    trajectory: str = ""  # early | late | partial | non ("" without an induction course)
    assessments: tuple[AssessmentPlan, ...] = ()
    booster_requests: tuple[date, ...] = ()
    extra_medications: tuple[MedicationPlan, ...] = ()
    # Drawn by screening_plan.add_screenings: one per course and one per relapse review.
    screenings: tuple[ScreeningPlan, ...] = ()

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.diagnoses)


@dataclass(frozen=True)
class Plan:
    seed: int
    as_of: date
    clinics: tuple[ClinicPlan, ...]
    staff: tuple[StaffPlan, ...]
    patients: tuple[PatientPlan, ...]


@dataclass(frozen=True)
class VitalPlan:
    minute: int  # minutes after dosing started (negative: before)
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int
    respiratory_rate: int


@dataclass(frozen=True)
class SessionPlan:
    """One session. Past sessions: ``day`` and ``minute_of_day``; today's: ``offset`` minutes from the anchor.

    ``dose_at``/``end_at``/``discharge_at`` are minutes after the scheduled time (None: not yet).
    """

    number: int
    day: date
    minute_of_day: int
    room: str
    status: str
    today_offset: int | None = None
    checked_in_at: int | None = None
    dose_at: int | None = None
    end_at: int | None = None
    discharge_at: int | None = None
    weight_kg: Decimal | None = None
    mg_per_kg: Decimal | None = None
    dose_mg: Decimal | None = None
    devices: int = 0
    lot_number: str = ""
    pulses: int | None = None
    vitals: tuple[VitalPlan, ...] = ()
    signed: bool = False


@dataclass(frozen=True)
class CourseHistoryPlan:
    protocol: str  # built-in protocol code
    modality: str
    phase: str
    start_date: date
    status: str  # planned | active | completed | discontinued
    end_date: date | None
    discontinue_reason: str
    mg_per_kg: Decimal | None
    authorised_sessions: int | None
    authorisation_valid_until: date | None
    sessions: tuple[SessionPlan, ...]
    motor_threshold_pct: int | None = None


@dataclass(frozen=True)
class AssessmentPlan:
    """One questionnaire or rating: answers keyed by item id, and the total they were built to give.

    Patient questionnaires are dated ``day`` at ``minute_of_day`` (local). Ratings are linked to
    session ``session`` of course ``course`` (an index into the patient's courses) and taken
    ``after_dose`` minutes after its dose started.
    """

    instrument: str
    day: date
    minute_of_day: int
    answers: tuple[tuple[str, int | None], ...]
    total: int
    respondent: str = "patient"
    kind: str = ""  # baseline | pre_session | post_dose | follow_up | relapse_check | screening | rating
    course: int | None = None
    session: int | None = None
    after_dose: int | None = None

    @property
    def answer_dict(self) -> dict[str, int | None]:
        return dict(self.answers)

    @property
    def item9(self) -> int:
        if self.instrument != "phq9":
            return 0
        return self.answer_dict.get("q9") or 0
