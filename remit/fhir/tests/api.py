"""Helpers for the FHIR API tests: tokens and authenticated GETs."""

from __future__ import annotations

from typing import Any

from django.test import Client

from remit.fhir.actions import issue_token


def token_for(
    world: Any, clinic: Any = None, name: str = "EHR sync", purpose: str = "Treatment: the referring practice"
) -> tuple[Any, str]:
    clinic = clinic or world.clinic
    admin = world.users["clinic_admin"] if clinic == world.clinic else world.users["other_clinic"]
    return issue_token(actor=admin, clinic=clinic, name=name, purpose=purpose)


def get(url: str, raw: str | None = None, client: Client | None = None, **extra: Any) -> Any:
    client = client or Client()
    if raw is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client.get(url, **extra)
