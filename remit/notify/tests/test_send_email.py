"""send_email through Django's configured mail backend; the alert text carries no patient data."""

from __future__ import annotations

import pytest
from django.core import mail

from remit import notify


def test_it_sends_one_plain_email_from_the_configured_sender(settings):
    settings.DEFAULT_FROM_EMAIL = "Remit <alerts@clinic.example>"
    notify.send_email("rx@clinic.example", "Subject line", "Body text")
    [message] = mail.outbox
    assert message.to == ["rx@clinic.example"]
    assert message.from_email == "Remit <alerts@clinic.example>"
    assert (message.subject, message.body) == ("Subject line", "Body text")


def test_it_needs_an_address():
    with pytest.raises(ValueError):
        notify.send_email("", "s", "b")
    assert mail.outbox == []


def test_the_alert_message_names_only_the_clinic():
    assert notify.alert_message("Clinic A") == (
        "Remit: a high-priority alert needs review at Clinic A. Sign in to view."
    )
