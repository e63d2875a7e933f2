"""send_sms through the backend REMIT_SMS_BACKEND names: console, file, memory or a class of yours."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from remit import notify

SENT: list[tuple[str, str]] = []


class GatewayStub:
    def send(self, to: str, body: str) -> None:
        SENT.append((to, body))


class NoSend:
    pass


@pytest.fixture(autouse=True)
def empty_outbox():
    notify.sms_outbox.clear()
    SENT.clear()
    yield
    notify.sms_outbox.clear()


def test_memory_keeps_messages_in_the_outbox(settings):
    settings.REMIT_SMS_BACKEND = "memory"
    notify.send_sms(" +15550001234 ", "hello")
    assert notify.sms_outbox == [notify.SMS("+15550001234", "hello")]


def test_file_appends_json_lines_to_var_sms_log(settings, tmp_path):
    settings.REMIT_SMS_BACKEND = "file"
    settings.VAR_DIR = tmp_path / "var"
    notify.send_sms("+1555", "first")
    notify.send_sms("+1666", "second")
    lines = [json.loads(line) for line in (tmp_path / "var" / "sms.log").read_text().splitlines()]
    assert [(x["to"], x["body"]) for x in lines] == [("+1555", "first"), ("+1666", "second")]
    assert all(x["at"] for x in lines)


def test_console_prints(settings, capsys):
    settings.REMIT_SMS_BACKEND = "console"
    notify.send_sms("+1555", "hi there")
    assert "SMS to +1555: hi there" in capsys.readouterr().out


def test_a_dotted_path_names_a_class_with_send(settings):
    settings.REMIT_SMS_BACKEND = f"{__name__}.GatewayStub"
    notify.send_sms("+1555", "via gateway")
    assert SENT == [("+1555", "via gateway")]


@pytest.mark.parametrize(
    "name, message",
    [
        ("carrier-pigeon", "must be console, file, memory"),
        ("remit.notify.tests.nothing.Here", "cannot import"),
        (f"{__name__}.NoSend", "no send"),
    ],
)
def test_an_unusable_backend_is_a_configuration_error(settings, name, message):
    settings.REMIT_SMS_BACKEND = name
    with pytest.raises(ImproperlyConfigured, match=message):
        notify.send_sms("+1555", "x")


def test_it_needs_a_number(settings):
    settings.REMIT_SMS_BACKEND = "memory"
    with pytest.raises(ValueError):
        notify.send_sms("  ", "x")
    assert notify.sms_outbox == []
