"""A QR code as inline SVG, drawn on the server: no external service ever sees what it encodes."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    """An inline <svg> of ``data`` (a secret or a single-use link), safe to put straight in a page."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (drawn here, from our own data)
