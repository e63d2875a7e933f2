"""Personas and the permission matrix every staff view's tests inherit.

A persona is a staff member of one role in clinic A; ``other_clinic`` is a
prescriber and administrator in clinic B; ``anonymous`` is nobody.  A view's test
class names its URL and the capability it needs, and inherits one test per persona:
allowed → 200 (or the expected status), forbidden → 403, anonymous → sign-in
page, for patient views another clinic's staff → 404 so that a patient's
existence is not leaked, and for every role a person who works in both clinics
with different roles: they get the access of the role they hold in the record's
clinic, never that of their role in the other clinic (roles are per clinic).
"""

from __future__ import annotations

import base64
import binascii
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from remit.accounts import roles as R
from remit.accounts.models import Clinic, Membership, SealedTOTPDevice, User, ordered_roles

PASSWORD = "correct horse battery staple 42"
PERSONA_ROLES = [R.PRESCRIBER, R.NURSE, R.TMS_TECHNICIAN, R.FRONT_DESK, R.CLINIC_ADMIN]


def totp_secret(device: SealedTOTPDevice) -> str:
    """The base32 secret an authenticator app (or pyotp) takes."""
    return base64.b32encode(binascii.unhexlify(device.key)).decode()


def start_django(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    """Load Remit's settings in a new process with ``env`` (on top of this one's), then run ``code``.

    Settings are read once per process, so how a setting refuses bad values is seen only this way.
    """
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "remit.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parent.parent,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def make_user(
    username: str,
    roles: list[str] | None = None,
    clinics: list[Clinic] | None = None,
    *,
    memberships: dict[Clinic, list[str]] | None = None,
    mfa: bool = True,
) -> User:
    """A staff member holding ``roles`` in each of ``clinics``, or the roles given per clinic in ``memberships``."""
    if memberships is None:
        memberships = {clinic: list(roles or []) for clinic in clinics or []}
    elif roles is not None or clinics is not None:
        raise TypeError("give roles and clinics, or memberships, not both")
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.replace("_", " ").title(),
        last_name="Persona",
    )
    Membership.objects.bulk_create(
        [Membership(user=user, clinic=clinic, roles=ordered_roles(r)) for clinic, r in memberships.items()]
    )
    if mfa:
        SealedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def login(client: Client, user: User) -> Client:
    """Sign a test client in with both factors, as the sign-in pages would."""
    client.force_login(user)
    device = SealedTOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = SealedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["last_activity"] = time.time()
    session["reauth_at"] = time.time()
    session.save()
    return client


def browser_sign_in(page: Any, live_server: Any, user: User) -> Client:
    """Give a Playwright page a signed-in (password + TOTP) session, as the sign-in pages would."""
    client = login(Client(), user)
    name = settings.SESSION_COOKIE_NAME
    page.context.clear_cookies()
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])
    return client


@dataclass
class World:
    clinic: Clinic
    other_clinic: Clinic
    users: dict[str, User]

    def client(self, persona: str) -> Client:
        client = Client()
        if persona == "anonymous":
            return client
        return login(client, self.users[persona])


def build_world() -> World:
    clinic = Clinic.objects.create(name="Clinic A", slug="clinic-a")
    other = Clinic.objects.create(name="Clinic B", slug="clinic-b")
    users = {role: make_user(role, [role], [clinic]) for role in PERSONA_ROLES}
    users["other_clinic"] = make_user("other_clinic", [R.PRESCRIBER, R.CLINIC_ADMIN], [other])
    return World(clinic, other, users)


def make_patient(clinic: Clinic, **fields: Any) -> Any:
    from remit.patients.models import Patient

    n = Patient.objects.count() + 1
    values: dict[str, Any] = {
        "mrn": f"MRN{n:05d}",
        "given_name": "Testa",
        "family_name": f"Synthetic{n}",
        "date_of_birth": date(1980, 5, 17),
        "sex_at_birth": "female",
    }
    values.update(fields)
    return Patient.objects.create(clinic=clinic, **values)


