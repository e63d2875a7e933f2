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

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: files only

from cycler import cycler  # noqa: E402
from matplotlib import dates as mdates  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import imread  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from remit.core import chart_style as style  # noqa: E402

SETTINGS: dict[str, Any] = {
    "text.parse_math": False,  # "$...$" is text, never mathtext
    "text.usetex": False,  # never hand text to a TeX installation
    # The look shared with the web charts (remit.core.chart_style).
    "font.family": style.FONT_FAMILY,
    "font.size": style.FONT_SIZE,
    "axes.titlesize": style.TITLE_SIZE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": style.FONT_SIZE,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": style.MUTED,
    "axes.prop_cycle": cycler(color=list(style.SERIES)),
    "xtick.labelsize": style.SMALL_SIZE + 1,
    "ytick.labelsize": style.SMALL_SIZE + 1,
    "xtick.color": style.MUTED,
    "ytick.color": style.MUTED,
    "lines.linewidth": style.LINE_WIDTH,
    "lines.markersize": style.MARKER_SIZE,
    "legend.frameon": False,
    "legend.fontsize": style.SMALL_SIZE + 1,
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


def date_axis(ax: Axes, dates: Sequence[dt.date | dt.datetime]) -> None:
    """Dates on the x axis that can be read: whole days or coarser, at most a few labels, none repeated.

    At least a day either side of the data, so a single reading or a day of readings is not
    labelled with hours; labels are "Mar 3" within about ten months (the years go in the axis
    label) and "Mar 2026" beyond.
    """
    if not dates:
        return
    days = [d.date() if isinstance(d, dt.datetime) else d for d in dates]
    lo, hi = min(days) - dt.timedelta(days=1), max(days) + dt.timedelta(days=1)
    ax.set_xlim(lo, hi)  # type: ignore[arg-type]  # matplotlib converts dates
    locator = mdates.AutoDateLocator(minticks=2, maxticks=style.MAX_DATE_TICKS)
    ax.xaxis.set_major_locator(locator)
    short = (hi - lo).days <= 300
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %-d" if short else "%b %Y"))
    ax.xaxis.set_minor_locator(mdates.DayLocator() if (hi - lo).days <= 31 else mdates.MonthLocator())
    if short:
        years = sorted({lo.year, hi.year})
        ax.set_xlabel("–".join(str(y) for y in years), color=style.MUTED)
    for label in ax.get_xticklabels():
        label.set_rotation(0)


def finish(fig: Figure, note: str = "", frame: tuple[float, float, float, float] = (0, 0, 1, 1)) -> None:
    """Lay out a chart the one way: the legend under the plot, left-aligned, then any note.

    One legend for the whole figure (labels of every axes, each once), so a chart with several
    panels explains its colors once. ``frame`` (left, bottom, right, top as figure fractions) is the
    part of the figure the chart may use: all of it on the web, a page's space between its header and
    its page number in a PDF.
    """
    handles: list[Any] = []
    labels: list[str] = []
    for ax in fig.axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label and not label.startswith("_") and label not in labels:
                handles.append(handle)
                labels.append(label)
    height = fig.get_figheight()
    left, bottom, right, top = frame
    note_h = (0.28 / height) if note else 0.0
    columns = max(1, min(len(labels), 4))
    rows = -(-len(labels) // columns) if labels else 0
    legend_h = rows * 0.26 / height
    if note:
        fig.text(
            left + 0.01, bottom + 0.012 * 4.2 / height, note, fontsize=style.SMALL_SIZE, color=style.MUTED
        )
    if labels:
        fig.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(left + 0.01, bottom + note_h),
            ncol=columns,
            frameon=False,
            fontsize=style.SMALL_SIZE + 1,
        )
    fig.tight_layout(rect=(left, bottom + note_h + legend_h + 0.01, right, top))


# --- PDF documents -------------------------------------------------------------------------------

# Inches, portrait. US Letter unless the clinic prints on A4 (the REMIT_PAPER_SIZE setting).
PAPER_SIZES: dict[str, tuple[float, float]] = {"letter": (8.5, 11.0), "a4": (8.27, 11.69)}
MARGIN_X = 0.07  # of the page's width
HEADER_IN = 0.8  # inches kept for the header at the top of each page
FOOTER_IN = 0.6  # and for the page number at the bottom


class Document:
    """A PDF of portrait pages of one paper size, each with the same header and "Page 2 of 5".

    The header names the clinic and the document, and the patient when there is one; page numbers
    are written when the document is rendered, once the number of pages is known. Everything drawn
    goes between ``top`` and ``bottom`` (figure fractions).
    """

    def __init__(self, *, title: str, clinic: str, patient: str = "", paper: str = "letter") -> None:
        if paper not in PAPER_SIZES:
            raise ValueError(f"paper size must be one of {', '.join(PAPER_SIZES)}, not {paper!r}")
        self.title = title
        self.clinic = clinic
        self.patient = patient
        self.size = PAPER_SIZES[paper]
        self.pages: list[Figure] = []

    @property
    def top(self) -> float:
        return 1 - HEADER_IN / self.size[1]

    @property
    def bottom(self) -> float:
        return FOOTER_IN / self.size[1]

    def line_height(self, points: float) -> float:
        """The height of one line of text of ``points`` size, as a fraction of the page."""
        return points * 1.45 / 72 / self.size[1]

    def new_page(self) -> Figure:
        page = figure(figsize=self.size)
        y = 1 - 0.45 / self.size[1]
        page.text(MARGIN_X, y, self.clinic, fontsize=style.SMALL_SIZE + 1, color=style.MUTED, va="baseline")
        page.text(
            MARGIN_X, y - self.line_height(11), self.title, fontsize=11, fontweight="bold", va="baseline"
        )
        if self.patient:
            page.text(
                1 - MARGIN_X,
                y - self.line_height(11),
                self.patient,
                fontsize=style.SMALL_SIZE + 1,
                ha="right",
                va="baseline",
            )
        rule = self.top + 0.1 / self.size[1]
        page.add_artist(Line2D([MARGIN_X, 1 - MARGIN_X], [rule, rule], lw=0.6, color=style.MUTED))
        self.pages.append(page)
        return page

    def render(self, metadata: dict[str, Any] | None = None) -> bytes:
        """The PDF: every page numbered "Page i of N"."""
        if not self.pages:
            self.new_page()
        total = len(self.pages)
        out = io.BytesIO()
        with PdfPages(out, metadata={"Creator": "Remit", "Title": self.title, **(metadata or {})}) as pdf:
            for number, page in enumerate(self.pages, start=1):
                page.text(
                    1 - MARGIN_X,
                    0.3 / self.size[1],
                    f"Page {number} of {total}",
                    fontsize=style.SMALL_SIZE,
                    color=style.MUTED,
                    ha="right",
                )
                pdf.savefig(page)
        return out.getvalue()


class Flow:
    """Text, tables and charts written down a document's pages, a new page started when one is full."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.page: Figure | None = None
        self.y = 0.0

    def _room(self, height: float) -> Figure:
        if self.page is None or self.y - height < self.document.bottom:
            self.page = self.document.new_page()
            self.y = self.document.top - 0.01
        return self.page

    def new_page(self) -> None:
        self.page = None

    def line(
        self, text: str, *, size: float = 9, bold: bool = False, indent: float = 0, color: str = "#111111"
    ) -> None:
        width = int(108 * 9 / size * (1 - 2 * MARGIN_X - indent) / (1 - 2 * MARGIN_X))
        for i, part in enumerate(textwrap.wrap(text, width=width) or [""]):
            step = self.document.line_height(size)
            page = self._room(step)
            page.text(
                MARGIN_X + indent + (0.02 if i else 0),
                self.y,
                part,
                fontsize=size,
                fontweight="bold" if bold else "normal",
                color=color,
                va="top",
            )
            self.y -= step

    def heading(self, text: str, size: float = 12) -> None:
        self._room(self.document.line_height(size) * 3)  # a heading never ends a page
        self.y -= self.document.line_height(size) * 0.4
        self.line(text, size=size, bold=True)

    def gap(self, lines: float = 0.6) -> None:
        self.y -= self.document.line_height(9) * lines

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 9,
    ) -> None:
        """Rows under a header of columns (``widths``: fractions of the text width); the header repeats
        on each page the table continues on, and a row is never split between pages."""
        text_width = 1 - 2 * MARGIN_X
        lefts = [MARGIN_X + text_width * sum(widths[:i]) for i in range(len(widths))]
        chars = [max(8, int(118 * 9 / size * w)) for w in widths]
        step = self.document.line_height(size)

        def draw(cells: Sequence[str], *, bold: bool, shade: bool) -> None:
            wrapped = [
                textwrap.wrap(str(cell), width=n) or [""] for cell, n in zip(cells, chars, strict=True)
            ]
            height = step * max(len(w) for w in wrapped) + step * 0.35
            if self.page is None or self.y - height < self.document.bottom:
                self._room(height + step * 1.5)
                if not shade:
                    draw(header, bold=True, shade=True)
            page = self._room(height)
            if shade:
                page.add_artist(
                    Line2D(
                        [MARGIN_X, 1 - MARGIN_X], [self.y - height, self.y - height], lw=0.8, color="#444444"
                    )
                )
            for col, lines in enumerate(wrapped):
                for k, text in enumerate(lines):
                    page.text(
                        lefts[col] + 0.005,
                        self.y - step * 0.2 - k * step,
                        text,
                        fontsize=size,
                        fontweight="bold" if bold else "normal",
                        va="top",
                    )
            self.y -= height
            if not shade:
                page.add_artist(Line2D([MARGIN_X, 1 - MARGIN_X], [self.y, self.y], lw=0.3, color=style.GRID))

        self._room(step * 3)
        draw(header, bold=True, shade=True)
        for row in rows:
            draw(row, bold=False, shade=False)
        self.gap()

    def image(self, chart: Figure, width: float = 1 - 2 * MARGIN_X) -> None:
        """A chart drawn into the page at its own proportions (rasterized at 200 dpi)."""
        w_in, h_in = chart.get_size_inches()
        page_w, page_h = self.document.size
        height = width * page_w * h_in / w_in / page_h
        page = self._room(height + 0.01)
        buffer = io.BytesIO()
        chart.savefig(buffer, format="png", dpi=200)
        buffer.seek(0)
        ax = page.add_axes((MARGIN_X, self.y - height, width, height))
        ax.imshow(imread(buffer))
        ax.set_axis_off()
        self.y -= height + 0.015


configure()

__all__ = [
    "SETTINGS",
    "PAPER_SIZES",
    "Axes",
    "Document",
    "Figure",
    "Flow",
    "Line2D",
    "PdfPages",
    "configure",
    "date_axis",
    "figure",
    "finish",
    "imread",
    "style",
]
