"""A synthetic clinic network, planned from a seed in plain Python (no Django).

``build_plan(seed, patients=N, clinics=2, as_of=date)`` returns a ``Plan``:
clinics, staff accounts (with passwords and TOTP keys derived from the seed)
and patients with their histories (diagnoses, antidepressant trials, current
medications, weights, allergies, contact details and consents).  The same
seed, size and ``as_of`` give an identical plan; ``remit.generator.load``
writes it to the database.

Determinism, and room to grow
-----------------------------
Every patient draws from its own stream, ``stream(seed, "patient", i)``, so
patient *i* is the same whatever N is (the first 50 patients of a 500-patient
plan are the 50-patient plan), and adding a new kind of history later does
not change the ones already drawn.  A later step (courses, sessions,
assessments) adds a field with a default to ``PatientPlan`` or ``Plan`` and
draws from a stream of its own, e.g. ``stream(seed, "courses", i)``, then a
matching step in the loader writes it.  Steps so far: ``add_courses``
(courses and sessions, issue 5) and ``add_measures`` (questionnaires,
clinician ratings and the demo's decision-support signals, issue 6; streams
``"assessments"``, ``"ratings"`` and ``"signals"``, with ``"follow_up"`` for the
follow-up horizon and scheduled boosters), ``add_new_courses`` (a course of
another modality after a series that did not help, issue 10; stream
``"new_course"``) and ``screening_plan.add_screenings`` (issue 10; stream
``"screenings"``).

Everything here is obviously synthetic: family names are invented or carry a
"Sample-"/"Test-"/... prefix, e-mail addresses end in ``example.invalid`` and
telephone numbers are in the 555-0100..0199 range reserved for fiction.

Distributions (approximate, documented so tests can hold them):
adults 18-80 (a normal curve around 41 years, SD 12, so most are 25-55),
60% female; major depressive disorder for everyone (70% recurrent), with
generalized anxiety ~40%, PTSD ~15%, substance use in remission ~8%,
bipolar II ~3% and schizophrenia ~1% (so screening has something to catch);
2-6 antidepressant trials (mostly 2-4), 4-16 weeks, ~75% adequate, outcomes
mostly no response or partial; benzodiazepines ~25%, psychostimulants ~6%,
MAOIs ~1.5%, naltrexone ~2% (more with alcohol use in remission);
1-4 weights between 45 and 140 kg; allergies ~20%.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from remit.generator.screening_plan import ScreeningPlan

# ---------------------------------------------------------------------------
# Fixed lists

GIVEN_FEMALE = (
    "Ada", "Amara", "Beatriz", "Chiara", "Dana", "Elena", "Fatima", "Grace", "Hana", "Imani",
    "Jasmine", "Keiko", "Leila", "Maya", "Nadia", "Olivia", "Priya", "Quinn", "Rosa", "Sofia",
    "Tamar", "Uma", "Valeria", "Wren", "Ximena", "Yara", "Zoe", "Ingrid", "Mei", "Aisha",
)  # fmt: skip
GIVEN_MALE = (
    "Aaron", "Bashir", "Carlos", "Dmitri", "Emeka", "Felix", "Gabriel", "Hiro", "Ibrahim", "Jonah",
    "Kwame", "Luis", "Mateo", "Nikhil", "Omar", "Pavel", "Rafael", "Samuel", "Tariq", "Viktor",
    "Wei", "Yusuf", "Zane", "Anders", "Marcus", "Theo", "Diego", "Kenji", "Malik", "Oscar",
)  # fmt: skip
GIVEN_NEUTRAL = ("Alex", "Avery", "Jordan", "Morgan", "Riley", "Robin", "Sam", "Taylor")

# Family names are invented, or a real-sounding name behind a marker prefix,
# so nobody mistakes a synthetic chart for a person's.
SYNTHETIC_PREFIXES = ("Sample", "Test", "Synth", "Mock", "Demo")
INVENTED_FAMILY_NAMES = (
    "Testperson", "Synthetica", "Samplewood", "Fakesworth", "Mockridge", "Placeholder",
    "Dummington", "Fictionby", "Madeupson", "Notreal",
)  # fmt: skip
SURNAMES = (
    "Okafor", "Nguyen", "Garcia", "Kowalski", "Haddad", "Johansson", "Mensah", "Patel", "Rossi",
    "Tanaka", "Abebe", "Fischer", "Morales", "Singh", "Kim", "Oyelaran", "Dubois", "Novak", "Chen",
    "Silva", "Murphy", "Yilmaz", "Cohen", "Ivanova", "Baptiste", "Lindqvist", "Adeyemi", "Romero",
    "Sato", "Walker", "Hernandez", "Osei", "Kaplan", "Petrov", "Moreau", "Sharma", "Costa", "Reyes",
    "Byrne", "Akhtar",
)  # fmt: skip
AREA_CODES = ("617", "312", "503", "720", "404", "512", "206", "919")
EMAIL_DOMAIN = "example.invalid"
DEMO_SEED = 2026


def is_synthetic_family_name(name: str) -> bool:
    return name in INVENTED_FAMILY_NAMES or name.split("-", 1)[0] in SYNTHETIC_PREFIXES


def is_fictional_phone(phone: str) -> bool:
    return re.fullmatch(r"\d{3}-555-01\d{2}", phone) is not None


@dataclass(frozen=True)
class ClinicSpec:
    slug: str
    name: str
    mrn_prefix: str
    zip_prefix: str


CLINIC_SPECS = (
    ClinicSpec("riverside-synthetic", "Riverside Ketamine & TMS (synthetic)", "RKT", "021"),
    ClinicSpec("hillcrest-synthetic", "Hillcrest Interventional Psychiatry (synthetic)", "HIP", "606"),
    ClinicSpec("lakeshore-synthetic", "Lakeshore Neuromodulation Center (synthetic)", "LNC", "532"),
    ClinicSpec("meadowbrook-synthetic", "Meadowbrook Mood Clinic (synthetic)", "MMC", "972"),
    ClinicSpec("harborview-synthetic", "Harborview Ketamine Clinic (synthetic)", "HKC", "981"),
    ClinicSpec("pinecrest-synthetic", "Pinecrest TMS Center (synthetic)", "PTC", "803"),
)
MAX_CLINICS = len(CLINIC_SPECS)

# Staff: (username stem, role).  Clinic 1 has the bare stems, clinic k the
# stem with k appended (``prescriber2``); ``multisite`` prescribes everywhere.
STAFF_STEMS = (
    ("prescriber", "prescriber"),
    ("nurse", "nurse"),
    ("tech", "tms_technician"),
    ("frontdesk", "front_desk"),
    ("admin", "clinic_admin"),
)
MULTISITE = "multisite"

# Diagnoses (ICD-10-CM code -> description).
DX = {
    "F32.1": "Major depressive disorder, single episode, moderate",
    "F32.2": "Major depressive disorder, single episode, severe without psychotic features",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F33.2": "Major depressive disorder, recurrent severe without psychotic features",
    "F41.1": "Generalized anxiety disorder",
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F10.21": "Alcohol dependence, in remission",
    "F12.21": "Cannabis dependence, in remission",
    "F31.81": "Bipolar II disorder",
    "F20.9": "Schizophrenia, unspecified",
}
MDD_CODES = frozenset({"F32.1", "F32.2", "F33.1", "F33.2"})


@dataclass(frozen=True)
class Drug:
    name: str
    doses: tuple[str, ...]  # usual daily doses (mg), lowest first
    adequate_min: str  # lowest dose counted as adequate (with at least 6 weeks)


ANTIDEPRESSANTS = (
    Drug("sertraline", ("50", "100", "150", "200"), "100"),
    Drug("escitalopram", ("10", "15", "20"), "10"),
    Drug("citalopram", ("20", "30", "40"), "20"),
    Drug("fluoxetine", ("20", "40", "60"), "20"),
    Drug("paroxetine", ("20", "30", "40", "50"), "20"),
    Drug("bupropion XL", ("150", "300", "450"), "300"),
    Drug("venlafaxine XR", ("75", "112.5", "150", "187.5", "225"), "150"),
    Drug("desvenlafaxine", ("50", "100"), "50"),
    Drug("duloxetine", ("60", "90", "120"), "60"),
    Drug("mirtazapine", ("15", "30", "45"), "30"),
    Drug("vortioxetine", ("10", "15", "20"), "10"),
    Drug("vilazodone", ("20", "40"), "20"),
    Drug("nortriptyline", ("50", "75", "100", "150"), "75"),
)
# Relative frequency of each drug as a trial (SSRIs first, as in practice).
ANTIDEPRESSANT_WEIGHTS = (14, 12, 6, 9, 4, 11, 8, 3, 8, 5, 5, 2, 2)


@dataclass(frozen=True)
class MedSpec:
    name: str
    doses: tuple[str, ...]
    flags: tuple[str, ...] = ()


BENZODIAZEPINES = (
    MedSpec("lorazepam", ("0.5", "1", "2", "3"), ("benzodiazepine",)),
    MedSpec("clonazepam", ("0.5", "1", "2"), ("benzodiazepine",)),
    MedSpec("alprazolam", ("0.5", "1", "2"), ("benzodiazepine",)),
    MedSpec("diazepam", ("5", "10", "20"), ("benzodiazepine",)),
)
PSYCHOSTIMULANTS = (
    MedSpec("methylphenidate ER", ("18", "36", "54"), ("psychostimulant",)),
    MedSpec("amphetamine/dextroamphetamine", ("10", "20", "30"), ("psychostimulant",)),
    MedSpec("lisdexamfetamine", ("30", "50", "70"), ("psychostimulant",)),
)
MAOIS = (
    MedSpec("phenelzine", ("45", "60", "90"), ("maoi",)),
    MedSpec("tranylcypromine", ("30", "40", "60"), ("maoi",)),
)
NALTREXONE = MedSpec("naltrexone", ("50",), ("opioid_antagonist",))
OPIOIDS = (
    MedSpec("tramadol", ("50", "100", "200"), ("opioid",)),
    MedSpec("oxycodone", ("10", "20"), ("opioid",)),
)
AUGMENTERS = (
    (MedSpec("aripiprazole", ("2", "5", "10", "15")), 0.12),
    (MedSpec("quetiapine", ("50", "150", "300")), 0.08),
    (MedSpec("lamotrigine", ("100", "150", "200")), 0.07),
    (MedSpec("lithium carbonate", ("600", "900", "1200")), 0.05),
    (MedSpec("trazodone", ("50", "100", "150")), 0.15),
)
GENERAL_MEDS = (
    MedSpec("levothyroxine", ("0.05", "0.075", "0.1")),
    MedSpec("lisinopril", ("10", "20")),
    MedSpec("atorvastatin", ("10", "20", "40")),
    MedSpec("metformin", ("1000", "1500", "2000")),
    MedSpec("omeprazole", ("20", "40")),
    MedSpec("cetirizine", ("10",)),
)
ALLERGIES = (
    ("penicillin", "hives"),
    ("sulfonamide antibiotics", "rash"),
    ("codeine", "nausea and vomiting"),
    ("latex", "contact dermatitis"),
    ("ibuprofen", "angioedema"),
    ("iodinated contrast", "hives"),
    ("peanuts", "anaphylaxis"),
)

# ---------------------------------------------------------------------------
# The plan


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
    courses: tuple[CourseHistoryPlan, ...] = ()  # issue 5; drawn by add_courses
    # Issue 6, drawn by add_measures: questionnaires and ratings, and the few demo signals.
    trajectory: str = ""  # early | late | partial | non ("" without an induction course)
    assessments: tuple[AssessmentPlan, ...] = ()
    booster_requests: tuple[date, ...] = ()
    extra_medications: tuple[MedicationPlan, ...] = ()
    # Issue 10, drawn by screening_plan.add_screenings: one per course and one per relapse review.
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


# ---------------------------------------------------------------------------
# Streams and derived secrets


def stream(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible random stream for one part of the plan.

    ``random.Random`` seeded with a string hashes it with SHA-512, so the
    stream does not depend on PYTHONHASHSEED or on other streams.
    """
    return random.Random(":".join(["remit", str(seed), *map(str, parts)]))


