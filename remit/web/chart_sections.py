"""Sections other apps add to the patient chart, in order.

Each entry names a function ``section_context(patient, user) -> dict`` and the
template it fills. The registry app stays ignorant of the apps built on it;
a section returns ``{}`` (or ``{"visible": False}``) when the user's role may
not see it. Each section runs a fixed number of queries.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

SECTIONS: list[tuple[str, str]] = [
    ("remit.screening.chart", "screening/_chart_section.html"),
    ("remit.treatment.chart", "treatment/_chart_section.html"),
    ("remit.measures.chart", "measures/_chart_section.html"),
    ("remit.reports.views_patient", "reports/_patient_outcomes_section.html"),
]


def render_sections(request: HttpRequest, patient: Any) -> list[SafeString]:
    rendered = []
    for module_name, template in SECTIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # that part of Remit is not installed in this build
        function = getattr(module, "section_context", None)
        if function is None:
            continue
        context = function(patient, request.user)
        if not context or context.get("visible") is False:
            continue
        html = render_to_string(template, {**context, "patient": patient}, request)
        if html.strip():
            rendered.append(mark_safe(html))  # noqa: S308 - our own template's output
    return rendered
