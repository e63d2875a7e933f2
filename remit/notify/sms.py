"""Text-message backends (see ``remit.notify``)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SMS:
    to: str
    body: str


class SMSBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...


# The memory backend's outbox: tests read and clear it (``sms_outbox.clear()``).
sms_outbox: list[SMS] = []

_file_lock = threading.Lock()


class ConsoleBackend:
    def send(self, to: str, body: str) -> None:
        print(f"SMS to {to}: {body}", flush=True)  # noqa: T201


class FileBackend:
    """Appends JSON lines to VAR_DIR/sms.log, as Django's file email backend does for mail."""

    def send(self, to: str, body: str) -> None:
        path = settings.VAR_DIR / "sms.log"
        line = json.dumps({"at": timezone.now().isoformat(), "to": to, "body": body})
        with _file_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")


class MemoryBackend:
    def send(self, to: str, body: str) -> None:
        sms_outbox.append(SMS(to, body))


BUILT_IN: dict[str, type] = {"console": ConsoleBackend, "file": FileBackend, "memory": MemoryBackend}


def get_sms_backend(name: str | None = None) -> SMSBackend:
    name = (name if name is not None else getattr(settings, "REMIT_SMS_BACKEND", "file")).strip()
    if name in BUILT_IN:
        return BUILT_IN[name]()
    if "." not in name:
        raise ImproperlyConfigured(
            f"REMIT_SMS_BACKEND must be console, file, memory or the dotted path of a class, not {name!r}"
        )
    try:
        cls = import_string(name)
    except ImportError as error:
        raise ImproperlyConfigured(f"REMIT_SMS_BACKEND: cannot import {name!r} ({error})")
    backend = cls()
    if not callable(getattr(backend, "send", None)):
        raise ImproperlyConfigured(f"REMIT_SMS_BACKEND: {name!r} has no send(to, body) method")
    return backend


def send_sms(to: str, body: str) -> None:
    """One text message to one number through the configured backend."""
    if not to or not to.strip():
        raise ValueError("send_sms needs a recipient number")
    get_sms_backend().send(to.strip(), body)
