"""Sign-in (password, then a second factor), account settings and user administration.

Sign-in is two steps.  A correct password does not sign anyone in by itself:
it leaves a short-lived *pending* marker in the session, and Django's
``login`` runs only once the second factor is verified (or, where MFA is not
required and the user has no device, at once).  A session that is
authenticated but unverified anyway (an older session, a reset device) is
sent here by ``RequireMFAMiddleware`` and handled the same way.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from remit.accounts import actions, passkeys, sealing
from remit.accounts.decorators import (
    mark_recent_auth,
    recent_auth_required,
    staff,
    staff_required,
    view_clinic_ids,
)
from remit.accounts.demo_codes import demo_codes
from remit.accounts.forms import (
    DeactivateForm,
    EnrolForm,
    ReauthForm,
    SignInForm,
    UserCreateForm,
    UserEditForm,
    VerifyForm,
)
from remit.accounts.middleware import CLEAR_SITE_DATA
from remit.accounts.models import (
    Clinic,
    Membership,
    PasskeyDevice,
    RecoveryCodeDevice,
    SealedTOTPDevice,
    User,
)
from remit.audit import actions as audit
from remit.pages.forms import apply_validation_error
from remit.pages.qr import qr_svg

log = logging.getLogger(__name__)

PENDING_KEY = "remit_pending_sign_in"
ENROL_KEY = "remit_enrol_device"
# A password proven this long ago still lets the second step finish.
PENDING_SECONDS = 10 * 60
# Wrong codes in one sign-in before the password must be entered again
# (each device also throttles on its own).
MFA_ATTEMPTS = 5


# ---------------------------------------------------------------- helpers


def safe_next(request: HttpRequest, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _fully_signed_in(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return bool(user.is_verified()) or not settings.REMIT_MFA_REQUIRED  # type: ignore[attr-defined]


def _confirmed_totp(user: User) -> list[SealedTOTPDevice]:
    return list(SealedTOTPDevice.objects.filter(user=user, confirmed=True))


def _has_second_factor(user: User) -> bool:
    return bool(_confirmed_totp(user)) or passkeys.has_passkeys(user)


# Shown when the stored TOTP secrets cannot be decrypted (REMIT_CREDENTIAL_KEYS lacks their key):
# the person can do nothing about it, so the page says who can.
KEY_TROUBLE = (
    "Codes from your authenticator app cannot be checked right now because of a problem on the server. "
    "Tell your system administrator. A passkey or a recovery code still works."
)


def keep_session_verified(request: HttpRequest, user: User, removed: str) -> None:
    """After removing the device this session was verified with (persistent id ``removed``), point the
    session at the user's authenticator app, so removing a passkey or replacing recovery codes does not
    send them back to the second step. Both need a recent sign-in, whose code proved that app."""
    if request.session.get(DEVICE_ID_SESSION_KEY) != removed:
        return
    fallback = SealedTOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if fallback is not None:
        otp_login(request, fallback)


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=pending.get("user_id"), is_active=True).first()


def _complete_sign_in(request: HttpRequest, user: User, device: Any, method: str) -> None:
    pending = request.session.get(PENDING_KEY) or {}
    if not request.user.is_authenticated or request.user.pk != user.pk:
        backend = pending.get("backend") or settings.AUTHENTICATION_BACKENDS[-1]
        auth_login(request, user, backend=backend)
    else:
        request.session.cycle_key()
    request.session.pop(PENDING_KEY, None)
    request.session.pop(ENROL_KEY, None)
    if device is not None:
        otp_login(request, device)
    request.session["last_activity"] = time.time()
    mark_recent_auth(request)
    audit.record(audit.LOGIN_SUCCESS, actor=user, request=request, detail={"second_factor": method})


def _count_mfa_failure(request: HttpRequest) -> bool:
    """Count a wrong code; True when this sign-in has had too many and must start again."""
    pending = request.session.get(PENDING_KEY)
    key = "failures"
    if pending is not None:
        pending[key] = int(pending.get(key, 0)) + 1
        request.session[PENDING_KEY] = pending
        return pending[key] >= MFA_ATTEMPTS
    count = int(request.session.get("remit_mfa_failures", 0)) + 1
    request.session["remit_mfa_failures"] = count
    return count >= MFA_ATTEMPTS


def _start_over(request: HttpRequest, next_url: str) -> HttpResponse:
    if request.user.is_authenticated:
        auth_logout(request)
    else:
        request.session.flush()
    messages.error(request, "Too many wrong codes. Sign in again.")
    return redirect(_with_next("accounts:login", next_url))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _render_codes(request: HttpRequest, codes: list[str], next_url: str, *, enrolled: bool) -> HttpResponse:
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url, "enrolled": enrolled}
    )


# ---------------------------------------------------------------- sign-in


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if _fully_signed_in(request):
        return redirect(next_url)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if _has_second_factor(user) or settings.REMIT_MFA_REQUIRED:
            if request.user.is_authenticated:
                auth_logout(request)
            request.session[PENDING_KEY] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", ""),
                "at": time.time(),
                "failures": 0,
            }
            return redirect(_with_next("accounts:mfa", next_url))
        _complete_sign_in(request, user, None, "none")
        return redirect(next_url)
    idle = request.GET.get("idle") == "1"
    signed_out = request.GET.get("signed_out") == "1"
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "idle": idle,
            "signed_out": signed_out,
            "demo_codes": demo_codes(),  # always empty outside the demo
        },
    )


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def mfa(request: HttpRequest) -> HttpResponse:
    """Verify a second factor, or enrol one when the user has none yet."""
    next_url = safe_next(request)
    if _fully_signed_in(request) and request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    user: User | None = request.user if request.user.is_authenticated else _pending_user(request)
    if user is None:
        messages.info(request, "Sign in to continue.")
        return redirect(_with_next("accounts:login", next_url))
    if _has_second_factor(user):
        return _verify(request, user, next_url)
    return _enrol(request, user, next_url)


def _verify(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    passkey_error = ""
    if request.method == "POST" and "passkey_response" in request.POST:
        try:
            device = passkeys.verify_authentication(request, user, request.POST["passkey_response"])
        except passkeys.PasskeyError as error:
            audit.record(
                audit.MFA_VERIFY_FAILURE, actor=user, request=request, obj=user, detail={"kind": "passkey"}
            )
            if _count_mfa_failure(request):
                return _start_over(request, next_url)
            passkey_error = str(error)
        else:
            request.session.pop("remit_mfa_failures", None)
            _complete_sign_in(request, user, device, "passkey")
            return redirect(next_url)
    posted_code = request.method == "POST" and "passkey_response" not in request.POST
    form = VerifyForm(request.POST if posted_code else None)
    if posted_code and form.is_valid():
        code = form.cleaned_data["code"]
        verified: Any = None
        throttled = False
        kind = "totp" if form.is_totp else "recovery_code"
        key_trouble = False
        with transaction.atomic():
            if kind == "totp":
                candidates: list[Any] = list(
                    SealedTOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
                )
            else:
                candidates = list(
                    RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True)
                )
            for device in candidates:
                allowed, _ = device.verify_is_allowed()
                if not allowed:
                    throttled = True
                    continue
                try:
                    ok = device.verify_token(code)
                except sealing.CredentialKeyError as error:
                    log.error("second-factor check for user %s failed: %s", user.pk, error)
                    key_trouble = True
                    continue
                if ok:
                    verified = device
                    break
        if verified is not None:
            if kind == "recovery_code":
                left = actions.recovery_codes_left(user)
                audit.record(
                    audit.RECOVERY_CODE_USED,
                    actor=user,
                    request=request,
                    obj=user,
                    detail={"remaining": left},
                )
                if left <= 3:
                    messages.warning(
                        request,
                        f"You have {left} recovery code(s) left. Make new ones from your account page.",
                    )
            request.session.pop("remit_mfa_failures", None)
            _complete_sign_in(request, user, verified, kind)
            return redirect(next_url)
        audit.record(audit.MFA_VERIFY_FAILURE, actor=user, request=request, obj=user, detail={"kind": kind})
        if _count_mfa_failure(request):
            return _start_over(request, next_url)
        if key_trouble:
            form.add_error("code", KEY_TROUBLE)
        elif throttled:
            form.add_error(
                "code", "Too many wrong codes in a row: wait a few seconds, then try the newest code."
            )
        else:
            form.add_error("code", "That code is not right. Try the newest code from your app.")
    context = {
        "form": form,
        "next": next_url,
        "person": user,
        "has_totp": bool(_confirmed_totp(user)),
        "passkey_options": (
            json.loads(passkeys.authentication_options(request, user))
            if passkeys.has_passkeys(user)
            else None
        ),
        "passkey_error": passkey_error,
    }
    return render(request, "accounts/mfa_verify.html", context)


def _enrol(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    device_id = request.session.get(ENROL_KEY)
    device = (
        SealedTOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device_id
        else None
    )
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if device is None:
        device = actions.start_totp_enrolment(user)
        request.session[ENROL_KEY] = device.pk
        if request.method == "POST":
            form = EnrolForm()
            messages.warning(
                request, "That set-up expired. Scan this new code, then enter the code it shows."
            )
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            actions.confirm_totp_device(user=user, device=device, request=request)
            codes = actions.generate_recovery_codes(user=user, request=request)
            _complete_sign_in(request, user, device, "enrolment")
            return _render_codes(request, codes, next_url, enrolled=True)
        audit.record(
            audit.MFA_VERIFY_FAILURE, actor=user, request=request, obj=user, detail={"kind": "enrolment"}
        )
        if _count_mfa_failure(request):
            return _start_over(request, next_url)
        form.add_error("code", "That code is not right. Check the app shows Remit and enter its newest code.")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "next": next_url,
            "person": user,
            "qr": qr_svg(device.config_url),
            "secret": _grouped(secret),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    # The idle warning's countdown posts here with idle=1: a page left open closes itself.
    idle = request.POST.get("idle") == "1"
    if request.user.is_authenticated:
        audit.record(audit.IDLE_TIMEOUT if idle else audit.LOGOUT, request=request)
        auth_logout(request)
    else:
        request.session.flush()
    # The browser drops what it kept of the visit: cached pages, cookies (a message cookie too, so
    # the sign-in page is told in its address), local storage.
    why = "idle=1" if idle else "signed_out=1"
    response = HttpResponseRedirect(f"{reverse(settings.LOGOUT_REDIRECT_URL)}?{why}")
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@require_GET
def keepalive(request: HttpRequest) -> HttpResponse:
    """The idle warning's "stay signed in": counts as activity (no background header)."""
    if _fully_signed_in(request) and request.user.is_active:
        return HttpResponse(status=204)
    return HttpResponse(status=401)