def _digest(kind: str, seed: int, username: str) -> bytes:
    return hashlib.sha256(f"remit-synthetic:{kind}:{seed}:{username}".encode()).digest()


PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 symbols, no l/0/1 to misread
assert len(PASSWORD_ALPHABET) == 32


def staff_password(seed: int, username: str) -> str:
    """A 23-character password (four groups of five), derived from seed and username.

    Demo credentials only: anyone who knows the seed can derive them.
    """
    raw = _digest("password", seed, username)
    chars = [PASSWORD_ALPHABET[b % 32] for b in raw[:20]]
    # A fixed letter first, so it is never all digits whatever the digest.
    chars[0] = "abcdefghjkmnpqrstuvwxyz"[raw[20] % 23]
    return "-".join("".join(chars[i : i + 5]) for i in range(0, 20, 5))


def staff_totp_key(seed: int, username: str) -> str:
    """A 20-byte TOTP key (hex, as TOTPDevice stores it) derived from seed and username."""
    return _digest("totp", seed, username)[:20].hex()


def totp_secret_from_hex(key: str) -> str:
    """The base32 secret an authenticator app (or pyotp) takes, from a hex key."""
    return base64.b32encode(bytes.fromhex(key)).decode()


# ---------------------------------------------------------------------------
# Building


def clinic_plans(count: int) -> tuple[ClinicPlan, ...]:
    if not 1 <= count <= MAX_CLINICS:
        raise ValueError(f"clinics must be between 1 and {MAX_CLINICS}, not {count}")
    return tuple(ClinicPlan(s.slug, s.name, s.mrn_prefix) for s in CLINIC_SPECS[:count])


def format_mrn(prefix: str, number: int) -> str:
    return f"{prefix}-{number:06d}"


def staff_plans(seed: int, clinics: tuple[ClinicPlan, ...]) -> tuple[StaffPlan, ...]:
    staff: list[StaffPlan] = []
    for k, clinic in enumerate(clinics, start=1):
        suffix = "" if k == 1 else str(k)
        for stem, role in STAFF_STEMS:
            staff.append(_staff(seed, f"{stem}{suffix}", (role,), (clinic.slug,)))
    staff.append(_staff(seed, MULTISITE, ("prescriber",), tuple(c.slug for c in clinics)))
    return tuple(staff)


def _staff(seed: int, username: str, roles: tuple[str, ...], clinics: tuple[str, ...]) -> StaffPlan:
    rng = stream(seed, "staff", username)
    given = rng.choice(GIVEN_FEMALE + GIVEN_MALE + GIVEN_NEUTRAL)
    family = _family_name(rng)
    return StaffPlan(
        username=username,
        first_name=given,
        last_name=family,
        email=f"{username}@{EMAIL_DOMAIN}",
        roles=roles,
        clinics=clinics,
        password=staff_password(seed, username),
        totp_key=staff_totp_key(seed, username),
    )


def build_plan(seed: int, *, patients: int, clinics: int = 2, as_of: date) -> Plan:
    """The whole network: identical for the same seed, sizes and ``as_of``."""
    if patients < 0:
        raise ValueError("patients must not be negative")
    clinic_list = clinic_plans(clinics)
    # Clinic 1 is the larger site: with two clinics the split is about 60/40.
    weights = [1.5] + [1.0] * (len(clinic_list) - 1)
    counters = {c.slug: 0 for c in clinic_list}
    people: list[PatientPlan] = []
    for i in range(patients):
        rng = stream(seed, "patient", i)
        clinic = rng.choices(clinic_list, weights=weights)[0]
        counters[clinic.slug] += 1
        spec = next(s for s in CLINIC_SPECS if s.slug == clinic.slug)
        people.append(_patient(rng, i, clinic, counters[clinic.slug], spec.zip_prefix, as_of))
    plan = Plan(
        seed=seed,
        as_of=as_of,
        clinics=clinic_list,
        staff=staff_plans(seed, clinic_list),
        patients=tuple(people),
    )
    from remit.generator.screening_plan import add_screenings

    return add_screenings(seed, add_new_courses(seed, add_measures(seed, add_courses(seed, plan))))


def _family_name(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(INVENTED_FAMILY_NAMES)
    return f"{rng.choice(SYNTHETIC_PREFIXES)}-{rng.choice(SURNAMES)}"


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(AREA_CODES)}-555-01{rng.randint(0, 99):02d}"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _age(rng: random.Random) -> int:
    while True:
        age = round(rng.gauss(41, 12))
        if 18 <= age <= 80:
            return age


