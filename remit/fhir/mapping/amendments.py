"""A patient's amendment request as a FHIR R4 DocumentReference (no Django here).

Why a DocumentReference: HIPAA (45 CFR 164.526(c)(1), (d)(4)-(5)) asks that the request, the denial,
the patient's statement of disagreement and the clinic's rebuttal be appended or linked to the part of
the record they concern and sent with it. A DocumentReference is FHIR's resource for a document about
the patient; ``context.related`` links it to the amended resource where Remit exports one (a Condition,
a QuestionnaireResponse, the Patient), and its text says which part it is when Remit does not export
that part (medications, allergies, session notes). A note on the amended resource could not reach those,
and a Provenance describes who made a resource, not a request about it. The original resource is sent
unchanged: an amendment is appended, never written over it.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from remit.fhir.mapping.common import build, date_time, fhir_id, reference

JSON = dict[str, Any]
AMENDMENT_SYSTEM = "https://remit.example.org/fhir/CodeSystem/amendment-request"
STATUS_WORDS = {"open": "waiting for a decision", "accepted": "accepted", "denied": "denied"}


@dataclass(frozen=True)
class AmendmentData:
    id: int
    patient_id: int
    part_label: str
    related: str | None  # "Condition/12" when the part is exported as a resource
    status: str  # open | accepted | denied
    requested_at: dt.datetime
    requested_via: str  # portal | staff
    request_text: str
    due_on: dt.date
    decided_at: dt.datetime | None = None
    amendment_text: str = ""
    denial_reason: str = ""
    disagreement_text: str = ""
    disagreement_at: dt.datetime | None = None
    rebuttal_text: str = ""
    rebuttal_at: dt.datetime | None = None


def amendment_text(data: AmendmentData) -> str:
    """The whole trail in plain words, as the document's text."""
    lines = [
        f"Request to amend: {data.part_label}",
        f"Asked {data.requested_at:%Y-%m-%d} "
        + (
            "by the patient through the portal"
            if data.requested_via == "portal"
            else "by staff for the patient"
        ),
        f"Request: {data.request_text}",
        f"Status: {STATUS_WORDS.get(data.status, data.status)}"
        + (f" (decision due by {data.due_on:%Y-%m-%d})" if data.status == "open" else ""),
    ]
    if data.status == "accepted" and data.decided_at is not None:
        lines.append(
            f"Amendment (accepted {data.decided_at:%Y-%m-%d}; the original is kept): {data.amendment_text}"
        )
    if data.status == "denied" and data.decided_at is not None:
        lines.append(f"Denied {data.decided_at:%Y-%m-%d}. Reason: {data.denial_reason}")
    if data.disagreement_text and data.disagreement_at is not None:
        lines.append(f"Statement of disagreement ({data.disagreement_at:%Y-%m-%d}): {data.disagreement_text}")
    if data.rebuttal_text and data.rebuttal_at is not None:
        lines.append(f"The clinic's rebuttal ({data.rebuttal_at:%Y-%m-%d}): {data.rebuttal_text}")
    return "\n".join(lines)


def amendment_document(data: AmendmentData) -> JSON:
    text = amendment_text(data)
    latest = max(
        t
        for t in (data.requested_at, data.decided_at, data.disagreement_at, data.rebuttal_at)
        if t is not None
    )
    resource: JSON = {
        "resourceType": "DocumentReference",
        "id": fhir_id(f"amendment-{data.id}"),
        "status": "current",
        "docStatus": "final" if data.status != "open" else "preliminary",
        "type": {
            "coding": [
                {
                    "system": AMENDMENT_SYSTEM,
                    "code": "amendment-request",
                    "display": "Request to amend the record",
                }
            ],
            "text": "Request to amend the record (45 CFR 164.526)",
        },
        "category": [
            {
                "coding": [
                    {
                        "system": AMENDMENT_SYSTEM,
                        "code": data.status,
                        "display": STATUS_WORDS.get(data.status, data.status),
                    }
                ]
            }
        ],
        "subject": reference("Patient", data.patient_id),
        "date": date_time(latest, "date"),
        "description": f"Request to amend: {data.part_label} ({STATUS_WORDS.get(data.status, data.status)})",
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(text.encode()).decode(),
                    "title": f"Amendment request {data.id}",
                    "creation": date_time(data.requested_at, "requested_at"),
                }
            }
        ],
    }
    if data.related:
        kind, _, rid = data.related.partition("/")
        resource["context"] = {"related": [reference(kind, rid)]}
    return build(resource)
