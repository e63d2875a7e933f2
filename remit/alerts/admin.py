"""Alerts in the Django admin: read-only (acknowledge them in Remit, where it is audited); never deleted.

The escalation list can be edited here too (superusers), as well as on the
clinic administrator's page (alerts:escalation).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from remit.alerts.models import Alert, EscalationContact
from remit.audit.admin import AuditedAdmin


@admin.register(Alert)
class AlertAdmin(AuditedAdmin):
    list_display = ["id", "created_at", "clinic", "severity", "kind", "status", "escalation_level"]
    list_filter = ["status", "severity", "kind", "clinic"]
    readonly_fields = [f.name for f in Alert._meta.fields]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EscalationContact)
class EscalationContactAdmin(AuditedAdmin):
    list_display = ["clinic", "order", "user", "notify_by_email", "notify_by_sms"]
    list_filter = ["clinic"]
    ordering = ["clinic__name", "order", "id"]
    raw_id_fields = ["user"]
