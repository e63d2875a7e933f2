"""One look for every chart Remit draws: on the web (Chart.js) and in PDFs (matplotlib).

The small trajectory charts on a patient's pages and the large charts of the reports take their
colors, font, line widths and legend placement from here, so a series means the same thing
wherever it is read. ``remit.plotting`` applies it to matplotlib; ``web()`` is what the Chart.js
component reads (as JSON in the page). Plain data, no drawing library.
"""

from __future__ import annotations

from typing import Any, Final

FONT_FAMILY: Final = "DejaVu Sans"
# Sizes in points (matplotlib) and in CSS pixels (web): the same numbers read alike at both scales.
FONT_SIZE: Final = 10
TITLE_SIZE: Final = 11
SMALL_SIZE: Final = 8

# Colors: the main series, the second series, reference lines and muted text.
PRIMARY: Final = "#1f5fa8"  # a score over time; response
SECONDARY: Final = "#2e7d32"  # remission
ACCENT: Final = "#b45309"  # a dose
MUTED: Final = "#5b6672"  # baseline, notes, axis labels
GRID: Final = "#d8dde3"  # session markers, light rules
SERIES: Final = (PRIMARY, SECONDARY, ACCENT, "#7b1fa2", "#00838f")

LINE_WIDTH: Final = 1.8
REFERENCE_WIDTH: Final = 1.0
MARKER_SIZE: Final = 4.5

# Reference lines keep one dash pattern each, in both renderers.
DASHES: Final = {
    "baseline": (1.5, 2.5),
    "response": (6.0, 3.0),
    "remission": (6.0, 3.0),
    "session": (2.0, 3.0),
}

# The legend sits under the plot, left-aligned, without a frame: it never covers a point.
LEGEND_POSITION: Final = "bottom"

# Date axes: at most this many labels, never two the same.
MAX_DATE_TICKS: Final = 6


def web() -> dict[str, Any]:
    """The style as the Chart.js component reads it (json_script)."""
    return {
        "font": {"family": f"{FONT_FAMILY}, system-ui, sans-serif", "size": FONT_SIZE + 2},
        "colors": {
            "primary": PRIMARY,
            "secondary": SECONDARY,
            "accent": ACCENT,
            "muted": MUTED,
            "grid": GRID,
        },
        "lineWidth": LINE_WIDTH,
        "referenceWidth": REFERENCE_WIDTH,
        "markerRadius": MARKER_SIZE,
        "dashes": {name: list(pattern) for name, pattern in DASHES.items()},
        "legend": LEGEND_POSITION,
        "maxDateTicks": MAX_DATE_TICKS,
    }
