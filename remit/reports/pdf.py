"""The outcome report as a PDF: a title page, the figures as a table, then each chart on its own page.

US Letter portrait unless ``REMIT_PAPER_SIZE`` is ``a4``; every page has the header (clinic,
document title) and "Page i of N" (``remit.plotting.Document``). The charts are drawn into the
pages as vectors, so their words stay text.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from remit.core.instruments import INSTRUMENTS
from remit.plotting import Document, Flow
from remit.reports import charts
from remit.reports.report import OutcomeReport

TITLE = "Outcome report"
# Title page + figures table + one page per chart.
PAGE_COUNT = 2 + len(charts.CHARTS)


def _instrument_name(code: str) -> str:
    instrument = INSTRUMENTS.get(code)
    return instrument.name if instrument is not None else code


def _filters(report: OutcomeReport) -> list[str]:
    labels = report.filter_labels
    f = report.filter
    return [
        f"Clinics: {labels.get('clinic', 'all of yours')}",
        f"Course start: {f.date_from or 'any'} to {f.date_to or 'any'}",
        f"Modality: {labels.get('modality', f.modality or 'all')}",
        f"Protocol: {f.protocol or 'all'}",
        f"Prescriber: {labels.get('prescriber', 'all')}",
        f"Instrument: {labels.get('instrument', _instrument_name(f.instrument))}",
    ]


def figures_rows(report: OutcomeReport) -> list[tuple[str, str]]:
    """The figures table: what is measured, and its value."""
    c = report.counts
    rows = [
        ("Induction courses started", str(c.started)),
        ("Completed / discontinued / ongoing", f"{c.completed} / {c.discontinued} / {c.ongoing}"),
        ("Completion rate", c.completion.display),
    ]
    rows += [(f"Discontinued: {reason}", str(n)) for reason, n in c.discontinued_reasons.items()]
    rows += [
        ("Maintenance / booster courses started", str(report.maintenance_started)),
        ("Response at end of induction", report.end_of_induction.response.display),
        ("Remission at end of induction", report.end_of_induction.remission.display),
        ("Durability: median time free of retreatment or relapse", report.median_display),
    ]
    rows += [(f"Still free at {weeks} weeks", text) for weeks, text in report.free_at_display]
    rows.append(("Dissociation vs benefit (Spearman)", report.dissociation_display))
    rows += [(f"Responding on day {day} after the first dose", r.display) for day, r in report.onset.items()]
    for title, data in (
        ("baseline band", report.by_band_display),
        ("failed adequate trials", list(report.by_failed_trials.items())),
    ):
        for label, rr in data:
            rows.append((f"Response, by {title} {label}", rr.response.display))
            rows.append((f"Remission, by {title} {label}", rr.remission.display))
    return rows


def render(report: OutcomeReport) -> bytes:
    generated = timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M %Z")
    clinic = report.filter_labels.get("clinic", "All your clinics")
    document = Document(
        title=f"{TITLE} ({report.filter_labels.get('instrument', _instrument_name(report.filter.instrument))})",
        clinic=clinic,
        paper=settings.REMIT_PAPER_SIZE,
    )
    flow = Flow(document)
    flow.line(TITLE, size=22, bold=True)
    flow.gap()
    flow.line(f"Generated {generated}", size=11)
    flow.line(f"Minimum n for a rate: {report.min_n}; rates show a Wilson 95% CI", size=11)
    flow.heading("Filters", size=14)
    flow.table(
        ("Filter", "Chosen"), [tuple(f.split(": ", 1)) for f in _filters(report)], (0.35, 0.65), size=10
    )
    flow.heading("Contents", size=14)
    contents = [("Figures table", "2")] + [
        (name, str(3 + i)) for i, (name, _) in enumerate(charts.CHARTS.values())
    ]
    flow.table(("Section", "Page"), contents, (0.85, 0.15), size=10)

    flow.new_page()
    flow.heading("Figures", size=14)
    flow.table(("Measure", "Value"), figures_rows(report), (0.55, 0.45))

    for _, draw in charts.CHARTS.values():
        page = document.new_page()
        # The chart takes the upper part of the page, below the header.
        draw(report, page, (0.04, 0.42, 0.96, document.top - 0.01))
    return document.render(
        {
            "Title": f"{TITLE} ({_instrument_name(report.filter.instrument)})",
            "Author": "Remit",
            "Subject": "Clinic outcome report: aggregate figures, no patient identifiers",
            "Keywords": ", ".join(title for title, _ in charts.CHARTS.values()),
            "CreationDate": report.generated_at,
        }
    )