def _patient(
    rng: random.Random, index: int, clinic: ClinicPlan, number: int, zip_prefix: str, as_of: date
) -> PatientPlan:
    roll = rng.random()
    sex = "female" if roll < 0.60 else "male" if roll < 0.995 else "intersex"
    if sex == "female":
        given = rng.choice(GIVEN_FEMALE + GIVEN_NEUTRAL[:3])
    elif sex == "male":
        given = rng.choice(GIVEN_MALE + GIVEN_NEUTRAL[3:6])
    else:
        given = rng.choice(GIVEN_NEUTRAL)
    family = _family_name(rng)
    gender = _gender_identity(rng, sex)

    age = _age(rng)
    dob = _years_before(as_of, age) - timedelta(days=rng.randint(0, 364))

    has_email = rng.random() < 0.85
    slug_name = re.sub(r"[^a-z0-9.-]", "", f"{given}.{family}".lower())
    email = f"{slug_name}.{index + 1}@{EMAIL_DOMAIN}" if has_email else ""
    consent_sms = rng.random() < 0.70
    consent_email = has_email and rng.random() < 0.65
    preferred = "sms" if consent_sms else "email" if consent_email else "phone"
    if consent_sms and consent_email and rng.random() < 0.3:
        preferred = "email"
    if rng.random() < 0.9:
        contact_family = family if rng.random() < 0.6 else _family_name(rng)
        contact_name = f"{rng.choice(GIVEN_FEMALE + GIVEN_MALE + GIVEN_NEUTRAL)} {contact_family}"
        contact_phone = _phone(rng)
    else:
        contact_name = contact_phone = ""

    trials = _trials(rng, dob, age, as_of)
    diagnoses = _diagnoses(rng, dob, as_of, trials[0].started_on)
    codes = {d.code for d in diagnoses}
    return PatientPlan(
        index=index,
        clinic=clinic.slug,
        number=number,
        mrn=format_mrn(clinic.mrn_prefix, number),
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        sex_at_birth=sex,
        gender_identity=gender,
        phone=_phone(rng),
        email=email,
        preferred_contact=preferred,
        consent_sms=consent_sms,
        consent_email=consent_email,
        emergency_contact_name=contact_name,
        emergency_contact_phone=contact_phone,
        postal_code=f"{zip_prefix}{rng.randint(0, 99):02d}",
        diagnoses=diagnoses,
        trials=trials,
        medications=_medications(rng, trials, codes, as_of),
        weights=_weights(rng, sex, as_of),
        allergies=_allergies(rng),
    )


def _gender_identity(rng: random.Random, sex: str) -> str:
    roll = rng.random()
    if roll < 0.70:
        return ""
    if roll < 0.96:
        return {"female": "Woman", "male": "Man"}.get(sex, "")
    if roll < 0.985:
        return "Non-binary"
    return {"female": "Transgender man", "male": "Transgender woman"}.get(sex, "Non-binary")


