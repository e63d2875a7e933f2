"""Links other apps offer on the patient portal's pages, for a patient whose link is verified.

The portal (``remit.measures``) shows them without knowing the apps: each is a label and the name of
a URL that takes the link's ``token``, registered in ``remit.wiring``.
"""

from __future__ import annotations

from django.urls import reverse

LINKS: list[tuple[str, str]] = []


def register(label: str, url_name: str) -> None:
    if (label, url_name) not in LINKS:
        LINKS.append((label, url_name))


def for_token(token: str) -> list[dict[str, str]]:
    return [{"label": label, "url": reverse(name, kwargs={"token": token})} for label, name in LINKS]
