"""The outcome report as a PDF (matplotlib ``PdfPages``): title page, figures table, then each chart."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone

from remit.plotting import Figure, PdfPages, figure
from remit.reports import charts
from remit.reports.report import OutcomeReport

TITLE = "Outcome report"
# Title page + figures table + one page per chart.
PAGE_COUNT = 2 + len(charts.CHARTS)


def _text_page(lines: Sequence[tuple[str, float, str]]) -> Figure:
    """A portrait page of text: (text, font size, weight) from the top."""
    fig = figure(figsize=(8.27, 11.69))
    y = 0.95
    for text, size, weight in lines:
        fig.text(0.07, y, text, fontsize=size, fontweight=weight, va="top", family="DejaVu Sans")
        y -= size / 11.69 / 72 * 1.55 if text else 0.012
    return fig


def _filters(report: OutcomeReport) -> list[str]:
    labels = report.filter_labels
    f = report.filter
    return [
        f"Clinics: {labels.get('clinic', 'all of yours')}",
        f"Course start: {f.date_from or 'any'} to {f.date_to or 'any'}",
        f"Modality: {labels.get('modality', f.modality or 'all')}",
        f"Protocol: {f.protocol or 'all'}",
        f"Prescriber: {labels.get('prescriber', 'all')}",
        f"Instrument: {labels.get('instrument', f.instrument)}",
    ]


def figures_lines(report: OutcomeReport) -> list[str]:
    c = report.counts
    lines = [
        f"Induction courses started: {c.started}; completed {c.completed}; discontinued {c.discontinued}; "
        f"ongoing {c.ongoing}",
        f"Completion rate: {c.completion.display}",
    ]
    for reason, n in c.discontinued_reasons.items():
        lines.append(f"    discontinued - {reason}: {n}")
    lines += [
        f"Maintenance / booster courses started: {report.maintenance_started}",
        "",
        f"Response at end of induction: {report.end_of_induction.response.display}",
        f"Remission at end of induction: {report.end_of_induction.remission.display}",
        "",
        f"Durability, median time free of retreatment or relapse: {report.median_display}",
    ]
    lines += [f"    still free at {weeks} weeks: {text}" for weeks, text in report.free_at_display]
    lines += ["", f"Dissociation vs benefit (Spearman): {report.dissociation_display}", ""]
    lines += [f"Responding on day {day} after the first dose: {r.display}" for day, r in report.onset.items()]
    lines.append("")
    for title, data in (
        ("baseline band", report.by_band_display),
        ("failed adequate trials", list(report.by_failed_trials.items())),
    ):
        for label, rr in data:
            lines.append(f"By {title} {label}: response {rr.response.display}")
            lines.append(f"    remission {rr.remission.display}")
    return lines


def render(report: OutcomeReport) -> bytes:
    out = io.BytesIO()
    generated = timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M %Z")
    with PdfPages(out) as pdf:
        meta = pdf.infodict()
        meta["Title"] = f"{TITLE} ({report.filter.instrument})"
        meta["Author"] = "Remit"
        meta["Subject"] = "Clinic outcome report: aggregate figures, no patient identifiers"
        meta["Keywords"] = ", ".join(title for title, _ in charts.CHARTS.values())
        meta["CreationDate"] = report.generated_at
        title = [
            (TITLE, 24, "bold"),
            ("", 0, "normal"),
            (f"Generated {generated}", 11, "normal"),
            (f"Minimum n for a rate: {report.min_n}; rates show a Wilson 95% CI", 11, "normal"),
            ("", 0, "normal"),
            ("Filters", 14, "bold"),
        ]
        title += [(line, 11, "normal") for line in _filters(report)]
        title += [
            ("", 0, "normal"),
            ("Contents", 14, "bold"),
            ("Figures table", 11, "normal"),
        ] + [(name, 11, "normal") for name, _ in charts.CHARTS.values()]
        pdf.savefig(_text_page(title))
        pdf.savefig(
            _text_page(
                [("Figures", 16, "bold"), ("", 0, "normal")]
                + [(line, 9, "normal") for line in figures_lines(report)]
            )
        )
        for _, draw in charts.CHARTS.values():
            fig = draw(report)
            fig.set_size_inches(10, 6)
            pdf.savefig(fig)
    return out.getvalue()
