"""The only way Remit makes charts and PDF pages: matplotlib configured so no text is ever markup.

matplotlib reads any text with an even number of ``$`` as TeX-like
"mathtext" (``Ann $\\frac{1}{0}$ O'Neil`` is a fraction, ``$x^{`` a parse
error that fails the whole PDF). Charts and PDFs here carry people's names,
drug names, notes and labels typed by staff, so math parsing is switched off
for every text (``text.parse_math`` off, ``text.usetex`` off): a dollar sign is
a dollar sign. The settings are applied when this module is imported, before
any figure exists; every module that draws imports ``Figure``, ``PdfPages``
and the rest from here (``remit/tests/test_plotting.py`` checks that no other
module imports matplotlib), and ``figure()`` re-applies them in case
something changed the global settings since.

Plain Python, no Django.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: files only

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import imread  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

SETTINGS: dict[str, Any] = {
    "text.parse_math": False,  # "$...$" is text, never mathtext
    "text.usetex": False,  # never hand text to a TeX installation
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",  # SVG text stays text (searchable, selectable)
    "pdf.fonttype": 42,  # embed TrueType: PDF text stays selectable
    "svg.hashsalt": "remit",  # stable SVG ids
}


def configure() -> None:
    """Apply Remit's settings to matplotlib's global settings (idempotent)."""
    rc: Any = matplotlib.rcParams  # its stubs type the keys as a closed set of names
    rc.update(SETTINGS)


def figure(*args: Any, **kwargs: Any) -> Figure:
    """A new figure, with no text in it parsed as markup."""
    configure()
    return Figure(*args, **kwargs)


configure()

__all__ = ["SETTINGS", "Axes", "Figure", "Line2D", "PdfPages", "configure", "figure", "imread"]
