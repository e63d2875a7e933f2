"""The Django admin: for superusers only, behind Remit's own sign-in and second factor.

Accounts are changed from the Users pages (audited actions), so the admin
shows users read-only and never their password hashes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from remit.accounts import views
from remit.accounts.models import Clinic, Membership, User
from remit.audit.admin import AuditedAdmin


def has_permission(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_superuser):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not settings.REMIT_MFA_REQUIRED or (callable(is_verified) and bool(is_verified()))


admin.site.login = views.admin_login  # type: ignore[method-assign]
admin.site.logout = views.logout_view  # type: ignore[method-assign,assignment]
admin.site.has_permission = has_permission  # type: ignore[method-assign]
admin.site.site_header = "Remit administration"
admin.site.site_title = "Remit admin"

# django-otp's own device pages would show (and let anyone with the admin create) a plain TOTP secret
# or recovery code; Remit's sealed devices replace them and are managed from the account pages.
for _plain in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_plain):
        admin.site.unregister(_plain)


@admin.register(Clinic)
class ClinicAdmin(AuditedAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a clinic's records are never deleted


class MembershipInline(admin.TabularInline):
    """Each clinic the user belongs to and the roles they hold there (read-only)."""

    model = Membership
    fields = ["clinic", "roles"]
    readonly_fields = ["clinic", "roles"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "is_active",
    "is_staff",
    "is_superuser",
    "last_login",
    "date_joined",
)


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "clinics"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = USER_FIELDS
    readonly_fields = USER_FIELDS
    inlines = [MembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
