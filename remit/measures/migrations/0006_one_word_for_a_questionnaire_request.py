"""One word for what is sent to a patient on a day: a questionnaire request (data kept).

``MeasurementRequest`` becomes ``QuestionnaireRequest``, ``MeasurementItem`` (one instrument
asked on a day) becomes ``RequestedInstrument``, and the assessment's, the portal link's and
the requested instrument's ``request`` (which read like the HTTP request) become
``questionnaire_request``.  Tables and columns are renamed; no row changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0005_one_questionnaire_per_patient_instrument_day"),
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="assessment", name="measures_one_live_assessment_per_request_instrument"
        ),
        migrations.RenameModel(old_name="MeasurementRequest", new_name="QuestionnaireRequest"),
        migrations.RenameModel(old_name="MeasurementItem", new_name="RequestedInstrument"),
        migrations.RenameField(model_name="assessment", old_name="request", new_name="questionnaire_request"),
        migrations.RenameField(model_name="portallink", old_name="request", new_name="questionnaire_request"),
        migrations.RenameField(
            model_name="requestedinstrument", old_name="request", new_name="questionnaire_request"
        ),
        migrations.AlterField(
            model_name="requestedinstrument",
            name="questionnaire_request",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="requested_instruments",
                to="measures.questionnairerequest",
            ),
        ),
        migrations.AlterField(
            model_name="questionnairerequest",
            name="patient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questionnaire_requests",
                to="patients.patient",
            ),
        ),
        migrations.AlterField(
            model_name="questionnairerequest",
            name="instruments",
            field=models.JSONField(
                default=list, help_text="Instrument codes asked in this questionnaire request, in order"
            ),
        ),
        migrations.RenameIndex(
            model_name="questionnairerequest",
            new_name="measures_qu_status_e91ec8_idx",
            old_name="measures_me_status_f8f47a_idx",
        ),
        migrations.RenameIndex(
            model_name="questionnairerequest",
            new_name="measures_qu_patient_9ce819_idx",
            old_name="measures_me_patient_c0fdbb_idx",
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("questionnaire_request__isnull", False), ("voided_at__isnull", True)),
                fields=("questionnaire_request", "instrument"),
                name="measures_one_live_assessment_per_request_instrument",
            ),
        ),
    ]
