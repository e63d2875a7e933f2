"""Sections other apps add to the patient chart, in order.

Each section is a function ``section_context(patient, user) -> dict`` and the
template it fills. The registry app (patients) stays ignorant of the apps
built on it: the sections are registered in ``remit.wiring``, in chart order.
A section returns ``{}`` (or ``{"visible": False}``) when the user's role may
not see it. Each section runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

SectionContext = Callable[[Any, Any], dict[str, Any]]

SECTIONS: list[tuple[SectionContext, str]] = []
# Banners go above everything else on the chart (an open high alert must not be scrolled past).
BANNERS: list[tuple[SectionContext, str]] = []


def register(section_context: SectionContext, template: str) -> None:
    if not any(existing is section_context for existing, _ in SECTIONS):
        SECTIONS.append((section_context, template))


def register_banner(banner_context: SectionContext, template: str) -> None:
    if not any(existing is banner_context for existing, _ in BANNERS):
        BANNERS.append((banner_context, template))


def render_banners(request: HttpRequest, patient: Any) -> list[SafeString]:
    return _render(BANNERS, request, patient)


def render_sections(request: HttpRequest, patient: Any) -> list[SafeString]:
    return _render(SECTIONS, request, patient)


def _render(
    registered: list[tuple[SectionContext, str]], request: HttpRequest, patient: Any
) -> list[SafeString]:
    rendered = []
    for section_context, template in registered:
        context = section_context(patient, request.user)
        if not context or context.get("visible") is False:
            continue
        html = render_to_string(template, {**context, "patient": patient}, request)
        if html.strip():
            rendered.append(mark_safe(html))  # noqa: S308 - our own template's output
    return rendered
