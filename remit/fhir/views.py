"""The Integrations page (``fhir:tokens``): a clinic administrator issues and revokes API tokens, and sees
the partners' Questionnaires the clinic imported as built-in instruments (``QuestionnaireAlias``).

Tokens are shown once, on the page that answers the POST that made them (never stored, never
put in the session), and listed afterwards by name and prefix only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from remit.accounts.decorators import recent_auth_required, staff_required, view_clinic_ids
from remit.accounts.models import Clinic
from remit.core.instruments import INSTRUMENTS
from remit.fhir import actions
from remit.fhir.forms import TokenForm
from remit.fhir.models import ApiToken, QuestionnaireAlias

LISTED = 200


@staff_required("integrations.manage")
@recent_auth_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    clinic_ids = view_clinic_ids(request)
    clinics = Clinic.objects.filter(pk__in=clinic_ids).order_by("name")
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST":
        form = TokenForm(request.POST, clinics=clinics)
        if form.is_valid():
            try:
                created = actions.issue_token(
                    actor=request.user,
                    clinic=form.cleaned_data["clinic"],
                    name=form.cleaned_data["name"],
                    purpose=form.cleaned_data["purpose"],
                    request=request,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, problems in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, problems)
                else:
                    form.add_error(None, error.messages)
            else:
                form = TokenForm(clinics=clinics)
    else:
        form = TokenForm(clinics=clinics)
    rows = list(
        ApiToken.objects.filter(clinic_id__in=clinic_ids).select_related("clinic", "created_by")[:LISTED]
    )
    aliases = list(
        QuestionnaireAlias.objects.filter(clinic_id__in=clinic_ids)
        .select_related("clinic")
        .order_by("clinic__name", "url", "version", "id")[:LISTED]
    )
    for alias in aliases:
        instrument = INSTRUMENTS.get(alias.instrument_code)
        alias.instrument_name = instrument.name if instrument else alias.instrument_code  # type: ignore[attr-defined]
    context = {
        "form": form,
        "tokens": rows,
        "aliases": aliases,
        "created": created[0] if created else None,
        "raw_token": created[1] if created else None,
        "fhir_base": request.build_absolute_uri("/fhir/r4/"),
    }
    return render(request, "fhir/tokens.html", context, status=201 if created else 200)


@staff_required("integrations.manage")
@recent_auth_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    clinic_ids = view_clinic_ids(request)
    token = ApiToken.objects.filter(pk=token_id, clinic_id__in=clinic_ids).first()
    if token is None:
        raise Http404("No such token in your clinics.")
    try:
        actions.revoke_token(actor=request.user, token=token, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Revoked “{token.name}” ({token.prefix}…). Requests with it now get 401.")
    return redirect("fhir:tokens")