@sensitive_post_parameters("password")
@staff_required()
@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, default="accounts:settings")
    user: User = request.user  # type: ignore[assignment]
    devices = _confirmed_totp(user)
    form = ReauthForm(request.POST if request.method == "POST" else None, needs_code=bool(devices))
    if request.method == "POST" and form.is_valid():
        checked = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            # Too many wrong passwords: the session ends and axes shows its lockout page.
            auth_logout(request)
            return HttpResponse(status=403)
        if checked is None or checked.pk != user.pk:
            form.add_error("password", "That password is not right.")
        elif devices:
            ok = key_trouble = False
            with transaction.atomic():
                for device in SealedTOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                    try:
                        ok = device.verify_token(form.cleaned_data["code"])
                    except sealing.CredentialKeyError as error:
                        log.error("second-factor check for user %s failed: %s", user.pk, error)
                        key_trouble = True
                    if ok:
                        break
            if not ok:
                audit.record(audit.MFA_VERIFY_FAILURE, request=request, obj=user, detail={"kind": "reauth"})
                form.add_error(
                    "code",
                    KEY_TROUBLE.split(" A passkey")[0]
                    if key_trouble
                    else "That code is not right. Wait for the next code and try again.",
                )
        if not form.errors:
            mark_recent_auth(request)
            audit.record(audit.REAUTH, request=request, obj=user)
            return redirect(next_url)
    return render(request, "accounts/reauth.html", {"form": form, "next": next_url})


