"""Roles move from the user to each of their clinics (``Membership``).

Forward: every user keeps, in each clinic they belonged to, the roles they held (a user who belonged
to no clinic held roles that applied nowhere, and keeps none). Backward: a user gets back the clinics
they belong to and the union of the roles they hold in any of them (the old model could not say more).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import remit.accounts.models

ROLE_ORDER = ["prescriber", "nurse", "tms_technician", "front_desk", "clinic_admin"]


def _ordered(roles):
    known = [r for r in ROLE_ORDER if r in roles]
    return known + sorted(set(roles) - set(ROLE_ORDER))


def roles_to_memberships(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    rows = []
    for user in User.objects.prefetch_related("clinics"):
        roles = _ordered(set(user.roles or []))
        for clinic in user.clinics.all():
            rows.append(Membership(user_id=user.pk, clinic_id=clinic.pk, roles=roles))
    Membership.objects.bulk_create(rows)


def memberships_to_roles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    by_user: dict = {}
    for m in Membership.objects.all():
        clinics, roles = by_user.setdefault(m.user_id, (set(), set()))
        clinics.add(m.clinic_id)
        roles.update(m.roles or [])
    for user in User.objects.filter(pk__in=by_user):
        clinics, roles = by_user[user.pk]
        user.roles = _ordered(roles)
        user.save(update_fields=["roles"])
        user.clinics.set(sorted(clinics))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_move_second_factors_sealed"),
    ]

    operations = [
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "roles",
                    models.JSONField(blank=True, default=list, validators=[remit.accounts.models.validate_roles]),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="memberships", to="accounts.clinic"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["clinic__name", "user__username"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "clinic"), name="one_membership_per_clinic")
                ],
            },
        ),
        migrations.RunPython(roles_to_memberships, memberships_to_roles),
        migrations.RemoveField(model_name="user", name="clinics"),
        migrations.AddField(
            model_name="user",
            name="clinics",
            field=models.ManyToManyField(
                blank=True, related_name="staff", through="accounts.Membership", to="accounts.clinic"
            ),
        ),
        migrations.RemoveField(model_name="user", name="roles"),
    ]