class PermissionMatrix:
    """Inherit, set ``capability`` (or ``allowed_roles``) and define ``url(world, patient)``.

    ``ok_status`` is what an allowed request returns (200 for pages; a redirect for actions).
    The other-clinic case checks that a URL naming a record of clinic A (a patient, a user, a
    token, a protocol) answers 404 to clinic B's staff, so a record's existence is not leaked.
    A page that names no record (a clinic-wide list, a settings page) says why in
    ``other_clinic_not_applicable``, and the case is skipped with that reason.
    """

    capability: str | None = None
    allowed_roles: frozenset[str] | None = None
    other_clinic_not_applicable: str | None = None
    ok_status = 200

    def url(self, world: World, patient: Any) -> str:
        raise AssertionError("a matrix test class must define url()")

    def request(self, client: Client, url: str) -> Any:
        return client.get(url)

    def roles_allowed(self) -> frozenset[str]:
        if self.allowed_roles is not None:
            return self.allowed_roles
        if self.capability is None:
            return frozenset(PERSONA_ROLES)
        return R.roles_with(self.capability)

    @pytest.mark.parametrize("persona", PERSONA_ROLES)
    def test_matrix_role(self, world: World, persona: str) -> None:
        patient = make_patient(world.clinic)
        response = self.request(world.client(persona), self.url(world, patient))
        if persona in self.roles_allowed():
            assert response.status_code == self.ok_status, (persona, response.status_code)
        else:
            assert response.status_code == 403, (persona, response.status_code)

    def test_matrix_anonymous_is_sent_to_sign_in(self, world: World) -> None:
        patient = make_patient(world.clinic)
        response = self.request(world.client("anonymous"), self.url(world, patient))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def contrasting_role(self, role: str) -> str:
        """A role other than ``role`` whose access to this view differs from it when one does."""
        allowed = self.roles_allowed()
        others = [r for r in PERSONA_ROLES if r != role]
        differing = [r for r in others if (r in allowed) != (role in allowed)]
        return (differing or [R.FRONT_DESK if role != R.FRONT_DESK else R.NURSE])[0]

    @pytest.mark.parametrize("persona", PERSONA_ROLES)
    @pytest.mark.parametrize("held_in", ["the record's clinic", "the other clinic"])
    def test_matrix_person_in_both_clinics_gets_the_access_of_their_role_in_the_records_clinic(
        self, world: World, persona: str, held_in: str
    ) -> None:
        """``persona`` is held in one clinic and a contrasting role in the other; the record is clinic A's.

        Allowed by the role held in A → the allowed status. Allowed only by the role held in B → a
        page naming A's record answers 404 (or 403: they work in A, so the record's existence is no
        secret to them), and a clinic-wide page shows nothing of A's. Allowed by neither → 403.
        """
        other = self.contrasting_role(persona)
        in_a, in_b = (persona, other) if held_in == "the record's clinic" else (other, persona)
        user = make_user(
            f"both_{in_a}_{in_b}", memberships={world.clinic: [in_a], world.other_clinic: [in_b]}
        )
        patient = make_patient(world.clinic)
        response = self.request(login(Client(), user), self.url(world, patient))
        allowed = self.roles_allowed()
        where = (in_a, in_b, response.status_code)
        if in_a in allowed:
            assert response.status_code == self.ok_status, where
        elif in_b not in allowed:
            assert response.status_code == 403, where
        elif not self.other_clinic_not_applicable:
            assert response.status_code in (403, 404), where
        else:
            assert response.status_code not in (403, 404) and response.status_code < 500, where
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert patient.family_name.encode() not in body, where

    def test_matrix_other_clinic_gets_not_found(self, world: World) -> None:
        if self.other_clinic_not_applicable:
            pytest.skip(f"another clinic's staff do not apply: {self.other_clinic_not_applicable}")
        patient = make_patient(world.clinic)
        response = self.request(world.client("other_clinic"), self.url(world, patient))
        assert response.status_code == 404


# What a person does to a page, counted for the flow tests: each click or tap, each field filled,
# each box ticked, each option chosen and each key pressed is one action.  The count patches
# Playwright's own Locator, Page and Keyboard methods for the length of a ``with`` block, so a
# test cannot drive the page without it being counted.
_COUNTED_LOCATOR = (
    "click",
    "dblclick",
    "tap",
    "fill",
    "type",
    "press_sequentially",
    "press",
    "check",
    "uncheck",
    "set_checked",
    "select_option",
    "set_input_files",
)
_COUNTED_PAGE = tuple(name for name in _COUNTED_LOCATOR if name != "press_sequentially")
_COUNTED_KEYBOARD = ("press", "type", "insert_text")


@dataclass
class UserActions:
    """The actions counted so far, by kind, with a line per action for the closing note."""

    log: list[str]

    @property
    def total(self) -> int:
        return len(self.log)

    def count(self, kind: str) -> int:
        return sum(1 for line in self.log if line.split(" ", 1)[0] == kind)

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for line in self.log:
            kind = line.split(" ", 1)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        return f"{self.total} actions ({parts})"


class count_user_actions:
    """``with count_user_actions() as actions:`` counts every click, fill, check, choice and key press."""

    def __enter__(self) -> UserActions:
        from playwright.sync_api import Keyboard, Locator, Page

        self.actions = UserActions(log=[])
        self._saved: list[tuple[type, str, Any]] = []
        for cls, names in ((Locator, _COUNTED_LOCATOR), (Page, _COUNTED_PAGE), (Keyboard, _COUNTED_KEYBOARD)):
            for name in names:
                original = getattr(cls, name)
                self._saved.append((cls, name, original))
                setattr(cls, name, self._counting(name, original))
        return self.actions

    def _counting(self, name: str, original: Any) -> Any:
        log = self.actions.log

        def counted(obj: Any, *args: Any, **kwargs: Any) -> Any:
            log.append(f"{name} {obj!r} {args!r}"[:200])
            return original(obj, *args, **kwargs)

        return counted

    def __exit__(self, *exc: object) -> None:
        for cls, name, original in self._saved:
            setattr(cls, name, original)


def error_summary(html: str) -> str:
    """The text of a page's error summary (the box listing what to correct), or "" when there is none."""
    import re

    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(0)) if match else ""