# ---------------------------------------------------------------- own account


@staff_required()
@require_GET
def account_settings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context = {
        "memberships": list(user.memberships.select_related("clinic")),
        "has_totp": SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "recovery_left": actions.recovery_codes_left(user),
        "passkeys": list(
            PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
        ),
        "mfa_required": settings.REMIT_MFA_REQUIRED,
        # The clinics whose details (name, phone, logo on the patient portal) they may change.
        "configured_clinic_ids": user.clinic_ids("clinic.configure"),
    }
    return render(request, "accounts/settings.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@staff_required()
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(user=user, new_password=form.cleaned_data["new_password1"], request=request)
        update_session_auth_hash(request, user)
        messages.success(request, "Your password was changed.")
        return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form})


@staff_required()
@recent_auth_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make a new set of recovery codes (the old ones stop working); shown once."""
    user: User = request.user  # type: ignore[assignment]
    if not SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.warning(request, "Set up an authenticator app first.")
        return redirect("accounts:settings")
    if request.method == "POST":
        old = RecoveryCodeDevice.objects.filter(user=user).first()
        codes = actions.generate_recovery_codes(user=user, request=request)
        if old is not None:
            keep_session_verified(request, user, old.persistent_id)
        return _render_codes(request, codes, reverse("accounts:settings"), enrolled=False)
    return render(request, "accounts/recovery_codes_confirm.html", {})


# ---------------------------------------------------------------- user administration


def managed_users(admin: User) -> QuerySet[User]:
    """People with a role in at least one clinic this administrator administers."""
    return User.objects.filter(memberships__clinic_id__in=admin.clinic_ids("users.manage")).distinct()


def _managed_user(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(managed_users(staff(request)), pk=pk)


@staff_required("users.manage")
@recent_auth_required
@require_GET
def users(request: HttpRequest) -> HttpResponse:
    """Each of the administrator's clinics' members, one row per person and clinic, with the roles held there."""
    clinics = list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))
    query = request.GET.get("q", "").strip()
    wanted = request.GET.get("clinic", "")
    shown = [c for c in clinics if str(c.pk) == wanted] or clinics
    rows = (
        Membership.objects.filter(clinic__in=shown)
        .select_related("user", "clinic")
        .annotate(has_totp=Exists(SealedTOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)))
        .order_by("clinic__name", "-user__is_active", "user__last_name", "user__first_name", "user__username")
    )
    if query:
        rows = rows.filter(
            Q(user__username__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users/list.html",
        {
            "page": page,
            "q": query,
            "clinics": clinics,
            "clinic": shown[0] if len(shown) == 1 and len(clinics) > 1 else None,
            "many_clinics": len(clinics) > 1,
        },
    )


@sensitive_post_parameters("password1", "password2")
@staff_required("users.manage")
@recent_auth_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    admin = staff(request)
    form = UserCreateForm(request.POST if request.method == "POST" else None, admin=admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(
                actor=admin,
                username=data["username"],
                password=data["password1"],
                memberships=form.memberships(),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"{user.get_full_name() or user.username} can now sign in and will set up two-step sign-in.",
            )
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/users/create.html", {"form": form})


def _edit_page(
    request: HttpRequest, target: User, form: Any = None, deactivate_form: Any = None, status: int = 200
) -> HttpResponse:
    admin = staff(request)
    own = set(admin.clinic_ids("users.manage"))
    memberships = list(target.memberships.select_related("clinic"))
    context = {
        "target": target,
        "form": form or UserEditForm(admin=admin, target=target),
        "deactivate_form": deactivate_form or DeactivateForm(),
        "has_totp": SealedTOTPDevice.objects.filter(user=target, confirmed=True).exists(),
        "my_memberships": [m for m in memberships if m.clinic_id in own],
        "other_clinics": [m.clinic for m in memberships if m.clinic_id not in own],
        "administers_all": actions.administers_all_clinics_of(admin, target),
        "is_self": target.pk == admin.pk,
    }
    return render(request, "accounts/users/edit.html", context, status=status)


@staff_required("users.manage")
@recent_auth_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin = staff(request)
    target = _managed_user(request, pk)
    if request.method != "POST":
        return _edit_page(request, target)
    form = UserEditForm(request.POST, admin=admin, target=target)
    if form.is_valid():
        data = form.cleaned_data
        profile = (
            {"first_name": data["first_name"], "last_name": data["last_name"], "email": data["email"]}
            if form.profile_editable
            else {}
        )
        try:
            actions.update_user(
                actor=admin, user=target, memberships=form.memberships(), request=request, **profile
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Saved.")
            if not managed_users(admin).filter(pk=target.pk).exists():
                messages.info(request, "They no longer work in any of your clinics.")
                return redirect("accounts:users")
            return redirect("accounts:user_edit", pk=target.pk)
    return _edit_page(request, target, form=form)


@staff_required("users.manage")
@recent_auth_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    admin = staff(request)
    target = _managed_user(request, pk)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        shared = not actions.administers_all_clinics_of(admin, target)
        try:
            actions.deactivate_user(
                actor=admin, user=target, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_validation_error(form, error)
            else:
                for text in error.messages:
                    messages.error(request, text)
        else:
            if shared:
                messages.success(
                    request,
                    "They no longer work in your clinics. Their account stays active in their other clinics; "
                    "its history stays in the audit trail.",
                )
                return redirect("accounts:users")
            messages.success(request, "The account is deactivated. Its history stays in the audit trail.")
            return redirect("accounts:user_edit", pk=target.pk)
    return _edit_page(request, target, deactivate_form=form)


@staff_required("users.manage")
@recent_auth_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    try:
        actions.reactivate_user(actor=staff(request), user=target, request=request)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return _edit_page(request, target, status=403)
    messages.success(request, "The account is active again.")
    return redirect("accounts:user_edit", pk=target.pk)


@staff_required("users.manage")
@recent_auth_required
@require_POST
def user_reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    try:
        actions.reset_mfa(actor=staff(request), user=target, request=request)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return _edit_page(request, target, status=403)
    messages.success(request, "Two-step sign-in was reset: they will set it up again at their next sign-in.")
    return redirect("accounts:user_edit", pk=target.pk)


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The Django admin signs in through Remit's own pages (password and second factor)."""
    if request.user.is_authenticated and _fully_signed_in(request):
        raise PermissionDenied("The admin site is for system administrators only.")
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(_with_next("accounts:login", next_url))
