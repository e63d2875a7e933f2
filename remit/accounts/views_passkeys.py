"""Adding and removing passkeys from the account page (signing in with one is in views.mfa).

Both need a recent sign-in (REMIT_REAUTH_MINUTES), as other changes to how someone signs in do:
a session left open on a shared computer must not be enough to plant a passkey or remove one.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from remit.accounts import actions, passkeys
from remit.accounts.decorators import recent_auth_required, staff, staff_required
from remit.accounts.forms import PasskeyAddForm
from remit.accounts.models import PasskeyDevice, SealedTOTPDevice
from remit.accounts.views import keep_session_verified
from remit.pages.forms import apply_validation_error


@staff_required()
@recent_auth_required
@require_http_methods(["GET", "POST"])
def passkey_add(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    if not SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.warning(request, "Set up an authenticator app first; a passkey is added beside it.")
        return redirect("accounts:settings")
    form = PasskeyAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = passkeys.verify_registration(request, user, form.cleaned_data["passkey_response"])
            device = actions.add_passkey(
                user=user,
                name=form.cleaned_data["name"],
                credential_id=new.credential_id,
                public_key=new.public_key,
                sign_count=new.sign_count,
                user_handle=new.user_handle,
                transports=new.transports,
                backed_up=new.backed_up,
                request=request,
            )
        except passkeys.PasskeyError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Passkey “{device.name}” added. You can use it at your next sign-in.")
            return redirect("accounts:settings")
    options = json.loads(passkeys.registration_options(request, user))
    return render(request, "accounts/passkey_add.html", {"form": form, "options": options})


@staff_required()
@recent_auth_required
@require_http_methods(["GET", "POST"])
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    device = get_object_or_404(PasskeyDevice, pk=pk, user=user)
    if request.method == "POST":
        removed = device.persistent_id
        actions.remove_passkey(user=user, device=device, request=request)
        keep_session_verified(request, user, removed)
        messages.success(request, f"Passkey “{device.name}” removed. It no longer signs you in.")
        return redirect("accounts:settings")
    others = PasskeyDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
    return render(request, "accounts/passkey_remove.html", {"device": device, "other_passkeys": others})
