"""The clinic administrator's protocol pages: list the clinic's protocols; edit one, which saves a new version.

Protocols are clinic configuration, not patient data: changes are audited,
page views are not. An administrator of several clinics picks the clinic with
``?clinic=``; another clinic's protocol is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from remit.accounts.decorators import staff_required, view_clinic_ids
from remit.accounts.models import Clinic
from remit.core.protocols import EsketamineDosing, ProtocolError, protocol_from_dict
from remit.treatment import actions_courses as actions
from remit.treatment.forms_courses import ProtocolEditForm
from remit.treatment.models import Protocol


def _clinic(request: HttpRequest) -> tuple[Clinic, list[Clinic]]:
    clinics = list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))
    if not clinics:
        raise Http404("You belong to no clinic.")
    wanted = request.GET.get("clinic")
    for clinic in clinics:
        if wanted and str(clinic.pk) == wanted:
            return clinic, clinics
    if wanted:
        raise Http404("No such clinic.")
    return clinics[0], clinics


def _example_paths(definition: dict[str, Any]) -> list[str]:
    return [str(name) for name in definition.get("examples") or []]


def _older_adults_source(definition: dict[str, Any]) -> str:
    """The esketamine 65-and-over schedule's source in plain words ("" for other protocols)."""
    try:
        dosing = protocol_from_dict(definition).dosing
    except ProtocolError:
        return ""
    return dosing.older_adults.source_text if isinstance(dosing, EsketamineDosing) else ""


def _rows(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Leaf values of a definition as (path, value, is_example) rows for display."""
    examples = _example_paths(definition)
    rows: list[dict[str, Any]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("examples", "source", "name", "code", "version"):
                    continue
                walk(inner, f"{path}.{key}" if path else key)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, inner in enumerate(value):
                walk(inner, f"{path}[{i}]")
        else:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            is_example = any(
                path == e or path.startswith(e + ".") or path.startswith(e + "[") for e in examples
            )
            rows.append({"path": path, "value": "—" if shown is None else shown, "example": is_example})

    walk(definition, "")
    return rows


@staff_required("protocols.manage")
def protocol_list(request: HttpRequest) -> HttpResponse:
    clinic, clinics = _clinic(request)
    actions.ensure_protocols(clinic, actor=request.user)
    protocols = list(Protocol.objects.filter(clinic=clinic).order_by("modality", "phase", "name", "-version"))
    current = [p for p in protocols if p.is_active]
    older = {p.code: 0 for p in current}
    for p in protocols:
        if not p.is_active and p.code in older:
            older[p.code] += 1
    return render(
        request,
        "treatment/protocol_list.html",
        {"clinic": clinic, "clinics": clinics, "protocols": current, "older": older},
    )


@staff_required("protocols.manage")
@require_http_methods(["GET", "POST"])
def protocol_edit(request: HttpRequest, pk: int) -> HttpResponse:
    protocol = get_object_or_404(
        Protocol.objects.filter(clinic_id__in=view_clinic_ids(request)),
        pk=pk,
    )
    if request.method == "POST":
        form = ProtocolEditForm(request.POST)
        if form.is_valid():
            try:
                row = actions.save_protocol_version(
                    actor=request.user, protocol=protocol, data=form.data_for_save(), request=request
                )
            except ValidationError as error:
                for field, errors in error.error_dict.items():
                    target = "name" if field == "name" else "definition"
                    for message in errors:
                        text = message.message if hasattr(message, "message") else str(message)
                        form.add_error(target, f"{field}: {text}" if target == "definition" else text)
            else:
                messages.success(
                    request, f"Saved as version {row.version}. Courses already planned keep theirs."
                )
                return redirect("treatment:protocol_edit", pk=row.pk)
    else:
        definition = {k: v for k, v in protocol.definition.items() if k not in ("name", "version")}
        form = ProtocolEditForm(
            initial={"name": protocol.name, "definition": json.dumps(definition, indent=2)}
        )
    versions = list(
        Protocol.objects.filter(clinic_id=protocol.clinic_id, code=protocol.code)
        .select_related("created_by")
        .order_by("-version")
    )
    return render(
        request,
        "treatment/protocol_edit.html",
        {
            "protocol": protocol,
            "form": form,
            "rows": _rows(protocol.definition),
            "examples": _example_paths(protocol.definition),
            "older_adults_source": _older_adults_source(protocol.definition),
            "versions": versions,
        },
    )
