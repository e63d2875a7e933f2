"""Instruments as FHIR: Questionnaire, QuestionnaireResponse, score and rating Observations."""

from __future__ import annotations

from collections.abc import Mapping

from remit.core.fhir_systems import (
    BAND_SYSTEM,
    CANONICAL_BASE,
    INSTRUMENT_ITEM_SYSTEM,
    INSTRUMENT_SYSTEM,
    OBSERVATION_CATEGORY,
    ORDINAL_VALUE,
)
from remit.core.instruments import Instrument, Item, get_instrument
from remit.core.instruments.errors import UnknownInstrument
from remit.core.instruments.questionnaire import TOTAL_LINK_ID, option_coding
from remit.fhir.mapping.common import (
    JSON,
    MappingError,
    build,
    coding,
    concept,
    date_time,
    fhir_id,
    loinc,
    quantity,
    reference,
)
from remit.fhir.mapping.data import AssessmentData, RatingData

SURVEY = concept(coding(OBSERVATION_CATEGORY, "survey", "Survey"))


def _instrument(instrument: Instrument | str) -> Instrument:
    return get_instrument(instrument) if isinstance(instrument, str) else instrument


def canonical_url(instrument: Instrument | str, canonical_base: str = CANONICAL_BASE) -> str:
    """The Questionnaire canonical URL of an instrument, without version."""
    return f"{canonical_base}/{_instrument(instrument).code}"


def _ordinal(points: int) -> JSON:
    return {"url": ORDINAL_VALUE, "valueDecimal": points}


def instrument_coding(instrument: Instrument) -> JSON:
    return coding(INSTRUMENT_SYSTEM, instrument.code, instrument.name)


def _item_text(instrument: Instrument, item: Item, wording: Mapping[str, str] | None) -> str:
    if wording and wording.get(item.id):
        return wording[item.id]
    if item.text and instrument.show_wording:
        return item.text
    return item.label


def instrument_questionnaire(
    instrument: Instrument | str,
    *,
    wording: Mapping[str, str] | None = None,
    canonical_base: str = CANONICAL_BASE,
) -> JSON:
    """An SDC-style Questionnaire for one instrument.

    linkId = Remit item id; LOINC panel, item and answer codes where the
    instrument has verified ones; every scored item's answers carry their
    points in the ``ordinalValue`` extension. Item text is the clinic's
    ``wording`` when given, else the shipped wording for instruments whose
    wording is free, else only the short label (licensed wording is never
    emitted unless the clinic loaded it). A read-only ``total`` item carries
    the LOINC total code where there is one.
    """
    instrument = _instrument(instrument)
    items: list[JSON] = []
    for item in instrument.items:
        options = []
        for option in item.options:
            answer: JSON = {"valueCoding": option_coding(instrument, item, option)}
            if item.scored:
                answer["extension"] = [_ordinal(item.points_for(option.value))]
            options.append(answer)
        entry: JSON = {
            "linkId": item.id,
            "text": _item_text(instrument, item, wording),
            "type": "choice",
            "required": item.scored and not item.conditional,
            "answerOption": options,
        }
        if item.loinc:
            entry["code"] = [loinc(item.loinc)]
        items.append(entry)
    total: JSON = {"linkId": TOTAL_LINK_ID, "text": "Total score", "type": "integer", "readOnly": True}
    if instrument.loinc_total:
        total["code"] = [loinc(instrument.loinc_total)]
    items.append(total)
    codes = [instrument_coding(instrument)]
    if instrument.loinc_panel:
        codes.insert(0, loinc(instrument.loinc_panel))
    resource: JSON = {
        "resourceType": "Questionnaire",
        "id": fhir_id(instrument.code),
        "url": canonical_url(instrument, canonical_base),
        "version": instrument.version,
        "name": "Remit" + "".join(part.capitalize() for part in instrument.code.split("_")),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "Remit",
        "copyright": instrument.licence,
        "code": codes,
        "item": items,
    }
    return build(resource)


def questionnaire_for_canonical(url: str, canonical_base: str = CANONICAL_BASE) -> JSON | None:
    """Remit's own Questionnaire for one of its canonical URLs (``|version`` ignored), else None."""
    bare = url.split("|", 1)[0].rstrip("/")
    prefix = canonical_base.rstrip("/") + "/"
    if not bare.startswith(prefix):
        return None
    try:
        return instrument_questionnaire(bare[len(prefix) :], canonical_base=canonical_base)
    except UnknownInstrument:
        return None


