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
matching step in the loader writes it.

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
import hashlib
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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
    return add_courses(seed, plan)


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
# Generated courses have no screening (``screening`` null): they are history.

from remit.core.calendar import plan_sessions as _plan_sessions  # noqa: E402
from remit.core.protocols import BUILTIN_PROTOCOLS as _PROTOCOLS  # noqa: E402

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
) -> SessionPlan:
    room = rng.choice(TMS_ROOMS if modality == "tms" else DRUG_CHAIRS)
    minute = rng.choice(range(8 * 60, 15 * 60 + 1, 30))
    weight = (_latest_weight(p) + Decimal(rng.randint(-15, 15)) / 10).quantize(Decimal("0.1"))
    dose = None
    devices = 0
    if modality in ("ketamine_iv", "ketamine_im") and mg_per_kg is not None:
        dose = (weight * mg_per_kg).quantize(Decimal("0.1"))
    elif modality == "esketamine":
        devices = 2 if number == 1 or rng.random() < 0.5 else 3
        dose = Decimal(28 * devices)
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
    for n, day in enumerate(all_dates, start=1):
        per_kg = doses[n - 1] if doses else mg_per_kg
        state = today_state if day == as_of else None
        sessions.append(_session(rng, p, protocol.modality, n, day, as_of, per_kg, state))
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