def _trials(rng: random.Random, dob: date, age: int, as_of: date) -> tuple[TrialPlan, ...]:
    count = rng.choices((2, 3, 4, 5, 6), weights=(30, 28, 20, 13, 9))[0]
    drugs = _sample_weighted(rng, ANTIDEPRESSANTS, ANTIDEPRESSANT_WEIGHTS, count)
    max_gap = 120 if age > 25 else 30
    cursor = as_of - timedelta(days=rng.randint(14, 180))
    drafted: list[TrialPlan] = []
    for drug in drugs:  # drawn newest first, then reversed into date order
        roll = rng.random()
        if roll < 0.12:
            outcome = "not_tolerated"
        elif roll < 0.18:
            outcome = "response"
        elif roll < 0.62:
            outcome = "no_response"
        else:
            outcome = "partial"
        adequate = outcome != "not_tolerated" and rng.random() < 0.85
        doses = [Decimal(d) for d in drug.doses]
        minimum = Decimal(drug.adequate_min)
        if adequate:
            dose = rng.choice([d for d in doses if d >= minimum])
            weeks = rng.randint(6, 16)
        elif outcome == "not_tolerated":
            dose = rng.choice(doses[: max(1, len(doses) // 2)])
            weeks = rng.randint(4, 6)
        else:
            low = [d for d in doses if d < minimum]
            if low and rng.random() < 0.6:
                dose, weeks = rng.choice(low), rng.randint(4, 16)
            else:
                dose, weeks = rng.choice(doses), rng.randint(4, 5)
        started = cursor - timedelta(weeks=weeks)
        cursor = started - timedelta(days=rng.randint(7, max_gap))
        drafted.append(TrialPlan(drug.name, dose, weeks, adequate, outcome, started))
    return tuple(reversed(drafted))


def _sample_weighted(
    rng: random.Random, items: tuple[Drug, ...], weights: tuple[int, ...], k: int
) -> list[Drug]:
    pool = list(zip(items, weights, strict=True))
    chosen: list[Drug] = []
    for _ in range(k):
        pick = rng.choices(range(len(pool)), weights=[w for _, w in pool])[0]
        chosen.append(pool.pop(pick)[0])
    return chosen


def _diagnoses(rng: random.Random, dob: date, as_of: date, first_trial: date) -> tuple[DiagnosisPlan, ...]:
    teen = _years_before(dob, -13)
    recurrent = rng.random() < 0.70
    severe = rng.random() < 0.55
    code = ("F33.2" if severe else "F33.1") if recurrent else ("F32.2" if severe else "F32.1")
    mdd_onset = _between(rng, max(teen, first_trial - timedelta(days=3650)), first_trial - timedelta(days=30))
    out = [DiagnosisPlan(code, DX[code], "active", mdd_onset)]

    def add(dx: str, status: str = "active") -> None:
        out.append(DiagnosisPlan(dx, DX[dx], status, _between(rng, teen, as_of - timedelta(days=60))))

    if rng.random() < 0.40:
        add("F41.1")
    if rng.random() < 0.15:
        add("F43.10")
    if rng.random() < 0.08:
        add(rng.choice(("F10.21", "F10.21", "F12.21")), "in_remission")
    if rng.random() < 0.03:
        add("F31.81")
    if rng.random() < 0.01:
        add("F20.9")
    return tuple(out)


def _dose(rng: random.Random, spec: MedSpec) -> Decimal:
    return Decimal(rng.choice(spec.doses))


def _medications(
    rng: random.Random, trials: tuple[TrialPlan, ...], codes: set[str], as_of: date
) -> tuple[MedicationPlan, ...]:
    recent = as_of - timedelta(days=3 * 365)
    meds: list[MedicationPlan] = []

    def add(spec: MedSpec, started: date | None = None) -> None:
        meds.append(
            MedicationPlan(spec.name, _dose(rng, spec), started or _between(rng, recent, as_of), spec.flags)
        )

    on_maoi = rng.random() < 0.015
    if on_maoi:
        # An MAOI is never combined with a serotonergic antidepressant.
        add(rng.choice(MAOIS))
    else:
        last = trials[-1]
        if last.outcome != "not_tolerated" and rng.random() < 0.75:
            meds.append(MedicationPlan(last.drug, last.max_daily_dose_mg, last.started_on))
        for spec, share in AUGMENTERS:
            if rng.random() < share:
                add(spec)
    if rng.random() < 0.25:
        add(rng.choice(BENZODIAZEPINES))
    if rng.random() < 0.06:
        add(rng.choice(PSYCHOSTIMULANTS))
    alcohol = "F10.21" in codes
    on_naltrexone = rng.random() < (0.35 if alcohol else 0.02)
    if on_naltrexone:
        add(NALTREXONE)
    elif rng.random() < 0.02:
        add(rng.choice(OPIOIDS))
    for spec in rng.sample(GENERAL_MEDS, k=rng.choices((0, 1, 2), weights=(60, 28, 12))[0]):
        add(spec)
    return tuple(meds)


def _weights(rng: random.Random, sex: str, as_of: date) -> tuple[WeightPlan, ...]:
    mean, sd = (74.0, 16.0) if sex == "female" else (88.0, 17.0) if sex == "male" else (80.0, 17.0)
    while True:
        base = rng.gauss(mean, sd)
        if 47 <= base <= 138:
            break
    count = rng.choices((1, 2, 3, 4), weights=(30, 30, 25, 15))[0]
    days = sorted(rng.sample(range(0, 730), count))
    entries = []
    for ago in days:
        kg = min(140.0, max(45.0, base + rng.uniform(-2.5, 2.5)))
        entries.append(WeightPlan(as_of - timedelta(days=ago), Decimal(f"{kg:.1f}")))
    return tuple(entries)  # newest first


def _allergies(rng: random.Random) -> tuple[AllergyPlan, ...]:
    if rng.random() >= 0.20:
        return ()
    count = 1 if rng.random() < 0.8 else 2
    return tuple(AllergyPlan(s, r) for s, r in rng.sample(ALLERGIES, count))


# ---------------------------------------------------------------------------
# Treatment courses and sessions (issue 5)
#
# Drawn from ``stream(seed, "courses", i)`` after the patient, so patient i's
# history above is unchanged and patient i's courses do not depend on N.
# Calendars come from the clinical core (``remit.core.calendar``), so they
# keep the protocols' spacing and clinic days. Shares (approximate): ~55% of
# patients have had a course (not with schizophrenia): IV ketamine induction
# ~60%, esketamine ~20%, TMS 10 Hz ~20%; ~35% of IV ketamine inductions are
# followed by maintenance boosters; ~10% of courses are discontinued; ~10% of
# patients have a course with a session on ``as_of`` (today), in a spread of
# live states, and ~2% a course planned to start soon. Every patient whose
# index is 3 modulo 40 has IV ketamine with boosters whose dose creeps up
# (0.5 -> 0.8 mg/kg) at shrinking intervals, for the tolerance/misuse review.
# Each course is linked to the signed screening made before it (issue 10, ``screening_plan``).

from remit.core.calendar import plan_sessions as _plan_sessions  # noqa: E402
from remit.core.dosing import esketamine_session_doses as _esketamine_session_doses  # noqa: E402
from remit.core.protocols import BUILTIN_PROTOCOLS as _PROTOCOLS  # noqa: E402
from remit.core.protocols import EsketamineDosing as _EsketamineDosing  # noqa: E402
from remit.core.protocols import Protocol as _Protocol  # noqa: E402

WEEKDAYS = frozenset({0, 1, 2, 3, 4})
DRUG_CHAIRS = ("Chair 1", "Chair 2", "Chair 3", "Chair 4")
TMS_ROOMS = ("TMS room 1", "TMS room 2")
# Today's live states and their weights; offsets are minutes from "now" (the loader's anchor).
TODAY_STATES = (
    ("booked", 30),
    ("checked_in", 12),
    ("dosing", 14),
    ("monitoring", 18),
    ("ready_for_discharge", 10),
    ("completed", 16),
)
DISCONTINUE_REASONS = (
    "Intolerable nausea and vomiting",
    "Patient moved away",
    "No response at the checkpoint review",
    "Blood pressure rises needed repeated treatment",
    "Payer authorisation not renewed",
)
CREEP_EVERY, CREEP_AT = 40, 3


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


def _latest_weight(p: PatientPlan) -> Decimal:
    return p.weights[0].weight_kg if p.weights else Decimal("75.0")


def _vitals(rng: random.Random, modality: str, upto: int | None) -> tuple[VitalPlan, ...]:
    if modality == "tms":
        return ()
    minutes = (-5, 15, 40, 115) if modality == "esketamine" else (-5, 15, 30, 45)
    sys0, dia0, hr0 = rng.randint(112, 136), rng.randint(68, 86), rng.randint(62, 88)
    out = []
    for m in minutes:
        if upto is not None and m > upto:
            break
        rise = rng.randint(6, 24) if 10 <= m <= 50 else rng.randint(0, 6)
        out.append(
            VitalPlan(
                m,
                sys0 + rise,
                dia0 + rise // 2,
                hr0 + rng.randint(-4, 10),
                rng.randint(95, 99),
                rng.randint(12, 18),
            )
        )
    return tuple(out)


def _dates(code: str, start: date, days: frozenset[int], sessions: int | None = None) -> list[date]:
    protocol = _PROTOCOLS[code]
    planned = _plan_sessions(protocol, start, days)
    return [s.date for s in planned][: sessions or len(planned)]


def _session(
    rng: random.Random,
    p: PatientPlan,
    modality: str,
    number: int,
    day: date,
    as_of: date,
    mg_per_kg: Decimal | None,
    today_state: str | None,
    esketamine_doses: tuple[int, ...] = (56, 84),
) -> SessionPlan:
    room = rng.choice(TMS_ROOMS if modality == "tms" else DRUG_CHAIRS)
    minute = rng.choice(range(8 * 60, 15 * 60 + 1, 30))
    weight = (_latest_weight(p) + Decimal(rng.randint(-15, 15)) / 10).quantize(Decimal("0.1"))
    dose = None
    devices = 0
    if modality in ("ketamine_iv", "ketamine_im") and mg_per_kg is not None:
        dose = (weight * mg_per_kg).quantize(Decimal("0.1"))
    elif modality == "esketamine":
        # Only a dose the protocol allows at this session (remit.core.dosing.esketamine_session_doses).
        if len(esketamine_doses) == 1:
            mg = esketamine_doses[0]
        elif len(esketamine_doses) == 2:
            mg = esketamine_doses[0] if rng.random() < 0.5 else esketamine_doses[1]
        else:
            mg = rng.choice(esketamine_doses)
        devices = mg // 28
        dose = Decimal(mg)
    drug = modality != "tms"
    common: dict[str, object] = {
        "number": number,
        "day": day,
        "minute_of_day": minute,
        "room": room,
        "weight_kg": weight if drug else None,
        "mg_per_kg": mg_per_kg,
        "dose_mg": dose,
        "devices": devices,
        "lot_number": f"SYN{rng.randint(10000, 99999)}" if modality == "esketamine" else "",
        "pulses": 3000 if modality == "tms" else None,
    }
    infusion = {"ketamine_iv": 40, "ketamine_im": 1, "esketamine": 10, "tms": 19}[modality]
    discharge = 10 + infusion + 5 if modality == "tms" else 10 + 120
    if modality == "tms" and today_state == "monitoring":
        today_state = "dosing"  # TMS has no post-dose monitoring: still stimulating
    if day < as_of or today_state == "completed":
        if day < as_of and rng.random() < 0.03:
            return SessionPlan(**common, status=rng.choice(("cancelled", "no_show")))
        offset = -(discharge + rng.randint(20, 120)) if today_state else None
        return SessionPlan(
            **common,
            status="completed",
            today_offset=offset,
            checked_in_at=2,
            dose_at=10,
            end_at=10 + infusion,
            discharge_at=discharge,
            vitals=_vitals(rng, modality, None),
            signed=True,
        )
    if day > as_of or today_state == "booked":
        return SessionPlan(
            **common, status="booked", today_offset=rng.randint(2, 12) * 20 if today_state else None
        )
    # Today, in progress: elapsed minutes since dosing started.
    elapsed: int | None = None
    if today_state == "dosing":
        elapsed = rng.randint(3, max(4, infusion - 2))
    elif today_state == "monitoring":
        elapsed = rng.randint(infusion + 5, discharge - 25)
    elif today_state == "ready_for_discharge":
        elapsed = discharge - 10 + rng.randint(0, 10)
    if elapsed is None:
        return SessionPlan(**common, status="checked_in", today_offset=-rng.randint(3, 12), checked_in_at=2)
    common["pulses"] = 3000 if modality == "tms" and elapsed > infusion else None
    return SessionPlan(
        **common,
        status=today_state or "checked_in",
        today_offset=-(elapsed + 10),
        checked_in_at=2,
        dose_at=10,
        end_at=10 + infusion if elapsed > infusion else None,
        vitals=_vitals(rng, modality, elapsed),
    )


def _esketamine_doses(
    protocol: _Protocol, p: PatientPlan, day: date, previous_mg: int | None
) -> tuple[int, ...]:
    """The doses the protocol allows at this session: day 1 of an induction is the first dose given."""
    dosing = protocol.dosing
    assert isinstance(dosing, _EsketamineDosing)
    return _esketamine_session_doses(
        age=p.age_on(day),
        first_dose=protocol.phase == "induction" and previous_mg is None,
        previous_mg=previous_mg,
        dose_options_mg=dosing.dose_options_mg,
        first_dose_mg=dosing.first_dose_mg,
        older_adults=dosing.older_adults,
    ).allowed_mg


def _course(
    rng: random.Random,
    p: PatientPlan,
    code: str,
    start: date,
    as_of: date,
    *,
    days: frozenset[int] = WEEKDAYS,
    mg_per_kg: Decimal | None = None,
    doses: list[Decimal] | None = None,
    dates: list[date] | None = None,
    discontinue: bool = False,
) -> CourseHistoryPlan:
    protocol = _PROTOCOLS[code]
    all_dates = dates or _dates(code, start, days)
    if discontinue:
        all_dates = all_dates[: rng.randint(1, max(1, len(all_dates) - 1))]
    sessions = []
    today_state = rng.choices([s for s, _ in TODAY_STATES], weights=[w for _, w in TODAY_STATES])[0]
    previous_mg: int | None = None
    for n, day in enumerate(all_dates, start=1):
        per_kg = doses[n - 1] if doses else mg_per_kg
        state = today_state if day == as_of else None
        allowed = (
            _esketamine_doses(protocol, p, day, previous_mg) if protocol.modality == "esketamine" else ()
        )
        session = _session(rng, p, protocol.modality, n, day, as_of, per_kg, state, allowed or (56, 84))
        sessions.append(session)
        if session.devices and session.status not in ("cancelled", "no_show"):
            previous_mg = 28 * session.devices
    last = all_dates[-1]
    if discontinue and last < as_of:
        status, end = "discontinued", last
    elif last < as_of or (last == as_of and sessions[-1].status == "completed"):
        status, end = "completed", last
    elif all_dates[0] > as_of:
        status, end = "planned", None
    else:
        status, end = "active", None
    authorised = protocol.planned_sessions + rng.choice((0, 0, 0, 2, 6)) if rng.random() < 0.7 else None
    return CourseHistoryPlan(
        protocol=code,
        modality=protocol.modality,
        phase=protocol.phase,
        start_date=all_dates[0],
        status=status,
        end_date=end,
        discontinue_reason=rng.choice(DISCONTINUE_REASONS) if status == "discontinued" else "",
        mg_per_kg=mg_per_kg if doses is None else doses[0],
        authorised_sessions=authorised,
        authorisation_valid_until=(all_dates[0] + timedelta(days=rng.choice((45, 60, 90))))
        if authorised
        else None,
        sessions=tuple(sessions),
        motor_threshold_pct=rng.randint(38, 72) if protocol.modality == "tms" else None,
    )


def _start_for_today(
    code: str, as_of: date, rng: random.Random, days: frozenset[int]
) -> tuple[date, list[date]]:
    """A start date whose calendar has a session (not the first) on ``as_of``."""
    for back in range(rng.randint(2, 6), 90):
        start = as_of - timedelta(days=back)
        planned = _dates(code, start, days)
        if as_of in planned[1:]:
            return start, planned
    planned = _dates(code, as_of, days)
    return as_of, planned


def _courses(rng: random.Random, p: PatientPlan, as_of: date) -> tuple[CourseHistoryPlan, ...]:
    if "F20.9" in p.codes:
        return ()
    creep = p.index % CREEP_EVERY == CREEP_AT
    if not creep and rng.random() >= 0.55:
        return ()
    roll = rng.random()
    code = (
        "ketamine_iv_induction"
        if creep or roll < 0.60
        else "esketamine_induction"
        if roll < 0.80
        else "tms_10hz"
    )
    if code == "esketamine_induction" and p.age_on(as_of) >= 65:
        code = "ketamine_iv_induction"
    iv_dose = Decimal("0.5")
    mg = iv_dose if code.startswith("ketamine") else None
    when = rng.random()
    days = WEEKDAYS | {as_of.weekday()}
    out: list[CourseHistoryPlan] = []
    if when < 0.18 and not creep:
        start, dates = _start_for_today(code, as_of, rng, days)
        out.append(_course(rng, p, code, start, as_of, days=days, mg_per_kg=mg, dates=dates))
        return tuple(out)
    if when < 0.22 and not creep:
        start = as_of + timedelta(days=rng.randint(1, 10))
        out.append(_course(rng, p, code, start, as_of, mg_per_kg=mg))
        return tuple(out)
    start = as_of - timedelta(days=rng.randint(60, 330))
    induction = _course(
        rng, p, code, start, as_of, mg_per_kg=mg, discontinue=not creep and rng.random() < 0.10
    )
    out.append(induction)
    if code == "ketamine_iv_induction" and induction.status == "completed" and (creep or rng.random() < 0.35):
        first = induction.end_date + timedelta(days=rng.randint(14, 35))  # type: ignore[operator]
        if creep:
            # Boosters asked for sooner and sooner, at higher and higher doses.
            gaps = (21, 17, 14, 11, 9, 7)
            dates, day = [], first
            for gap in gaps:
                while day.weekday() not in WEEKDAYS:
                    day += timedelta(days=1)
                if day > as_of:
                    break
                dates.append(day)
                day += timedelta(days=gap)
            doses = [Decimal("0.5") + Decimal("0.06") * i for i in range(len(dates))]
            doses = [min(d, Decimal("0.8")).quantize(Decimal("0.01")) for d in doses]
            if dates:
                out.append(
                    _course(rng, p, "ketamine_iv_maintenance", dates[0], as_of, doses=doses, dates=dates)
                )
        elif first <= as_of:
            out.append(_course(rng, p, "ketamine_iv_maintenance", first, as_of, mg_per_kg=iv_dose))
    return tuple(out)


def add_courses(seed: int, plan: Plan) -> Plan:
    """The plan with each patient's courses drawn (from stream(seed, "courses", i))."""
    import dataclasses

    patients = tuple(
        dataclasses.replace(p, courses=_courses(stream(seed, "courses", p.index), p, plan.as_of))
        for p in plan.patients
    )
    return dataclasses.replace(plan, patients=patients)


# ---------------------------------------------------------------------------
# Outcomes: questionnaires, clinician ratings and demo signals (issue 6)
#
# Drawn after the courses from streams of their own, so nothing drawn earlier
# changes: ``stream(seed, "assessments", i)`` for the patient's questionnaires
# (the PHQ-9 trajectory, GAD-7), ``stream(seed, "ratings", i)`` for the
# clinician's CADSS-6 and MOAA/S at each ketamine or esketamine session (a
# stream apart, so peak dissociation is independent of benefit and the
# report's Spearman correlation sits near 0), and ``stream(seed, "signals", i)``
# for the few demo signals below.
#
# Trajectory classes (patients with an induction course; end-of-induction
# response and remission land near McInnes 2022 and Oliver 2022, §6 of the
# clinical reference): early responders ~35% (>= 50% drop by session
# 3-4 of a ketamine series, many remitting below 5), late responders ~20%
# (response by the end of induction), partial ~20% (25-49% from the
# non-response checkpoint on), non-responders ~25% (< 25% throughout).
# Boosters go to responders: a patient the course plan gives a maintenance
# course is an early or late responder, and the others are drawn with shares
# that keep the overall ones near the targets. After a completed series a
# responder stays well (censored) or relapses: scores back above half the
# baseline from a day drawn around a median of 18 days (Murrough 2013),
# confirmed by a second questionnaire 6-9 days later. Patients with planned
# boosters relapse in the 6-12 days before the first booster, so the
# booster answers the relapse.
#
# Schedule: a baseline PHQ-9 on the day of the first session or up to a week
# before; before each ketamine/esketamine session (weekly for TMS); on days
# 1, 3 and 7 after the first dose (~70%); the day after the last induction
# dose (always: the end-of-induction point) and a week after it (~80%); 2, 4,
# 8 and 12 weeks after the series; before each booster; ~8% missed.
# GAD-7 at baseline and at the end of induction for patients with GAD and
# ~30% of the others. Every answer set is built to sum to the intended total
# and checked with the real scorer (``remit.core.instruments.score``); item 9
# is mostly 0, now and then 1 when the total is high in the last three weeks
# (older flagged answers would have had alerts the inbox cannot show).
#
# Demo signals, per clinic, on the first patient (by index) who fits (a
# patient gets one at most; a small clinic may lack a candidate), so each
# clinic's inbox shows the decision-support alerts: naltrexone started during
# an active ketamine course; a DAST-10 of 3-4 after a ketamine course started;
# a booster request sooner after the last session than the maintenance
# protocol allows (3-5 days for IV ketamine's 7, 2-3 for esketamine's 4); and
# a recent PHQ-9 with item 9 answered 1 (the loader stores it through the
# app's own ``record_assessment``, so its suicidal-ideation alert comes from
# the real code path). The creeping-booster patients (above) give the
# dose-escalation alerts, non-responders at their checkpoint and recent
# relapses the others.

from remit.core.instruments import get_instrument as _get_instrument  # noqa: E402
from remit.core.instruments import score as _score  # noqa: E402

TRAJECTORIES = ("early", "late", "partial", "non")
TRAJECTORY_TARGETS = (0.35, 0.20, 0.20, 0.25)
WEIGHTS_WITH_BOOSTERS = (35, 20, 0, 0)
WEIGHTS_WITHOUT_BOOSTERS = (33, 18, 22, 27)
RELAPSE_MEDIAN_DAYS = 18  # Murrough 2013: median time to relapse after a six-infusion series
# Share of responders with no booster planned who relapse: an example value between controlled settings
# (Murrough 2013: median relapse 18 days after the series) and real-world care (McInnes 2022: ~60% of
# responders still responding at 8 weeks without maintenance); clinical-reference §6.
RELAPSE_SHARE = 0.6
# Follow-up questionnaires after a series, in days: 2, 4, 8 and 12 weeks, then 18, 26, 39 and 52 weeks.
# Each patient is followed to a horizon drawn from LONG_FOLLOW_UP: 52 weeks for ~70%, 26 weeks for
# the others (each questionnaire is still ~15% missed, and none is asked after ``as_of``), so the
# report's "still free at 26 weeks" is known.
FOLLOW_UP_DAYS = (14, 28, 56, 84, 126, 182, 273, 364)
LONG_FOLLOW_UP = ((364, 70), (182, 30))
# Share of the maintenance courses (not the dose-creep demo) that are scheduled while the patient is
# still well, so the booster itself ends the durability (a retreatment) instead of a relapse.
SCHEDULED_BOOSTER_SHARE = 0.5
MISSED = 0.08
RECENT_SAFETY_DAYS = 21  # item 9 is answered 1 only in these last days (stored through record_assessment)
SESSION_RATED = frozenset({"completed", "dosing", "monitoring", "ready_for_discharge"})
DRUGS = frozenset({"ketamine_iv", "ketamine_im", "esketamine"})
CHECKPOINTS = {"ketamine_iv": 6, "ketamine_im": 6, "esketamine": 8, "tms": 20}
# (sessions given when the response is first reached, weight), by class and modality family.
RESPONSE_SESSION = {
    "ketamine": {"early": ((1, 30), (2, 25), (3, 25), (4, 20)), "late": ((5, 45), (6, 55))},
    "esketamine": {"early": ((1, 20), (2, 25), (3, 30), (4, 25)), "late": ((6, 35), (7, 35), (8, 30))},
    "tms": {"early": ((8, 20), (12, 40), (16, 40)), "late": ((22, 35), (28, 40), (34, 25))},
}
PHQ9_ITEM_WEIGHTS = {"q1": 13, "q2": 13, "q3": 12, "q4": 14, "q5": 9, "q6": 10, "q7": 10, "q8": 6}
NO_RESPONSE_REASON = "No response at the checkpoint review"
# Days after the last session a demo booster request comes: sooner than the maintenance protocol's
# minimum (7 days for IV ketamine, 4 for esketamine's weekly stage).
EARLY_REQUEST_GAP = {"ketamine_iv": (3, 5), "esketamine": (2, 3)}


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


def _family(modality: str) -> str:
    return "tms" if modality == "tms" else "esketamine" if modality == "esketamine" else "ketamine"


def _weighted(rng: random.Random, pairs: tuple[tuple[int, int], ...]) -> int:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def _spread(
    rng: random.Random, ids: tuple[str, ...], total: int, cap: int, weights: dict[str, int] | None = None
) -> dict[str, int]:
    """Answers (0..cap) for ``ids`` summing to ``total``, leaning towards the heavier-weighted items."""
    if not 0 <= total <= cap * len(ids):
        raise ValueError(f"cannot spread {total} over {len(ids)} items of at most {cap}")
    answers = dict.fromkeys(ids, 0)
    for _ in range(total):
        open_ids = [i for i in ids if answers[i] < cap]
        pick = rng.choices(open_ids, weights=[(weights or {}).get(i, 10) for i in open_ids])[0]
        answers[pick] += 1
    return answers


def phq9_answers(rng: random.Random, total: int, item9: int = 0) -> tuple[tuple[str, int | None], ...]:
    """PHQ-9 answers whose scored items sum to ``total`` (item 9 as given; item 10 follows the total)."""
    item9 = max(item9, total - 24)
    items = _spread(rng, tuple(PHQ9_ITEM_WEIGHTS), total - item9, 3, PHQ9_ITEM_WEIGHTS)
    difficulty = 0 if total < 5 else 1 if total < 10 else 2 if total < 20 else 3
    difficulty = max(0, min(3, difficulty + rng.choice((-1, 0, 0, 0, 1))))
    return (*items.items(), ("q9", item9), ("q10", difficulty))


def _answers(rng: random.Random, code: str, total: int) -> tuple[tuple[str, int | None], ...]:
    """Answers summing to ``total`` for instruments whose items all score 0..cap (GAD-7, CADSS-6)."""
    instrument = _get_instrument(code)
    ids = tuple(i.id for i in instrument.items)
    cap = max(o.value for o in instrument.items[0].options)
    return tuple(_spread(rng, ids, total, cap).items())


def dast10_answers(rng: random.Random, total: int) -> tuple[tuple[str, int | None], ...]:
    """DAST-10 yes/no answers scoring ``total``; item 3 is reverse-scored ("able to stop": yes = 0)."""
    forward = [f"q{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10)]
    yes = set(rng.sample(forward, min(total, len(forward))))
    item3 = 0 if total > len(forward) else 1  # answering "no" to item 3 scores a point
    return tuple((f"q{n}", item3 if n == 3 else int(f"q{n}" in yes)) for n in range(1, 11))


def _check(plan: AssessmentPlan) -> AssessmentPlan:
    result = _score(plan.instrument, plan.answer_dict)
    if result.total != plan.total:  # a bug in the builders above, never the data
        raise AssertionError(f"{plan.instrument} answers score {result.total}, not {plan.total}")
    return plan


@dataclass(frozen=True)
class _Trajectory:
    cls: str
    baseline: int
    planned: int  # induction sessions planned
    respond_at: int  # responders: sessions given when the response is first reached
    end_fraction: float  # improvement reached by the end of induction
    checkpoint: int

    def total(self, rng: random.Random, k: int, after_series: bool) -> int:
        """A PHQ-9 total after ``k`` sessions, kept inside the class's band (response, partial, none)."""
        b = self.baseline
        half, three_quarters = b // 2, (3 * b) // 4  # response: total <= b/2; >= 25% better: <= 3b/4
        responder = self.cls in ("early", "late")
        if responder and after_series:
            k = max(k, self.respond_at)
        if responder:
            r = self.respond_at
            if k < r:
                fraction = 0.42 * (k / r) ** 1.2
            else:
                fraction = 0.5 + (self.end_fraction - 0.5) * min(
                    1.0, (k - r + 1) / max(1, self.planned - r + 1)
                )
            low, high = (0, half) if k >= r else (half + 1, 24)
        elif self.cls == "partial":
            fraction = self.end_fraction * min(1.0, k / (0.6 * self.planned))
            low = half + 1
            high = three_quarters if (after_series or k >= self.checkpoint) else 24
        else:
            fraction = self.end_fraction * min(1.0, k / self.planned)
            low, high = three_quarters + 1, 24
        value = round(b * (1 - fraction) + rng.gauss(0, 1.3))
        return max(low, min(high, value))

    def relapsed(self, rng: random.Random) -> int:
        return max(self.baseline // 2 + 1, min(24, round(self.baseline * rng.uniform(0.7, 1.0))))

    def well(self, rng: random.Random) -> int:
        value = round(self.baseline * (1 - self.end_fraction) + rng.gauss(0, 1.3))
        return max(0, min(self.baseline // 2, value))

    def wearing_off(self, rng: random.Random) -> int:
        value = round(self.baseline * rng.uniform(0.5, 0.75))
        return max(self.baseline // 2 + 1, min(24, value))


def _minute(rng: random.Random, earliest: int = 7 * 60, latest: int = 21 * 60) -> int:
    return rng.randint(earliest // 5, latest // 5) * 5


def _trajectory(rng: random.Random, p: PatientPlan, course: CourseHistoryPlan, boosted: bool) -> _Trajectory:
    weights = WEIGHTS_WITH_BOOSTERS if boosted else WEIGHTS_WITHOUT_BOOSTERS
    cls = rng.choices(TRAJECTORIES, weights=weights)[0]
    if course.discontinue_reason == NO_RESPONSE_REASON:
        cls = "non"
    baseline = max(11, min(24, round(rng.gauss(19.5, 3.2))))
    family = RESPONSE_SESSION[_family(course.modality)]
    respond_at = _weighted(rng, family[cls]) if cls in family else 0
    end_fraction = {
        "early": rng.uniform(0.65, 0.98),
        "late": rng.uniform(0.52, 0.85),
        "partial": rng.uniform(0.28, 0.48),
        "non": rng.uniform(-0.10, 0.18),
    }[cls]
    planned = _PROTOCOLS[course.protocol].planned_sessions
    return _Trajectory(cls, baseline, planned, respond_at, end_fraction, CHECKPOINTS[course.modality])


def _given(course: CourseHistoryPlan) -> list[SessionPlan]:
    return [s for s in course.sessions if s.status == "completed"]


def _questionnaires(
    rng: random.Random,
    p: PatientPlan,
    as_of: date,
    horizon: int = FOLLOW_UP_DAYS[-1],
    scheduled_booster: bool = False,
) -> tuple[str, list[AssessmentPlan]]:
    """The PHQ-9 trajectory (and GAD-7) around the patient's induction course and any boosters.

    Follow-up runs to ``horizon`` days after the series; with ``scheduled_booster`` the first
    maintenance course is given while the patient is still well (no relapse before it).
    """
    induction_i = next((i for i, c in enumerate(p.courses) if c.phase == "induction"), None)
    if induction_i is None:
        return "", []
    course = p.courses[induction_i]
    boosters = [(i, c) for i, c in enumerate(p.courses) if c.phase == "maintenance"]
    traj = _trajectory(rng, p, course, bool(boosters))
    given_days = [s.day for s in _given(course)]
    start = given_days[0] if given_days else course.sessions[0].day
    ended = course.status in ("completed", "discontinued") and bool(given_days)
    series_end = given_days[-1] if ended else None
    booster_day = boosters[0][1].sessions[0].day if boosters else None
    creep = p.index % CREEP_EVERY == CREEP_AT
    scheduled = scheduled_booster and booster_day is not None and not creep
    minute_of = {s.day: s.minute_of_day for s in course.sessions}
    for _, b in boosters:
        minute_of.update({s.day: s.minute_of_day for s in b.sessions})

    # When: day -> (kind, course index). The first claim on a day wins.
    when: dict[date, tuple[str, int]] = {}

    def claim(day: date | None, kind: str, course_i: int = induction_i, chance: float = 1.0) -> None:
        if day is None or day >= as_of or day in when:
            return
        if rng.random() < chance:
            when[day] = (kind, course_i)

    baseline_day = start - timedelta(days=rng.choice((0, 0, 0, 0, 1, 2, 3, 5, 7)))
    if baseline_day >= as_of:
        baseline_day = as_of - timedelta(days=rng.randint(1, 6))
    claim(baseline_day, "baseline")
    weekly = course.modality == "tms"
    for s in course.sessions:
        if s.status == "completed" and (not weekly or s.number % 5 == 1 or s.day == given_days[-1]):
            claim(s.day, "pre_session", chance=1 - MISSED)
    drug = course.modality in DRUGS
    if drug and given_days and rng.random() < 0.7:
        for d in (1, 3, 7):
            claim(given_days[0] + timedelta(days=d), "post_dose", chance=0.9)
    if series_end is not None:
        # The end-of-induction questionnaire, the day after the last dose, is always asked for.
        claim(series_end + timedelta(days=1), "post_dose")
        claim(series_end + timedelta(days=7), "post_dose", chance=0.8)

    # Relapse after a completed series (responders only).
    relapse_onset = relapse_confirm = None
    if series_end is not None and course.status == "completed" and traj.cls in ("early", "late"):
        if scheduled:
            pass  # a booster on the calendar, given while still well: no relapse before it
        elif booster_day is not None:
            gap = (booster_day - series_end).days
            relapse_onset = booster_day - timedelta(days=rng.randint(6, max(6, min(12, gap - 8))))
            relapse_confirm = booster_day - timedelta(days=1)
        elif rng.random() < RELAPSE_SHARE:
            days = max(8, min(75, round(math.exp(rng.gauss(math.log(RELAPSE_MEDIAN_DAYS), 0.55)))))
            relapse_onset = series_end + timedelta(days=days)
            relapse_confirm = relapse_onset + timedelta(days=rng.randint(6, 9))
        claim(relapse_onset, "relapse_check")
        claim(relapse_confirm, "relapse_check")
    if series_end is not None:
        offsets = FOLLOW_UP_DAYS if course.status == "completed" else FOLLOW_UP_DAYS[:2]
        for d in (d for d in offsets if d <= horizon):
            day = series_end + timedelta(days=d)
            if booster_day is None or day < booster_day:
                claim(day, "follow_up", chance=0.85)

    # Boosters: before each one, the day after some, and follow-ups after the last.
    booster_pre: dict[date, int] = {}
    for i, b in boosters:
        b_given = [s.day for s in _given(b)]
        for n, day in enumerate(b_given, start=1):
            booster_pre[day] = n
            claim(day, "pre_session", i, chance=1 - MISSED)
            claim(day + timedelta(days=2), "post_dose", i, chance=1.0 if creep else 0.5)
        if b.status == "completed" and b_given:
            for d in (d for d in FOLLOW_UP_DAYS if d <= horizon // 2):
                claim(b_given[-1] + timedelta(days=d), "follow_up", i, chance=0.85)

    plans: list[AssessmentPlan] = []
    totals: dict[date, int] = {}
    for day in sorted(when):
        kind, course_i = when[day]
        if booster_day is not None and day >= booster_day:
            n = booster_pre.get(day)
            if scheduled:
                total = traj.well(rng)
            elif n == 1 or (n is None and day == booster_day):
                total = traj.relapsed(rng)
            elif n is not None and creep:
                total = traj.wearing_off(rng)
            else:
                total = traj.well(rng)
        elif relapse_onset is not None and day >= relapse_onset:
            total = traj.relapsed(rng)
        elif day <= start:
            total = traj.baseline  # the baseline the classes are measured against
        else:
            k = sum(1 for d in given_days if d < day)
            total = traj.total(rng, k, series_end is not None and day > series_end)
        # Item 9 is answered 1 now and then, only in the recent weeks: every flagged answer is stored
        # through the app's record_assessment, whose alert then waits in the inbox as in real use.
        p9 = 0.025 if total >= 15 else 0.008 if total >= 10 else 0.0
        item9 = 1 if rng.random() < p9 and day >= as_of - timedelta(days=RECENT_SAFETY_DAYS) else 0
        if day == booster_day or kind == "pre_session":
            minute = max(7 * 60, minute_of.get(day, 9 * 60) - rng.randint(3, 10) * 5)
        else:
            minute = _minute(rng)
        plans.append(
            _check(
                AssessmentPlan(
                    "phq9", day, minute, phq9_answers(rng, total, item9), total, kind=kind, course=course_i
                )
            )
        )
        totals[day] = total

    # GAD-7 at baseline and at the end of induction, for patients with GAD and some others.
    if totals and baseline_day in totals and ("F41.1" in p.codes or rng.random() < 0.3):
        g0 = max(3, min(21, round(rng.gauss(13 if "F41.1" in p.codes else 9, 3))))
        gad_days = [(baseline_day, g0)]
        if series_end is not None:
            cutoff = series_end + timedelta(days=7)
            end_days = [d for d in totals if start < d <= cutoff and (booster_day is None or d < booster_day)]
            if end_days:
                end = max(end_days)
                better = 1 - totals[end] / traj.baseline
                gad_days.append((end, max(0, min(21, round(g0 * (1 - 0.8 * better) + rng.gauss(0, 1.5))))))
        for day, total in gad_days:
            minute = next(a.minute_of_day for a in plans if a.day == day)
            plans.append(
                _check(
                    AssessmentPlan(
                        "gad7",
                        day,
                        minute,
                        _answers(rng, "gad7", total),
                        total,
                        kind=when[day][0],
                        course=induction_i,
                    )
                )
            )
    return traj.cls, plans


def _ratings(rng: random.Random, p: PatientPlan) -> list[AssessmentPlan]:
    """CADSS-6 about 40 minutes after the dose and MOAA/S during it, at each ketamine/esketamine session.

    Drawn from a stream of their own: how dissociative a patient finds the drug has nothing to do with
    whether it helps them (the report's dissociation-vs-benefit correlation should be near 0).
    """
    plans: list[AssessmentPlan] = []
    susceptibility = rng.betavariate(2.0, 3.0)  # 0..1, mean 0.4
    for i, course in enumerate(p.courses):
        if course.modality not in DRUGS:
            continue
        scale = 0.85 if course.modality == "esketamine" else 1.0
        for s in course.sessions:
            if s.status not in SESSION_RATED or s.dose_at is None:
                continue
            level = 4 * susceptibility * scale * 0.94 ** (s.number - 1)  # dissociation wanes over a series
            items = tuple(
                (item, max(0, min(4, round(rng.gauss(level * 0.6, 0.7)))))
                for item in ("q1", "q2", "q6", "q7", "q15", "q22")
            )
            cadss_after = rng.randint(35, 50)
            sedation = rng.choices((5, 4, 3), weights=(80, 16, 4))[0]
            moaas_after = (
                20 if course.modality == "ketamine_iv" else 15 if course.modality == "ketamine_im" else 30
            )
            for code, answers, after in (
                ("moaas", (("score", sedation),), moaas_after),
                ("cadss6", items, cadss_after),
            ):
                total = sum(v or 0 for _, v in answers)
                plans.append(
                    _check(
                        AssessmentPlan(
                            code,
                            s.day,
                            min(23 * 60 + 55, s.minute_of_day + s.dose_at + after),
                            answers,
                            total,
                            respondent="clinician",
                            kind="rating",
                            course=i,
                            session=s.number,
                            after_dose=after,
                        )
                    )
                )
    return plans


# --- demo signals: one patient per clinic for each, the first by index who fits ----------------------


def _latest_ketamine_course(p: PatientPlan) -> CourseHistoryPlan | None:
    """The patient's last course when it is a ketamine/esketamine one with sessions given (not a creeper)."""
    if not p.courses or p.index % CREEP_EVERY == CREEP_AT:
        return None
    course = p.courses[-1]
    return course if course.modality in DRUGS and _given(course) else None


def _fits_early_request(p: PatientPlan, as_of: date) -> bool:
    course = _latest_ketamine_course(p)
    if course is None or course.modality not in EARLY_REQUEST_GAP or course.status != "completed":
        return False
    last = _given(course)[-1].day
    return as_of - timedelta(days=85) <= last <= as_of - timedelta(days=5)


def _early_request(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    import dataclasses

    course = p.courses[-1]
    last = _given(course)[-1].day
    gap = rng.randint(*EARLY_REQUEST_GAP[course.modality])
    return dataclasses.replace(p, booster_requests=(min(as_of, last + timedelta(days=gap)),))


def _fits_dast10(p: PatientPlan, as_of: date) -> bool:
    course = _latest_ketamine_course(p)
    if course is None:
        return False
    days = [s.day for s in _given(course)]
    recent = course.status == "active" or days[-1] >= as_of - timedelta(days=85)
    return recent and days[0] <= as_of - timedelta(days=2)


def _dast10(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    import dataclasses

    first = _given(p.courses[-1])[0].day
    intake = first - timedelta(days=rng.randint(3, 10))
    latest = min(as_of - timedelta(days=1), first + timedelta(days=30))
    after = first + timedelta(days=rng.randint(1, max(1, (latest - first).days)))
    extra = []
    course_i = len(p.courses) - 1
    for day, total, kind in (
        (intake, rng.choice((0, 1)), "screening"),
        (after, rng.choice((3, 4)), "follow_up"),
    ):
        answers = dast10_answers(rng, total)
        extra.append(
            _check(AssessmentPlan("dast10", day, _minute(rng), answers, total, kind=kind, course=course_i))
        )
    return dataclasses.replace(p, assessments=(*p.assessments, *extra))


def _fits_naltrexone(p: PatientPlan, as_of: date) -> bool:
    course = _latest_ketamine_course(p)
    if course is None or course.status != "active":
        return False
    return not any("opioid_antagonist" in m.flags for m in p.medications)


def _naltrexone(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    import dataclasses

    first = _given(p.courses[-1])[0].day
    days = (as_of - first).days
    started = first + timedelta(days=rng.randint(1, days) if days >= 1 else 0)
    med = MedicationPlan(NALTREXONE.name, Decimal("50"), started, NALTREXONE.flags)
    return dataclasses.replace(p, extra_medications=(*p.extra_medications, med))


def _recent_phq9(p: PatientPlan, as_of: date) -> list[AssessmentPlan]:
    since = as_of - timedelta(days=14)
    return [a for a in p.assessments if a.instrument == "phq9" and since <= a.day < as_of and a.total >= 10]


def _fits_suicidal(p: PatientPlan, as_of: date) -> bool:
    recent = _recent_phq9(p, as_of)
    return bool(recent) and not any(a.item9 for a in recent)


def _suicidal(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    import dataclasses

    target = _recent_phq9(p, as_of)[-1]
    flagged = _check(dataclasses.replace(target, answers=phq9_answers(rng, target.total, item9=1)))
    return dataclasses.replace(p, assessments=tuple(flagged if a is target else a for a in p.assessments))


# In this order: the signals with the fewest candidates choose first.
DEMO_SIGNALS = (
    ("opioid_antagonist", _fits_naltrexone, _naltrexone),
    ("positive_dast10", _fits_dast10, _dast10),
    ("early_booster_request", _fits_early_request, _early_request),
    ("suicidal_ideation", _fits_suicidal, _suicidal),
)


def add_measures(seed: int, plan: Plan) -> Plan:
    """The plan with each patient's questionnaires, ratings and the demo signals drawn (see above)."""
    import dataclasses

    patients = []
    for p in plan.patients:
        follow = stream(seed, "follow_up", p.index)
        horizon = _weighted(follow, LONG_FOLLOW_UP)
        scheduled = follow.random() < SCHEDULED_BOOSTER_SHARE
        cls, questionnaires = _questionnaires(
            stream(seed, "assessments", p.index), p, plan.as_of, horizon, scheduled
        )
        ratings = _ratings(stream(seed, "ratings", p.index), p)
        patients.append(dataclasses.replace(p, trajectory=cls, assessments=(*questionnaires, *ratings)))
    used: set[int] = set()
    for clinic in plan.clinics:
        for _name, fits, apply in DEMO_SIGNALS:
            for n, p in enumerate(patients):
                if p.clinic == clinic.slug and p.index not in used and fits(p, plan.as_of):
                    patients[n] = apply(stream(seed, "signals", p.index), p, plan.as_of)
                    used.add(p.index)
                    break
    return dataclasses.replace(plan, patients=tuple(patients))


# ---------------------------------------------------------------------------
# New courses after a series that did not help (issue 10)
#
# Drawn from ``stream(seed, "new_course", i)`` after the measures, so every earlier draw stands (the
# new course goes at the end of the patient's courses). About half the non- and partial responders
# whose induction ended (completed, or stopped at the checkpoint for no response) start an induction
# of another modality 3-8 weeks later: after ketamine, TMS or esketamine; after esketamine, TMS or IV
# ketamine; after TMS, IV ketamine or esketamine (esketamine only under 65). The new course is a
# retreatment for the first one's durability; its own questionnaires follow a class drawn like the
# first's (baseline: where the patient stood), with follow-up to the same kind of horizon. Questionnaires
# of the first course dated from the new baseline on are dropped (the new course's take their place).

SWITCH_SHARE = 0.5
SWITCH_TO = {
    "ketamine_iv": ("tms_10hz", "esketamine_induction"),
    "ketamine_im": ("tms_10hz", "esketamine_induction"),
    "esketamine": ("tms_10hz", "ketamine_iv_induction"),
    "tms": ("ketamine_iv_induction", "esketamine_induction"),
}


def _new_course(rng: random.Random, p: PatientPlan, as_of: date) -> CourseHistoryPlan | None:
    if not p.courses or p.trajectory not in ("non", "partial") or p.index % CREEP_EVERY == CREEP_AT:
        return None
    first = p.courses[0]
    given = _given(first)
    if len(p.courses) > 1 or first.phase != "induction" or not given:
        return None
    if first.status != "completed" and first.discontinue_reason != NO_RESPONSE_REASON:
        return None
    signal = (
        p.booster_requests
        or p.extra_medications
        or any(a.instrument == "dast10" or a.item9 for a in p.assessments)
    )
    if signal or rng.random() >= SWITCH_SHARE:
        return None  # a patient carrying a demo signal keeps it
    code = rng.choice(SWITCH_TO[first.modality])
    if code == "esketamine_induction" and p.age_on(as_of) >= 65:
        code = "ketamine_iv_induction"
    start = given[-1].day + timedelta(days=rng.randint(21, 56))
    while start.weekday() not in WEEKDAYS:
        start += timedelta(days=1)
    if start > as_of:
        return None
    mg = Decimal("0.5") if code.startswith("ketamine") else None
    return _course(rng, p, code, start, as_of, mg_per_kg=mg)


def _new_course_questionnaires(
    rng: random.Random, p: PatientPlan, course_i: int, course: CourseHistoryPlan, level: int, as_of: date
) -> list[AssessmentPlan]:
    """PHQ-9 before the new course (its baseline), before its sessions, at its end and in follow-up."""
    traj = dataclasses.replace(_trajectory(rng, p, course, False), baseline=max(11, min(24, level)))
    given_days = [s.day for s in _given(course)]
    start = given_days[0] if given_days else course.sessions[0].day
    series_end = given_days[-1] if course.status == "completed" else None
    horizon = _weighted(rng, LONG_FOLLOW_UP)
    when: dict[date, str] = {}

    def claim(day: date, kind: str, chance: float = 1.0) -> None:
        if day < as_of and day not in when and rng.random() < chance:
            when[day] = kind

    claim(start - timedelta(days=rng.choice((0, 0, 1, 3))), "baseline")
    weekly = course.modality == "tms"
    for s in _given(course):
        if not weekly or s.number % 5 == 1 or s.day == given_days[-1]:
            claim(s.day, "pre_session", 1 - MISSED)
    relapse_onset = None
    if series_end is not None:
        claim(series_end + timedelta(days=1), "post_dose")
        if traj.cls in ("early", "late") and rng.random() < RELAPSE_SHARE:
            days = max(8, min(75, round(math.exp(rng.gauss(math.log(RELAPSE_MEDIAN_DAYS), 0.55)))))
            relapse_onset = series_end + timedelta(days=days)
            claim(relapse_onset, "relapse_check")
            claim(relapse_onset + timedelta(days=rng.randint(6, 9)), "relapse_check")
        for d in (d for d in FOLLOW_UP_DAYS if d <= horizon):
            claim(series_end + timedelta(days=d), "follow_up", 0.85)
    plans = []
    for day in sorted(when):
        if when[day] == "baseline":
            total = traj.baseline
        elif relapse_onset is not None and day >= relapse_onset:
            total = traj.relapsed(rng)
        else:
            k = sum(1 for d in given_days if d < day)
            total = traj.total(rng, k, series_end is not None and day > series_end)
        minute = _minute(rng)
        plans.append(
            _check(
                AssessmentPlan(
                    "phq9", day, minute, phq9_answers(rng, total), total, kind=when[day], course=course_i
                )
            )
        )
    return plans


def add_new_courses(seed: int, plan: Plan) -> Plan:
    """The plan with a new induction course for some patients whose first one did not help (see above)."""
    patients = []
    for p in plan.patients:
        rng = stream(seed, "new_course", p.index)
        course = _new_course(rng, p, plan.as_of)
        if course is None:
            patients.append(p)
            continue
        first_day = min(s.day for s in course.sessions) - timedelta(days=3)
        kept = [a for a in p.assessments if a.day < first_day or a.instrument not in ("phq9", "gad7")]
        before = [a.total for a in kept if a.instrument == "phq9"]
        level = before[-1] if before else 18
        course_i = len(p.courses)
        with_course = dataclasses.replace(p, courses=(*p.courses, course))
        new = _new_course_questionnaires(rng, with_course, course_i, course, level, plan.as_of)
        ratings = [a for a in _ratings(rng, with_course) if a.course == course_i]
        patients.append(dataclasses.replace(with_course, assessments=(*kept, *new, *ratings)))
    return dataclasses.replace(plan, patients=tuple(patients))
