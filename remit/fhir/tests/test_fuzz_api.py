"""Both HTTP APIs fuzzed by schemathesis over real HTTP (``live_server``): no request gets a 5xx.

- ``/api/v1/`` (django-ninja, its own OpenAPI document) with a signed-in, MFA-verified staff
  session and a CSRF cookie + header, so unsafe methods reach the views too;
- ``/fhir/r4/`` with the hand-made OpenAPI document at ``/fhir/r4/openapi.json`` and a token.

Bounded (``MAX_EXAMPLES`` per operation, no deadline) so the file runs in well under a minute.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.internal.conjecture import utils as conjecture_utils
from schemathesis.checks import not_a_server_error

from remit.fhir.tests.api import token_for
from remit.measures.actions_assessments import record_assessment
from remit.measures.models import Assessment
from remit.testing import login, make_patient

MAX_EXAMPLES = 20


_MANY = conjecture_utils.many


class _LegacyMany:
    """``many(...).more()`` / ``.reject()`` as hypothesis-jsonschema 0.23.1 calls them, on top of the
    context-manager/iterator ``many`` of the Hypothesis in our lock (6.170), which dropped ``more()``.

    Remove once the lock pairs hypothesis-jsonschema with a Hypothesis it supports.
    """

    def __init__(self, data, min_size, max_size, average_size, **kwargs):
        self._inner = _MANY(data, min_size=min_size, max_size=max_size, average_size=average_size, **kwargs)
        self._inner.__enter__()
        self._elements = iter(self._inner)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self._inner.__exit__(None, None, None)
            return False
        return True

    def reject(self, why=None) -> None:
        self._inner.reject(why)


@pytest.fixture(autouse=True)
def _hypothesis_jsonschema_compatible(monkeypatch):
    from hypothesis_jsonschema import _from_schema

    class _ConjectureUtils:
        many = _LegacyMany

        def __getattr__(self, name):
            return getattr(conjecture_utils, name)

    if not hasattr(_MANY, "more"):
        monkeypatch.setattr(_from_schema, "cu", _ConjectureUtils())


def fuzz(schema, **call_kwargs) -> int:
    """Run every operation of ``schema``; returns how many operations were exercised."""
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(**call_kwargs)
            case.validate_response(response, checks=(not_a_server_error,))

        run()
    return operations


@pytest.mark.django_db(transaction=True)
def test_the_fhir_api_answers_fuzzed_requests_without_server_errors(world, live_server):
    patient = make_patient(world.clinic)
    record_assessment(
        patient=patient, instrument="gad7", answers={f"q{i}": 1 for i in range(1, 8)}, respondent="patient"
    )
    _token, raw = token_for(world)
    schema = schemathesis.from_uri(f"{live_server.url}/fhir/r4/openapi.json", base_url=live_server.url)
    assert fuzz(schema, headers={"Authorization": f"Bearer {raw}"}) == 5


@pytest.mark.django_db(transaction=True)
def test_the_json_api_answers_fuzzed_requests_without_server_errors(world, live_server):
    patient = make_patient(world.clinic)
    client = login(Client(), world.users["prescriber"])
    csrf = _get_new_csrf_string()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    # django-ninja writes OpenAPI 3.1, which schemathesis 3.39 reads only when told to.
    schema = schemathesis.from_uri(
        f"{live_server.url}/api/v1/openapi.json", base_url=live_server.url, force_schema_version="30"
    )
    headers = {"X-CSRFToken": csrf, "Referer": live_server.url}
    # The session is real: the fuzzing reaches the views, not just the sign-in check.
    signed_in = requests.get(f"{live_server.url}/api/v1/measures/instruments", cookies=cookies, timeout=10)
    assert signed_in.status_code == 200, signed_in.text[:200]
    exercised = fuzz(schema, cookies=cookies, headers=headers)
    assert exercised >= 3
    # The CSRF cookie + header get unsafe methods past the CSRF check to the view.
    posted = requests.post(
        f"{live_server.url}/api/v1/measures/patients/{patient.pk}/assessments",
        json={"instrument": "gad7", "answers": {f"q{i}": 0 for i in range(1, 8)}},
        cookies=cookies,
        headers=headers,
        timeout=10,
    )
    assert posted.status_code == 201, posted.text[:200]
    assert Assessment.objects.filter(patient=patient).exists()
