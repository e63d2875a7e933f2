"""Every named staff URL has a permission-matrix test class (NetBox's rule).

The guard imports every test module, finds the classes that inherit ``PermissionMatrix``, asks
each for its URL against a fresh world, resolves it to the view's name, and compares with every
named URL in Remit's own URL configuration. A view added without a matrix class fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve

import remit
from remit.testing import PermissionMatrix, build_world, make_patient

# URLs a matrix does not fit, each with the reason and where their access is tested instead.
NOT_STAFF_PAGES = {
    "accounts:login": "the sign-in page is for everyone",
    "accounts:logout": "signing out is for everyone",
    "accounts:mfa": "the second-factor step of sign-in (tests in accounts/tests/test_mfa*.py)",
    "accounts:recovery_codes": "the second-factor step of sign-in (tests in accounts/tests/test_mfa*.py)",
    "accounts:keepalive": "any signed-in user keeps their own session alive",
    "accounts:reauth": "any signed-in user confirms their own password",
    "accounts:password_change": "any signed-in user changes their own password",
    "portal:open": "the patient portal: a single-use link, no staff sign-in (measures/tests/test_portal_*)",
    "portal:step": "the patient portal: a single-use link, no staff sign-in (measures/tests/test_portal_*)",
    "portal:done": "the patient portal: a single-use link, no staff sign-in (measures/tests/test_portal_*)",
    "portal_record:record": "the patient portal: a verified questionnaire link, no staff sign-in (tests/onc/test_d04_amendments.py)",
    "portal_record:disagree": "the patient portal: a verified questionnaire link, no staff sign-in (tests/onc/test_d04_amendments.py)",
    "healthz": "the load balancer's health check names no data",
    "api:openapi-json": "the API's public description",
    "api:openapi-view": "the API's public description",
    "api:api-root": "the API's index names no data",
    "api:list_assessments": "the same URL as api:create_assessment; both have matrix classes in measures/tests/test_api.py",
    "fhir:metadata": "the FHIR capability statement is public by the standard",
    "fhir:openapi": "the FHIR API's public description",
    "fhir:patient": "token-authenticated FHIR API (fhir/tests/test_api_permissions.py)",
    "fhir:observation_search": "token-authenticated FHIR API (fhir/tests/test_api_permissions.py)",
    "fhir:questionnaire_response_search": "token-authenticated FHIR API (fhir/tests/test_api_permissions.py)",
    "fhir:condition_search": "token-authenticated FHIR API (fhir/tests/test_api_permissions.py)",
    "fhir:unknown": "token-authenticated FHIR API (fhir/tests/test_api_permissions.py)",
}


def named_urls() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue  # Django's admin has its own staff checks and is not a clinic page
                inner = entry.namespace or namespace
                if namespace and entry.namespace:
                    inner = f"{namespace}:{entry.namespace}"
                walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver(), None)
    return names


def matrix_classes() -> list[type[PermissionMatrix]]:
    for module in pkgutil.walk_packages(remit.__path__, "remit."):
        if ".tests." in module.name and module.name.rsplit(".", 1)[-1].startswith("test_"):
            importlib.import_module(module.name)
    found: list[type[PermissionMatrix]] = []
    pending: list[type[Any]] = [PermissionMatrix]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__name__.startswith("Test"):  # what pytest collects; the rest are shared bases
                found.append(sub)
    return found


class _Rollback(Exception):
    pass


@pytest.mark.django_db
def test_every_named_staff_url_has_a_permission_matrix_class() -> None:
    covered: dict[str, str] = {}
    for cls in matrix_classes():
        try:
            with transaction.atomic():
                world = build_world()
                url = cls().url(world, make_patient(world.clinic))
                raise _Rollback(url)
        except _Rollback as done:
            url = str(done.args[0])
        view_name = resolve(url.split("?")[0]).view_name
        covered.setdefault(view_name, f"{cls.__module__}.{cls.__name__}")
    missing = sorted(named_urls() - set(covered) - set(NOT_STAFF_PAGES))
    assert not missing, f"these views have no PermissionMatrix test class: {missing}"


def test_every_exemption_names_a_url_that_exists() -> None:
    unknown = sorted(set(NOT_STAFF_PAGES) - named_urls())
    assert not unknown, f"exempted URLs that no longer exist: {unknown}"
