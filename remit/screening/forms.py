"""HTML forms for the screening pages.

The intake form turns what staff confirm into the intake document of
``intake.schema.json``. Every fact can be left unknown, and an unknown fact
is left out of the document, so the engine's fail-safe (``incomplete``)
works: nothing here turns "unknown" into "no".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from remit.core.instruments import get_instrument
from remit.core.screening import RULES, intake_schema
from remit.core.screening.medications import CLASS_LABELS
from remit.measures.models import Assessment
from remit.pages.words import code_words
from remit.screening.actions import SEVERITIES
from remit.screening.models import ScreeningDecision

YES, NO, UNKNOWN = "yes", "no", "unknown"
TRI_STATE = [(YES, "Yes"), (NO, "No"), (UNKNOWN, "Unknown")]
LIST_STATE = [("complete", "Confirmed: this is the complete list"), (UNKNOWN, "Not confirmed (unknown)")]
SEX_CHOICES = [("", "Unknown"), ("female", "Female"), ("male", "Male"), ("other", "Other")]
SEX_FROM_REGISTRY = {"female": "female", "male": "male", "intersex": "other"}


def _schema_description(*path: str) -> str:
    node: Any = intake_schema()
    for part in path:
        node = node["properties"][part]
    return str(node.get("description", path[-1]))


TOP_FLAGS = [
    ("pregnant", "Currently pregnant"),
    ("breastfeeding", "Currently breastfeeding"),
    ("hypersensitivity_ketamine", "Known hypersensitivity to ketamine or esketamine"),
    (
        "bipolar_current_mania_or_psychosis",
        "Bipolar disorder with a current manic, hypomanic or mixed episode, or psychotic features",
    ),
]
VASCULAR = list(intake_schema()["properties"]["vascular"]["properties"])
TMS_SAFETY = list(intake_schema()["properties"]["tms_safety"]["properties"])


def tri_state(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=TRI_STATE,
        initial=UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def tri_value(value: str | None) -> bool | None:
    return True if value == YES else False if value == NO else None


def _screen_choices(code: str, item_index: int) -> list[tuple[str, str]]:
    item = get_instrument(code).items[item_index]
    return [("", "Not answered")] + [(str(o.value), o.label) for o in item.options]


AUDITC_ITEMS = [(f"auditc_q{i + 1}", get_instrument("auditc").items[i].label) for i in range(3)]
DAST10_ITEMS = [(f"dast10_q{i + 1}", get_instrument("dast10").items[i].label) for i in range(10)]

# The registry's class boxes, written after a medicine as "[classes: MAOI, opioid antagonist]" or
# "[classes: none]"; a line without the bracket leaves the boxes unknown.
_CLASSES_SUFFIX = re.compile(r"\s*\[\s*classes?\s*:\s*(?P<classes>[^\]]*)\]\s*$", re.I)
CLASS_BOXES: dict[str, str] = {
    "is_benzodiazepine": "benzodiazepine",
    "is_maoi": "maoi",
    "is_psychostimulant": "psychostimulant",
    "is_opioid_antagonist": "opioid_antagonist",
}
_CLASS_BY_WORDS = {CLASS_LABELS[c].lower(): c for c in CLASS_LABELS}
_MEDICATION_LINE = re.compile(
    r"^(?P<name>.+?)(?:\s+(?P<dose>\d+(?:\.\d+)?)\s*(?:mg)?(?:\s*/\s*day|\s+a day|\s+daily)?)?$", re.I
)


class IntakeForm(forms.Form):
    """The facts of one screening; ``to_documents()`` gives (intake document, resistance facts)."""

    age = forms.IntegerField(label="Age (years)", required=False, help_text="From the date of birth.")
    sex = forms.ChoiceField(
        label="Sex", choices=SEX_CHOICES, required=False, help_text="Sex at birth from the registry."
    )
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        required=False,
        max_digits=5,
        decimal_places=1,
        help_text="The latest recorded weight.",
    )
    bp_systolic = forms.IntegerField(
        label="Blood pressure, systolic (mmHg)", required=False, min_value=50, max_value=300
    )
    bp_diastolic = forms.IntegerField(
        label="Blood pressure, diastolic (mmHg)",
        required=False,
        min_value=30,
        max_value=200,
        help_text="Resting, at screening. Below 30 mmHg is not a plausible resting reading: recheck.",
    )
    diagnoses = forms.CharField(
        label="Diagnoses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: the ICD-10-CM code, then active, in_remission or resolved (e.g. F33.2 active).",
    )
    diagnoses_known = forms.ChoiceField(
        label="Is the diagnosis list complete?", choices=LIST_STATE, initial=UNKNOWN, widget=forms.RadioSelect
    )
    medications = forms.CharField(
        label="Current medications",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "One per line: the generic name, then the total daily dose in mg, then the registry's ticked "
            "class boxes (e.g. phenelzine 45 mg [classes: MAOI], or sertraline 100 mg [classes: none]). "
            "A medicine the screening knows counts for its class even when its box is not ticked."
        ),
    )
    medications_known = forms.ChoiceField(
        label="Is the medication list complete?",
        choices=LIST_STATE,
        initial=UNKNOWN,
        widget=forms.RadioSelect,
    )
    allergies = forms.CharField(
        label="Allergies and hypersensitivities",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line.",
    )
    allergies_known = forms.ChoiceField(
        label="Is the allergy list complete?", choices=LIST_STATE, initial=UNKNOWN, widget=forms.RadioSelect
    )
    # Treatment-resistance context (outside the intake schema).
    episode_duration_months = forms.IntegerField(
        label="Current episode duration (months)", required=False, min_value=0, max_value=600
    )
    severity = forms.ChoiceField(
        label="Current episode severity", choices=[("", "Unknown"), *SEVERITIES], required=False
    )
    augmentation_used = tri_state("Augmentation tried in this episode")
    ect_used = tri_state("ECT used in this episode")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in TOP_FLAGS:
            self.fields[name] = tri_state(label)
        for name in VASCULAR:
            self.fields[f"vascular_{name}"] = tri_state(_schema_description("vascular", name))
        for name in TMS_SAFETY:
            self.fields[f"tms_{name}"] = tri_state(_schema_description("tms_safety", name))
        for i, (name, label) in enumerate(AUDITC_ITEMS):
            self.fields[name] = forms.ChoiceField(
                label=f"AUDIT-C {i + 1}. {label}", choices=_screen_choices("auditc", i), required=False
            )
        for i, (name, label) in enumerate(DAST10_ITEMS):
            self.fields[name] = forms.ChoiceField(
                label=f"DAST-10 {i + 1}. {label}", choices=_screen_choices("dast10", i), required=False
            )

    # --- grouping for the template ---------------------------------------------------

    def group(self, names: Iterable[str]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def top_flags(self) -> list[forms.BoundField]:
        return self.group(name for name, _ in TOP_FLAGS)

    def vascular_fields(self) -> list[forms.BoundField]:
        return self.group(f"vascular_{n}" for n in VASCULAR)

    def tms_fields(self) -> list[forms.BoundField]:
        return self.group(f"tms_{n}" for n in TMS_SAFETY)

    def auditc_fields(self) -> list[forms.BoundField]:
        return self.group(n for n, _ in AUDITC_ITEMS)

    def dast10_fields(self) -> list[forms.BoundField]:
        return self.group(n for n, _ in DAST10_ITEMS)

    # --- cleaning -------------------------------------------------------------------------

    def clean_diagnoses(self) -> list[dict[str, str]]:
        rows = []
        for n, line in enumerate(_lines(self.cleaned_data.get("diagnoses", "")), start=1):
            parts = line.split()
            if len(parts) == 1:
                parts.append("active")
            if len(parts) != 2 or parts[1].lower() not in ("active", "in_remission", "resolved"):
                raise forms.ValidationError(
                    f"Line {n} ({line!r}): give the code then active, in_remission or resolved."
                )
            rows.append({"code": parts[0].upper(), "status": parts[1].lower()})
        return rows

    def clean_medications(self) -> list[dict[str, Any]]:
        rows = []
        for n, line in enumerate(_lines(self.cleaned_data.get("medications", "")), start=1):
            classes: list[str] | None = None
            suffix = _CLASSES_SUFFIX.search(line)
            if suffix is not None:
                classes = _classes(n, line, suffix["classes"])
                line = line[: suffix.start()].strip()
                if not line:
                    raise forms.ValidationError(f"Line {n}: give the medicine's name before its classes.")
            match = _MEDICATION_LINE.match(line)
            assert match is not None  # the pattern matches any non-empty line
            row: dict[str, Any] = {"name": match["name"].strip()}
            if match["dose"] is not None:
                row["daily_dose_mg"] = float(match["dose"])
            if classes is not None:
                row["classes"] = classes
            rows.append(row)
        return rows

    def clean_allergies(self) -> list[str]:
        return list(_lines(self.cleaned_data.get("allergies", "")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        systolic, diastolic = data.get("bp_systolic"), data.get("bp_diastolic")
        if (
            (systolic is None) != (diastolic is None)
            and not self.has_error("bp_systolic")
            and not self.has_error("bp_diastolic")
        ):
            missing = "bp_diastolic" if diastolic is None else "bp_systolic"
            self.add_error(missing, "Give both systolic and diastolic, or leave both empty (unknown).")
        for known, name in (
            ("diagnoses_known", "diagnoses"),
            ("medications_known", "medications"),
            ("allergies_known", "allergies"),
        ):
            if data.get(known) == UNKNOWN and data.get(name):
                self.add_error(
                    known,
                    f"The {name} list has entries: confirm it is complete, or clear it to leave the {name} unknown.",
                )
        return data

    # --- the documents --------------------------------------------------------------------

    def to_documents(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The intake document (unknown facts left out) and the resistance facts."""
        data = self.cleaned_data
        doc: dict[str, Any] = {}
        if data.get("age") is not None:
            doc["age"] = data["age"]
        if data.get("sex"):
            doc["sex"] = data["sex"]
        if data.get("weight_kg") is not None:
            doc["weight_kg"] = float(data["weight_kg"])
        if data.get("bp_systolic") is not None and data.get("bp_diastolic") is not None:
            doc["blood_pressure"] = {"systolic": data["bp_systolic"], "diastolic": data["bp_diastolic"]}
        for name in ("diagnoses", "medications", "allergies"):
            if data.get(f"{name}_known") == "complete":
                doc[name] = data.get(name) or []
        for name, _ in TOP_FLAGS:
            value = tri_value(data.get(name))
            if value is not None:
                doc[name] = value
        vascular = {n: tri_value(data.get(f"vascular_{n}")) for n in VASCULAR}
        if any(v is not None for v in vascular.values()):
            doc["vascular"] = {k: v for k, v in vascular.items() if v is not None}
        tms = {n: tri_value(data.get(f"tms_{n}")) for n in TMS_SAFETY}
        if any(v is not None for v in tms.values()):
            doc["tms_safety"] = {k: v for k, v in tms.items() if v is not None}
        screens: dict[str, Any] = {}
        for code, items in (("auditc", AUDITC_ITEMS), ("dast10", DAST10_ITEMS)):
            answers = [None if data.get(name) in (None, "") else int(data[name]) for name, _ in items]
            if any(a is not None for a in answers):
                screens[code] = answers
        if screens:
            doc["screens"] = screens
        facts = {
            "episode_duration_months": data.get("episode_duration_months"),
            "severity": data.get("severity") or None,
            "augmentation_used": tri_value(data.get("augmentation_used")),
            "ect_used": tri_value(data.get("ect_used")),
        }
        return doc, facts


