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


# --- with poppler-utils (pdfinfo, pdftotext): what a reader's PDF viewer sees ---------------------


def poppler_available() -> bool:
    import shutil

    return bool(shutil.which("pdfinfo") and shutil.which("pdftotext"))


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's width and height in points, as pdfinfo reads them."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", "9999", f.name], capture_output=True, text=True, check=True
        ).stdout
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    return [(float(w), float(h)) for w, h in sizes]


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, laid out as pdftotext reads it."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(
            ["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return out.split("\f")[: len(page_sizes(pdf))]


def assert_printable(pdf: bytes, *, header: list[str], paper: tuple[float, float] = (612.0, 792.0)) -> None:
    """Every page the same paper size, portrait, with the header's words and "Page i of N"."""
    sizes = page_sizes(pdf)
    assert sizes, "no pages"
    assert set(sizes) == {paper}, sizes  # one size and one orientation for the whole document
    texts = page_texts(pdf)
    assert len(texts) == len(sizes)
    for number, page in enumerate(texts, start=1):
        assert f"Page {number} of {len(sizes)}" in page, (number, page[-300:])
        for words in header:
            assert words in page, (number, words)
