"""The report's charts, drawn with matplotlib through ``remit.plotting`` (no text parsed as markup): SVG for the page, the same figures in the PDF.

Plain on purpose: labelled axes, n on every chart, no grid clutter, no 3-D, two
colors, each chart with a legend; the look (colors, font, line widths, where the legend goes) is
``remit.core.chart_style``, the same as the small charts on a patient's pages. Below the minimum n a chart says "too few to report" instead of
drawing a shape that would be read as a finding.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from remit.core.analytics import TOO_FEW
from remit.plotting import Axes, Figure, figure, finish, style
from remit.reports.report import OutcomeReport

RESPONSE = style.PRIMARY
REMISSION = style.SECONDARY
GREY = style.MUTED


Frame = tuple[float, float, float, float]
FULL: Frame = (0, 0, 1, 1)


def _figure(title: str, page: Figure | None) -> tuple[Figure, Axes]:
    """A chart's own figure for the web, or ``page`` when it is drawn into a PDF page."""
    fig = page if page is not None else figure(figsize=(7.0, 4.2), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_title(title)
    return fig, ax


def _too_few(ax: Axes, n: int) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"{TOO_FEW} (n={n})", ha="center", va="center", color=GREY, fontsize=12)


def session_curve(report: OutcomeReport, page: Figure | None = None, frame: Frame = FULL) -> Figure:
    fig, ax = _figure("Response and remission by session number", page)
    points = [p for p in report.curve if p.response.reportable or p.remission.reportable]
    if not points:
        _too_few(ax, max((p.n for p in report.curve), default=0))
        return fig
    for attr, colour, label, marker in (
        ("response", RESPONSE, "Response (≥50% drop)", "o"),
        ("remission", REMISSION, "Remission", "s"),
    ):
        xs = [p.session_number for p in points if getattr(p, attr).reportable]
        rates = [getattr(p, attr) for p in points if getattr(p, attr).reportable]
        ys = [100 * r.value for r in rates]
        lo = [100 * (r.value - r.low) for r in rates]
        hi = [100 * (r.high - r.value) for r in rates]
        ax.errorbar(xs, ys, yerr=[lo, hi], color=colour, marker=marker, capsize=3, label=label)
    ax.set_xlabel("Sessions given before the assessment (n courses under each)")
    ax.set_ylabel("Courses (%)")
    ax.set_ylim(0, 100)
    ax.set_xticks([p.session_number for p in points])
    ax.set_xticklabels([f"{p.session_number}\nn={p.n}" for p in points])
    finish(fig, "Bars: 95% CI (Wilson). Points below the minimum n are left out.", frame)
    return fig


def durability(report: OutcomeReport, page: Figure | None = None, frame: Frame = FULL) -> Figure:
    d = report.durability
    fig, ax = _figure(f"Free of retreatment or relapse after the course (n={d.n}, {d.events} events)", page)
    if not d.reportable or not d.times:
        _too_few(ax, d.n)
        return fig
    times = [0.0, *d.times]
    surv = [1.0, *d.survival]
    low = [1.0, *d.low]
    high = [1.0, *d.high]
    ax.fill_between(
        times,
        [100 * v for v in low],
        [100 * v for v in high],
        step="post",
        color=RESPONSE,
        alpha=0.18,
        linewidth=0,
        label="95% CI",
    )
    ax.step(times, [100 * v for v in surv], where="post", color=RESPONSE, label="Still free")
    for i, s in enumerate(d.free_at):
        ax.axvline(
            s.day,
            color=GREY,
            linewidth=style.REFERENCE_WIDTH,
            dashes=style.DASHES["session"],
            label="4, 8, 12 and 26 weeks" if i == 0 else None,
        )
        if s.survival is not None:
            ax.annotate(
                f"{s.survival:.0%}",
                (s.day, 100 * s.survival),
                textcoords="offset points",
                xytext=(3, 4),
                fontsize=style.SMALL_SIZE,
                color=GREY,
            )
    ax.set_xlabel("Days since the last induction session")
    ax.set_ylabel("Still free (%)")
    ax.set_ylim(0, 102)
    ax.set_xlim(0, max(times[-1], 1))
    finish(fig, f"Kaplan–Meier. Median: {report.median_display}", frame)
    return fig


def dissociation(report: OutcomeReport, page: Figure | None = None, frame: Frame = FULL) -> Figure:
    r = report.dissociation
    fig, ax = _figure("Peak dissociation (CADSS) vs improvement at end of induction", page)
    if not r.reportable:
        _too_few(ax, r.n)
        return fig
    xs = [p[0] for p in report.scatter]
    ys = [100 * p[1] for p in report.scatter]
    ax.scatter(
        xs,
        ys,
        s=14,
        color=RESPONSE,
        alpha=0.5 if len(xs) > 200 else 0.8,
        linewidths=0,
        label="One completed course",
    )
    ax.axhline(
        50,
        color=GREY,
        linewidth=style.REFERENCE_WIDTH,
        dashes=style.DASHES["response"],
        label="Response (50% improvement)",
    )
    ax.set_xlabel("Peak CADSS total during induction")
    ax.set_ylabel("Improvement from baseline (%)")
    shown = "" if report.scatter_total <= len(xs) else f"; {len(xs):,} of {report.scatter_total:,} shown"
    finish(fig, f"Spearman {report.dissociation_display}{shown}", frame)
    return fig


def strata(report: OutcomeReport, page: Figure | None = None, frame: Frame = FULL) -> Figure:
    fig = page if page is not None else figure(figsize=(7.0, 4.6), dpi=100)
    groups = (
        ("By baseline severity", dict(report.by_band_display)),
        ("By failed adequate trials", report.by_failed_trials),
    )
    for i, (title, data) in enumerate(groups):
        ax = fig.add_subplot(1, 2, i + 1)
        ax.set_title(title)
        labels = list(data)
        if not labels:
            _too_few(ax, 0)
            continue
        width = 0.38
        for j, (attr, colour, name) in enumerate(
            (("response", RESPONSE, "Response"), ("remission", REMISSION, "Remission"))
        ):
            for k, label in enumerate(labels):
                r = getattr(data[label], attr)
                x = k + (j - 0.5) * width
                if r.reportable:
                    ax.bar(x, 100 * r.value, width, color=colour, label=name if k == 0 else None)
                    ax.errorbar(
                        x,
                        100 * r.value,
                        yerr=[[100 * (r.value - r.low)], [100 * (r.high - r.value)]],
                        color="#222",
                        capsize=2,
                        linewidth=0.8,
                    )
                else:
                    ax.text(x, 2, "too few", rotation=90, ha="center", va="bottom", fontsize=7, color=GREY)
        ns = [data[label].remission.n for label in labels]
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels([f"{label}\nn={n}" for label, n in zip(labels, ns, strict=True)])
        ax.set_ylim(0, 100)
        ax.set_ylabel("At end of induction (%)")
    finish(fig, "Bars: 95% CI (Wilson); n = completed courses with an end-of-induction score.", frame)
    return fig


CHARTS: dict[str, tuple[str, Callable[..., Figure]]] = {
    "sessions": ("Response and remission by session number", session_curve),
    "durability": ("Durability after the course (Kaplan–Meier)", durability),
    "dissociation": ("Dissociation vs benefit", dissociation),
    "strata": ("Response and remission by baseline severity and failed trials", strata),
}


def svg(report: OutcomeReport, name: str) -> bytes:
    fig = CHARTS[name][1](report)
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