def _classes(n: int, line: str, text: str) -> list[str]:
    """The class names in a "[classes: ...]" suffix; "none" (or nothing) means no box is ticked."""
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words in ([], ["none"]):
        return []
    unknown = [w for w in words if w not in _CLASS_BY_WORDS]
    if unknown:
        known = ", ".join(CLASS_LABELS[c] for c in CLASS_LABELS)
        raise forms.ValidationError(
            f"Line {n} ({line!r}): {unknown[0]!r} is not a medicine class; use {known}, or none."
        )
    return list(dict.fromkeys(_CLASS_BY_WORDS[w] for w in words))


def medication_line(name: str, dose: Decimal | None, ticked: Iterable[str]) -> str:
    """A registry medicine as an intake line: name, daily dose and its ticked class boxes."""
    labels = [CLASS_LABELS[c] for c in ticked]  # type: ignore[index]
    dose_text = "" if dose is None else f" {dose.normalize():f} mg"
    return f"{name}{dose_text} [classes: {', '.join(labels) or 'none'}]"


def _lines(text: str) -> Iterable[str]:
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line:
            yield line


def intake_error_field(path: str) -> str | None:
    """The form field for an intake document path such as ``diagnoses[0].code``."""
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if head == "blood_pressure":
        return "bp_diastolic" if "diastolic" in path else "bp_systolic"
    if head in ("vascular", "tms_safety") and "." in path:
        name = path.split(".", 1)[1]
        return f"{'vascular' if head == 'vascular' else 'tms'}_{name}"
    if head == "screens":
        return "dast10_q1" if "dast10" in path else "auditc_q1"
    if head in ("age", "sex", "weight_kg", "diagnoses", "medications", "allergies") or head in dict(
        TOP_FLAGS
    ):
        return head
    return None


