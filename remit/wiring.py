"""The one place the apps are wired together: who listens to which event, and the chart's sections.

Called once, from the web shell's ``AppConfig.ready``. This module sits at the
top of the layers, so it may import any app; the apps themselves only emit
events (``remit.events``) and never import an app above them. ARCHITECTURE.md
lists the same table.
"""

from __future__ import annotations

from remit import events
from remit.pages import chart_sections, portal_links, record_notes


def connect() -> None:
    from remit.alerts import chart as alerts_chart
    from remit.alerts.actions import alert_emergency_access, report_listener_failure
    from remit.amendments import chart as amendments_chart
    from remit.decision import rules
    from remit.measures import chart as measures_chart
    from remit.reports import views_patient
    from remit.screening import chart as screening_chart
    from remit.screening import out_of_date
    from remit.treatment import chart as treatment_chart

    events.on_failure(report_listener_failure)

    events.subscribe(events.SESSION_SIGNED, rules.run_rules)
    events.subscribe(events.ASSESSMENT_RECORDED, rules.run_rules)
    events.subscribe(events.ASSESSMENT_RECORDED, out_of_date.on_assessment_recorded)
    events.subscribe(events.CLINICAL_FACT_ADDED, rules.run_rules)
    events.subscribe(events.CLINICAL_FACT_ADDED, out_of_date.on_clinical_fact_added)
    events.subscribe(events.BOOSTER_REQUESTED, rules.run_rules)
    events.subscribe(events.QUESTIONNAIRE_MISSED, rules.raise_missed_alert)
    events.subscribe(events.EMERGENCY_ACCESS_GRANTED, alert_emergency_access)

    # The banner above the chart (open high alerts), then the chart's sections, in the order they appear under the registry's own.
    chart_sections.register_banner(alerts_chart.banner_context, "alerts/_chart_banner.html")
    chart_sections.register(screening_chart.section_context, "screening/_chart_section.html")
    chart_sections.register(treatment_chart.section_context, "treatment/_chart_section.html")
    chart_sections.register(measures_chart.section_context, "measures/_chart_section.html")
    chart_sections.register(views_patient.section_context, "reports/_patient_outcomes_section.html")
    chart_sections.register(amendments_chart.section_context, "amendments/_chart_section.html")

    # Notes beside single records of the chart (an amended record says so), and the portal's other pages.
    record_notes.register(amendments_chart.record_notes)
    portal_links.register(
        "Is something in your record wrong? Ask your clinic to correct it", "portal_record:record"
    )
