"""Booster requests (from ``treatment``) and clinic outcome settings (from ``reports``) move to decision support.

State only: the two tables and their rows stay where they are (the models point at the old table
names here); the next migration renames the tables.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('patients', '0001_initial'),
        ('reports', '0002_missed_questionnaires_before_an_alert'),
        ('treatment', '0004_esketamine_protocols_older_adult_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='BoosterRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('requested_on', models.DateField()),
                        ('note', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('entered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='booster_requests', to='patients.patient')),
                    ],
                    options={
                        'db_table': 'treatment_boosterrequest',
                    },
                ),
                migrations.CreateModel(
                    name='ClinicOutcomeSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('primary_instrument', models.CharField(choices=[('phq9', 'PHQ-9'), ('qids_sr16', 'QIDS-SR16'), ('madrs', 'MADRS'), ('hamd17', 'HAM-D17')], default='phq9', help_text='The instrument decisions (non-response, relapse) are judged on when a course has a baseline on it.', max_length=20)),
                        ('response_pct', models.PositiveSmallIntegerField(default=50, help_text='Response: at least this % drop from baseline (Trivedi 2006; McInnes 2022).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)])),
                        ('partial_response_pct', models.PositiveSmallIntegerField(default=25, help_text='Partial response: at least this % drop, below response (a convention, unverified as a standard).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)])),
                        ('baseline_window_days', models.PositiveSmallIntegerField(default=30, help_text='A baseline is the last score at most this many days before the first session (issue 6 default).', validators=[django.core.validators.MaxValueValidator(365)])),
                        ('remission_phq9', models.PositiveSmallIntegerField(default=4, help_text='4 means < 5 (McInnes 2022; SUSTAIN-3).', validators=[django.core.validators.MaxValueValidator(27)], verbose_name='PHQ-9 remission: total at or below')),
                        ('remission_qids_sr16', models.PositiveSmallIntegerField(default=5, help_text='Trivedi 2006 (STAR*D).', validators=[django.core.validators.MaxValueValidator(27)], verbose_name='QIDS-SR16 remission: total at or below')),
                        ('remission_madrs', models.PositiveSmallIntegerField(default=10, help_text='10 (KetECT); SUSTAIN-3 used 12.', validators=[django.core.validators.MaxValueValidator(60)], verbose_name='MADRS remission: total at or below')),
                        ('remission_hamd17', models.PositiveSmallIntegerField(default=7, help_text='Trivedi 2006; Frank 1991 consensus.', validators=[django.core.validators.MaxValueValidator(52)], verbose_name='HAM-D17 remission: total at or below')),
                        ('relapse_assessments', models.PositiveSmallIntegerField(default=2, help_text="Relapse: this many consecutive assessments without benefit after response or remission. Remit's own default (SUSTAIN-1 definitions not found). Example value, to be confirmed by the medical director.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10)])),
                        ('relapse_min_days_apart', models.PositiveSmallIntegerField(default=5, help_text='…the first and the confirming one at least this many days apart. Example value, to be confirmed by the medical director.', validators=[django.core.validators.MaxValueValidator(90)])),
                        ('checkpoint_ketamine_iv', models.PositiveSmallIntegerField(default=6, help_text="Used when the course's protocol sets none. Murrough 2013; Oliver 2022.", validators=[django.core.validators.MinValueValidator(1)], verbose_name='Non-response checkpoint, IV ketamine (session)')),
                        ('checkpoint_ketamine_im', models.PositiveSmallIntegerField(default=6, help_text='Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='Non-response checkpoint, IM ketamine (session)')),
                        ('checkpoint_esketamine', models.PositiveSmallIntegerField(default=8, help_text='End of the 4-week twice-weekly induction (Spravato label).', validators=[django.core.validators.MinValueValidator(1)], verbose_name='Non-response checkpoint, esketamine (session)')),
                        ('checkpoint_tms', models.PositiveSmallIntegerField(default=20, help_text='Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='Non-response checkpoint, TMS (session)')),
                        ('nonresponse_min_improvement_pct', models.PositiveSmallIntegerField(default=25, help_text='Less improvement than this % at the checkpoint raises a review (lower edge of partial response).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)])),
                        ('max_dose_rise_pct', models.PositiveSmallIntegerField(default=25, help_text='Maintenance mg/kg more than this % above the induction dose is flagged. No source quantifies tolerance. Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)])),
                        ('shrinking_interval_run', models.PositiveSmallIntegerField(default=3, help_text='Consecutive booster intervals, each shorter than the last, that raise a flag. Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(2), django.core.validators.MaxValueValidator(10)])),
                        ('booster_window_days', models.PositiveSmallIntegerField(default=30, help_text='Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)])),
                        ('max_boosters_ketamine', models.PositiveSmallIntegerField(default=2, help_text='Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='Most ketamine boosters in the window')),
                        ('max_boosters_esketamine', models.PositiveSmallIntegerField(default=5, help_text='Weekly maintenance (Spravato label): five fit in 30 days.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='Most esketamine maintenance sessions in the window')),
                        ('min_booster_interval_days', models.PositiveSmallIntegerField(default=7, help_text='A booster request sooner than this after the last session is early, when no maintenance protocol says otherwise. Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)])),
                        ('dast10_positive_at_or_above', models.PositiveSmallIntegerField(default=3, help_text="3-5 is 'moderate, further investigation' (Skinner 1982).", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10)], verbose_name='DAST-10 positive at or above')),
                        ('repeated_early_requests', models.PositiveSmallIntegerField(default=2, help_text='Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(2), django.core.validators.MaxValueValidator(20)])),
                        ('repeated_early_window_days', models.PositiveSmallIntegerField(default=90, help_text='Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(730)])),
                        ('alert_lookback_days', models.PositiveSmallIntegerField(default=90, help_text='Rules look at courses active now or with a session in this many days, so old history does not flood the inbox. Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(3650)])),
                        ('missed_questionnaires_alert', models.PositiveSmallIntegerField(default=3, help_text='A patient who answers none of this many questionnaires in a row raises a missed assessment alert (a partly answered one ends the run). No source fixes it. Example value, to be confirmed by the medical director.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)], verbose_name='Missed questionnaires in a row before an alert')),
                        ('confirmed_by_medical_director', models.BooleanField(default=False, help_text="Unticked: the values are Remit's labelled examples, not yet confirmed.")),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('clinic', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='outcome_settings', to='accounts.clinic')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'clinic outcome settings',
                        'db_table': 'reports_clinicoutcomesettings',
                    },
                ),
            ],
        ),
    ]