def registry_initial(patient: Any) -> dict[str, Any]:
    """Initial values from the registry: age, sex, weight, diagnoses, current medications, allergies."""
    from remit.patients.models import Allergy, Diagnosis, Medication, WeightEntry

    today = timezone.localdate()
    diagnoses = Diagnosis.objects.filter(patient=patient, voided_at__isnull=True).order_by("code", "id")
    medications = (
        Medication.objects.filter(patient=patient, voided_at__isnull=True)
        .exclude(stopped_on__lte=today)
        .order_by("name", "id")
    )
    allergies = Allergy.objects.filter(patient=patient, voided_at__isnull=True).order_by("substance", "id")
    weight = (
        WeightEntry.objects.filter(patient=patient, voided_at__isnull=True)
        .order_by("-measured_on", "-id")
        .first()
    )

    return {
        "age": patient.age_on(today),
        "sex": SEX_FROM_REGISTRY.get(patient.sex_at_birth, ""),
        "weight_kg": weight.weight_kg if weight is not None else None,
        "diagnoses": "\n".join(f"{d.code} {d.status}" for d in diagnoses),
        "medications": "\n".join(
            medication_line(m.name, m.daily_dose_mg, [c for box, c in CLASS_BOXES.items() if getattr(m, box)])
            for m in medications
        ),
        "allergies": "\n".join(a.substance for a in allergies),
    }


