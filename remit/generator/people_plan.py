"""Clinics, staff accounts and patients with their histories (the first step of a plan).

Patient *i* draws from ``stream(seed, "patient", i)``: demographics, contact details,
consents, diagnoses, antidepressant trials, medications, weights and allergies.  The
fixed lists below are obviously synthetic (invented family names or a "Sample-"/"Test-"
prefix, ``example.invalid`` e-mail, 555-0100..0199 telephone numbers).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from remit.generator.plan import (
    AllergyPlan,
    ClinicPlan,
    DiagnosisPlan,
    MedicationPlan,
    PatientPlan,
    StaffPlan,
    TrialPlan,
    WeightPlan,
)
from remit.generator.streams import staff_password, staff_totp_key, stream

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


def patient_plans(
    seed: int, clinic_list: tuple[ClinicPlan, ...], patients: int, as_of: date
) -> tuple[PatientPlan, ...]:
    """Every patient with their history, patient ``i`` drawn from ``stream(seed, "patient", i)``."""
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
    return tuple(people)
