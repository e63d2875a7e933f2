from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from remit.accounts import roles as R
from remit.accounts.models import Clinic, User

CODE_RE = re.compile(r"^\d{6,8}$")


def normalise_code(raw: str) -> str:
    """Codes are read forgivingly: spaces and hyphens dropped, letters lowered."""
    return re.sub(r"[\s-]", "", raw or "").lower()


class SignInForm(AuthenticationForm):
    """Django's form: ``authenticate(request, ...)`` so django-axes counts every failure."""

    error_messages = {
        "invalid_login": "That username and password do not match an active account.",
        "inactive": "That username and password do not match an active account.",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])

    @property
    def is_totp(self) -> bool:
        return bool(CODE_RE.match(self.cleaned_data.get("code", "")))


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="Six digits; it changes every 30 seconds.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not CODE_RE.match(code):
            raise forms.ValidationError("Enter the 6-digit code your authenticator app shows.")
        return code


class ReauthForm(forms.Form):
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, needs_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_code:
            self.fields["code"] = forms.CharField(
                label="Code from your authenticator app",
                max_length=12,
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


class PasskeyAddForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=60,
        error_messages={"required": "Give the passkey a name, such as the device it is on."},
        help_text="So you can tell your passkeys apart, such as “Work laptop” or “Blue security key”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    # Filled in by remit/accounts/passkeys.js with what the browser's navigator.credentials.create made.
    passkey_response = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20000)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300, help_text="Kept in the audit trail.")


ROLE_CHOICES = list(R.ROLES.items())


def roles_field_name(clinic: Clinic) -> str:
    return f"roles_{clinic.pk}"


class _StaffFieldsForm(forms.Form):
    """Name, email, and one "roles in <clinic>" group per clinic the administrator administers.

    Roles are held per clinic; no role ticked in a clinic means not a member there.
    """

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Email", required=False)

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.clinics = list(Clinic.objects.filter(pk__in=admin.clinic_ids("users.manage")).order_by("name"))
        for clinic in self.clinics:
            self.fields[roles_field_name(clinic)] = forms.MultipleChoiceField(
                label=f"Roles in {clinic.name}",
                choices=ROLE_CHOICES,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=f"None ticked: they do not work in {clinic.name}.",
            )

    def memberships(self) -> dict[int, list[str]]:
        """Clinic id -> the roles ticked there (empty: not a member), for the administrator's clinics."""
        return {c.pk: list(self.cleaned_data.get(roles_field_name(c)) or []) for c in self.clinics}


class UserCreateForm(_StaffFieldsForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[User.username_validator],
        help_text="Letters, digits and @/./+/-/_ only.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    password1 = forms.CharField(
        label="Initial password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Initial password (again)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "first_name", "last_name", "email", "password1", "password2"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with that username already exists.")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.clinics and not any(self.memberships().values()):
            self.add_error(
                roles_field_name(self.clinics[0]),
                "Give them at least one role in one of your clinics.",
            )
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            candidate = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                password_validation.validate_password(p1, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class UserEditForm(_StaffFieldsForm):
    """Their roles in the administrator's clinics; their name and email only for an administrator of all
    their clinics (the account is shared with the other clinics)."""

    def __init__(self, *args: Any, admin: User, target: User, **kwargs: Any) -> None:
        super().__init__(*args, admin=admin, **kwargs)
        self.target = target
        own = {c.pk for c in self.clinics}
        self.profile_editable = set(target.member_clinic_ids()) <= own
        if not self.profile_editable:
            for name in ("first_name", "last_name", "email"):
                self.fields[name].disabled = True
                self.fields[
                    name
                ].help_text = (
                    "They also work in a clinic you do not administer: its administrators share this account."
                )
        self.initial.update(
            {"first_name": target.first_name, "last_name": target.last_name, "email": target.email}
        )
        for clinic in self.clinics:
            self.initial[roles_field_name(clinic)] = sorted(target.roles_in(clinic), key=list(R.ROLES).index)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.target.pk == self.admin.pk:
            for clinic in self.clinics:
                name = roles_field_name(clinic)
                if name in data and R.CLINIC_ADMIN not in (data.get(name) or []):
                    self.add_error(
                        name,
                        "You cannot remove your own clinic administrator role; ask another administrator.",
                    )
        return data


class ClinicForm(forms.Form):
    """The clinic's details as patients see them on the portal."""

    name = forms.CharField(
        label="Clinic name", max_length=200, error_messages={"required": "Please enter the clinic's name."}
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        help_text="Patients can tap it to call, for example (555) 010-0199.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "size": "20"}),
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="A PNG, JPEG or GIF picture smaller than 200 KB.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and (
            not re.fullmatch(r"[0-9+()\-. ]+", phone) or not 7 <= sum(c.isdigit() for c in phone) <= 15
        ):
            raise forms.ValidationError("Phone number: please enter digits only, for example (555) 010-0199.")
        return phone