def screens_initial(patient: Any, days: int = 90) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answers from the latest valid AUDIT-C and DAST-10 within ``days``, and the assessments used."""
    since = timezone.now() - dt.timedelta(days=days)
    initial: dict[str, Any] = {}
    used: dict[str, Any] = {}
    for code, items in (("auditc", AUDITC_ITEMS), ("dast10", DAST10_ITEMS)):
        latest = (
            Assessment.objects.filter(
                patient=patient, instrument=code, valid=True, voided_at__isnull=True, taken_at__gte=since
            )
            .order_by("-taken_at", "-id")
            .first()
        )
        if latest is None:
            continue
        used[code] = latest
        for name, _ in items:
            value = (latest.answers or {}).get(name.split("_", 1)[1])
            if value is not None:
                initial[name] = str(value)
    return initial, used


class DecisionForm(forms.Form):
    """The prescriber's choice per modality: accept, decline or override (with a reason)."""

    def __init__(self, *args: Any, screening: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in screening.modality_results():
            m = row["modality"]
            self.fields[f"{m}_decision"] = forms.ChoiceField(
                label=f"Decision for {row['label']}",
                choices=ScreeningDecision.CHOICES,
                widget=forms.RadioSelect,
            )
            self.fields[f"{m}_reason"] = forms.CharField(
                label=f"Override reason for {row['label']}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Required to override. Shown prominently on the signed screening.",
            )
            self.fields[f"{m}_note"] = forms.CharField(
                label=f"Note for {row['label']}", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.rows.append(
                {
                    **row,
                    "decision_field": self[f"{m}_decision"],
                    "reason_field": self[f"{m}_reason"],
                    "note_field": self[f"{m}_note"],
                }
            )

    def choices(self) -> dict[str, Any]:
        from remit.screening.actions import Choice

        data = self.cleaned_data
        return {
            row["modality"]: Choice(
                decision=data.get(f"{row['modality']}_decision", ""),
                override_reason=data.get(f"{row['modality']}_reason", ""),
                note=data.get(f"{row['modality']}_note", ""),
            )
            for row in self.rows
        }


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="Reason for voiding", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


LEVEL_CHOICES = [
    ("", "As published"),
    ("absolute", "Absolute (contraindicated)"),
    ("relative", "Relative (caution)"),
]


class SettingsForm(forms.Form):
    bp_systolic_limit = forms.IntegerField(
        label="Systolic limit (mmHg)",
        min_value=80,
        max_value=250,
        help_text="Example value 140 (label: e.g. > 140/90): the medical director must confirm it.",
    )
    bp_diastolic_limit = forms.IntegerField(
        label="Diastolic limit (mmHg)",
        min_value=40,
        max_value=200,
        help_text="Example value 90: the medical director must confirm it.",
    )
    benzodiazepine_high_dose_diazepam_mg = forms.DecimalField(
        label="High-dose benzodiazepine threshold (mg diazepam equivalent a day)",
        min_value=Decimal("0.1"),
        max_digits=6,
        decimal_places=1,
        help_text="Example value 20 mg (about 2 mg lorazepam): the medical director must confirm it.",
    )
    validity_days = forms.IntegerField(
        label="Validity period (days)",
        min_value=1,
        max_value=730,
        help_text="How long a signed screening allows a course to start. Default 90.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule_rows = []
        for rule in RULES:
            level = forms.ChoiceField(
                label=f"Level of {code_words(rule.id)}", choices=LEVEL_CHOICES, required=False
            )
            off = forms.BooleanField(label=f"Switch off {code_words(rule.id)}", required=False)
            self.fields[f"level__{rule.id}"] = level
            self.fields[f"off__{rule.id}"] = off
            self.rule_rows.append(
                {"rule": rule, "level": self[f"level__{rule.id}"], "off": self[f"off__{rule.id}"]}
            )

    @staticmethod
    def initial_from(stored: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "bp_systolic_limit": stored.bp_systolic_limit,
            "bp_diastolic_limit": stored.bp_diastolic_limit,
            "benzodiazepine_high_dose_diazepam_mg": stored.benzodiazepine_high_dose_diazepam_mg,
            "validity_days": stored.validity_days,
        }
        for rule_id, level in (stored.level_overrides or {}).items():
            initial[f"level__{rule_id}"] = level
        for rule_id in stored.disabled_rules or []:
            initial[f"off__{rule_id}"] = True
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        overrides = {}
        disabled = []
        for rule in RULES:
            level = data.get(f"level__{rule.id}") or ""
            if level and level != rule.level:
                overrides[rule.id] = level
            if data.get(f"off__{rule.id}"):
                disabled.append(rule.id)
        return {
            "bp_systolic_limit": data["bp_systolic_limit"],
            "bp_diastolic_limit": data["bp_diastolic_limit"],
            "benzodiazepine_high_dose_diazepam_mg": data["benzodiazepine_high_dose_diazepam_mg"],
            "validity_days": data["validity_days"],
            "level_overrides": overrides,
            "disabled_rules": disabled,
        }

    @staticmethod
    def field_for(setting: str) -> str | None:
        """The form field for a SettingsError's ``setting`` (``disabled_rules.<rule>`` -> ``off__<rule>``)."""
        if setting.startswith("disabled_rules."):
            return "off__" + setting.split(".", 1)[1]
        if setting.startswith("level_overrides."):
            return "level__" + setting.split(".", 1)[1]
        return setting
