"""The audit trail in the Django admin: read-only (no add, change or delete).

``AuditedAdmin`` is the base of every Remit model's admin: opening a list or a
record in the admin is audited like any other page (who, which rows, which
patients), since a superuser there sees patient data outside Remit's pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from remit.audit import actions as audit
from remit.audit.models import AuditEvent

SHOWN_IDS = 100  # ids of the rows on a list page kept in its audit row


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose list, record and history pages write an audit row when they are shown."""

    def _label(self) -> str:
        return f"admin:{self.model._meta.label_lower}"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            changelist = getattr(response, "context_data", {}).get("cl")
            rows = list(changelist.result_list) if changelist is not None else []
            patients = sorted({p for p in (_patient_id(row) for row in rows) if p is not None})
            audit.record(
                audit.VIEW,
                request=request,
                object_type=self._label(),
                detail={
                    "page": "admin list",
                    "query": {k: v for k, v in request.GET.items()},
                    "rows": [str(row.pk) for row in rows[:SHOWN_IDS]],
                    "patients": patients[:SHOWN_IDS],
                },
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_one(request, object_id, response, "admin record")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._record_one(request, object_id, response, "admin history")
        return response

    def _record_one(self, request: HttpRequest, object_id: str, response: HttpResponse, page: str) -> None:
        if request.method != "GET" or response.status_code != 200:
            return
        obj = self.get_object(request, object_id)
        if obj is None:
            return
        audit.record(
            audit.VIEW,
            request=request,
            object_type=self._label(),
            object_id=obj.pk,
            patient=_patient_id(obj),
            clinic_id=getattr(obj, "clinic_id", None),
            detail={"page": page},
        )


def _patient_id(row: Any) -> int | None:
    """The patient a row is about: its own id for a patient, else its patient_id, else none."""
    if row._meta.label_lower == "patients.patient":
        return int(row.pk)
    value = getattr(row, "patient_id", None)
    return int(value) if value is not None else None


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdmin):
    list_display = [
        "seq",
        "at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "patient_id",
        "clinic_id",
        "ip",
    ]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
