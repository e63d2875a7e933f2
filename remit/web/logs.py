"""Server logs that never carry a portal link's token.

The one request that holds a token is the first (``/p/<token>/``, exchanged at once for a portal
session). Django logs 4xx answers with their path (``Gone: /p/<token>/``) and gunicorn's access
log writes every request line, so both are filtered here: the token's segment becomes ``[link]``.
Staff pages put no PHI in their addresses (searches post and redirect to an opaque handle), so
nothing else needs hiding.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger  # type: ignore[import-untyped]

PORTAL_TOKEN = re.compile(r"/p/(?!q/|done/)[^/?#\s]+/")
HIDDEN = "/p/[link]/"


def redact(text: str) -> str:
    return PORTAL_TOKEN.sub(HIDDEN, text)


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactPortalTokens(logging.Filter):
    """A logging filter (settings.LOGGING) for Django's request and server logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        return True


class AccessLogger(GunicornLogger):
    """gunicorn's logger (``--logger-class remit.web.logs.AccessLogger``) with tokens hidden from
    every part of an access log line (request line, path, Referer, headers, environment)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: _clean(value) for key, value in atoms.items()}
