"""Finding the Questionnaire a QuestionnaireResponse answers.

By the response's canonical URL among the import's Questionnaires (by
``url``, ``Questionnaire/<id>`` or fullUrl); then a Questionnaire the clinic
imported earlier with ``remit instruments import`` (a partner's Questionnaire
that is a built-in instrument, remembered by its canonical URL and version:
``QuestionnaireAlias``); then Remit's own canonical URLs; then a LOINC
canonical (``http://loinc.org/q/<panel>``). The import's Questionnaires are
only read, never stored.
"""

from __future__ import annotations

from remit.core.instruments import INSTRUMENTS
from remit.fhir.importer.outcome import JSON
from remit.fhir.importer.plan import ImportPlan
from remit.fhir.importer.sources import Source
from remit.fhir.mapping import instrument_questionnaire, questionnaire_for_canonical
from remit.fhir.models import QuestionnaireAlias

LOINC_CANONICAL = "http://loinc.org/q/"


def questionnaire_for(plan: ImportPlan, source: Source) -> JSON | None:
    canonical = source.resource.get("questionnaire")
    if not isinstance(canonical, str) or not canonical:
        plan.report.error(
            source.label,
            source.path("questionnaire"),
            "names no Questionnaire, so Remit cannot tell which instrument it is",
        )
        return None
    bare, _, version = canonical.partition("|")
    bare = bare.rstrip("/")
    key = f"{bare}|{version}"
    if key not in plan.canonical_cache:
        plan.canonical_cache[key] = find_questionnaire(plan, bare, version)
    found = plan.canonical_cache[key]
    if found is None:
        plan.report.error(
            source.label,
            source.path("questionnaire"),
            f"{canonical!r} is neither in this import, nor a Questionnaire this clinic imported "
            "(remit instruments import), nor one of Remit's Questionnaires; include the Questionnaire",
            code="not-found",
        )
    return found


def find_questionnaire(plan: ImportPlan, bare: str, version: str = "") -> JSON | None:
    for q in plan.questionnaires:
        url = str(q.resource.get("url") or "").split("|", 1)[0].rstrip("/")
        if bare in (url, q.full_url) or bare in q.keys() or (url and bare == url):
            return q.resource
    alias = QuestionnaireAlias.find(plan.clinic, f"{bare}|{version}" if version else bare)
    if alias is not None:
        plan.used["Questionnaire (imported earlier)"] += 1
        return dict(alias.questionnaire)
    builtin = questionnaire_for_canonical(bare)
    if builtin is not None:
        return builtin
    if bare.startswith(LOINC_CANONICAL):
        panel = bare[len(LOINC_CANONICAL) :]
        for q in plan.questionnaires:
            codes = {c.get("code") for c in q.resource.get("code") or [] if isinstance(c, dict)}
            if panel in codes:
                return q.resource
        for instrument in INSTRUMENTS.values():
            if instrument.loinc_panel == panel:
                return instrument_questionnaire(instrument)
    return None