def questionnaire_response(
    assessment: AssessmentData,
    *,
    instrument: Instrument | None = None,
    canonical_base: str = CANONICAL_BASE,
) -> JSON:
    """The QuestionnaireResponse for a stored assessment (id = the assessment's id).

    Answered items only; each answer's Coding carries its points
    (``ordinalValue``) so the response reads without the Questionnaire; the
    stored total goes in the ``total`` item.
    """
    instrument = instrument or get_instrument(assessment.instrument_code)
    unknown = sorted(set(assessment.answers) - set(instrument.item_ids))
    if unknown:
        raise MappingError("answers", f"{instrument.code} has no item(s) {', '.join(unknown)}")
    items: list[JSON] = []
    for item in instrument.items:
        value = assessment.answers.get(item.id)
        if value is None:
            continue
        option = item.option(value)
        if option is None:
            raise MappingError(f"answers.{item.id}", f"{value} is not one of its options")
        answer_coding = option_coding(instrument, item, option)
        if item.scored:
            answer_coding["extension"] = [_ordinal(item.points_for(value))]
        items.append({"linkId": item.id, "answer": [{"valueCoding": answer_coding}]})
    if assessment.total is not None:
        items.append({"linkId": TOTAL_LINK_ID, "answer": [{"valueInteger": assessment.total}]})
    version = assessment.instrument_version or instrument.version
    resource: JSON = {
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(assessment.id),
        "questionnaire": f"{canonical_url(instrument, canonical_base)}|{version}",
        "status": assessment.status,
        "subject": reference("Patient", assessment.patient_id),
        "authored": date_time(assessment.taken_at, "taken_at"),
    }
    if items:
        resource["item"] = items
    return build(resource)


def _score_code(instrument: Instrument) -> JSON:
    codings = [instrument_coding(instrument)]
    if instrument.loinc_total:
        codings.insert(0, loinc(instrument.loinc_total))
    return concept(*codings, text=f"{instrument.name} total score")


def score_observation_id(assessment_id: str | int) -> str:
    return fhir_id(f"{assessment_id}-score")


def score_observation(assessment: AssessmentData, *, instrument: Instrument | None = None) -> JSON:
    """The total score of an assessment (id ``<assessment id>-score``).

    Code: the LOINC total code where verified plus Remit's instrument code;
    value ``{score}``; interpretation = the band in Remit's band code system;
    ``derivedFrom`` the QuestionnaireResponse with the assessment's id. An
    invalid assessment has no score: MappingError (export its response only).
    """
    instrument = instrument or get_instrument(assessment.instrument_code)
    if assessment.total is None:
        raise MappingError("total", f"assessment {assessment.id} has no valid total to export")
    resource: JSON = {
        "resourceType": "Observation",
        "id": score_observation_id(assessment.id),
        "status": "final",
        "category": [SURVEY],
        "code": _score_code(instrument),
        "subject": reference("Patient", assessment.patient_id),
        "effectiveDateTime": date_time(assessment.taken_at, "taken_at"),
        "valueQuantity": quantity(assessment.total, "{score}"),
        "derivedFrom": [reference("QuestionnaireResponse", assessment.id)],
    }
    if assessment.band:
        display = assessment.band.replace("_", " ").capitalize()
        resource["interpretation"] = [concept(coding(BAND_SYSTEM, assessment.band, display), text=display)]
    return build(resource)


def rating_observation(rating: RatingData, *, instrument: Instrument | None = None) -> JSON:
    """A session rating (CADSS, CADSS-6, MOAA/S): Remit's instrument code (no LOINC exists),
    the total, and one component per answered item."""
    instrument = instrument or get_instrument(rating.instrument_code)
    components = []
    for item in instrument.items:
        value = rating.answers.get(item.id)
        if value is None:
            continue
        if item.option(value) is None:
            raise MappingError(f"answers.{item.id}", f"{value} is not one of its options")
        components.append(
            {
                "code": concept(coding(INSTRUMENT_ITEM_SYSTEM, f"{instrument.code}.{item.id}", item.label)),
                "valueInteger": value,
            }
        )
    unknown = sorted(set(rating.answers) - set(instrument.item_ids))
    if unknown:
        raise MappingError("answers", f"{instrument.code} has no item(s) {', '.join(unknown)}")
    if not instrument.total_min <= rating.total <= instrument.total_max:
        raise MappingError(
            "total",
            f"{rating.total} is outside {instrument.code}'s {instrument.total_min}-{instrument.total_max}",
        )
    codings = [instrument_coding(instrument)]
    if instrument.loinc_total:
        codings.insert(0, loinc(instrument.loinc_total))
    resource: JSON = {
        "resourceType": "Observation",
        "id": fhir_id(rating.id),
        "status": "final",
        "category": [SURVEY],
        "code": concept(*codings, text=instrument.name),
        "subject": reference("Patient", rating.patient_id),
        "effectiveDateTime": date_time(rating.taken_at, "taken_at"),
        "valueQuantity": quantity(rating.total, "{score}"),
    }
    if rating.part_of:
        resource["partOf"] = [{"reference": rating.part_of}]
    if components:
        resource["component"] = components
    return build(resource)
