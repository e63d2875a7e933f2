"""Just enough PDF reading to test matplotlib's output without a PDF library (pypdf is not installed)."""

from __future__ import annotations

import re
import zlib


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def info_title(pdf: bytes) -> str:
    match = re.search(rb"/Title \((.*?)(?<!\\)\)", pdf)
    assert match, "no /Title in the info dictionary"
    return match.group(1).replace(b"\\(", b"(").replace(b"\\)", b")").decode("latin-1")


def text(pdf: bytes) -> str:
    """The text shown by TJ arrays in the content streams (matplotlib's Type 42 fonts use 2-byte codes)."""
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        for array in re.findall(rb"\[(.*?)\]\s*TJ", content, re.S):
            parts = re.findall(rb"\(((?:\\.|[^\\)])*)\)", array, re.S)
            data = b"".join(re.sub(rb"\\(.)", rb"\1", p, flags=re.S) for p in parts)
            out.append(data.decode("utf-16-be", errors="replace"))
    return "\n".join(out)
