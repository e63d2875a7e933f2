"""Every form speaks plainly: no colon after a label, "Choose…" for an empty choice, errors that name the field.

Django's defaults ("This field is required.", "Enter a whole number.", "---------", "Name:") are
written for no one in particular; a nurse with six fields on screen needs to know which one is wrong.
``install()`` (called once, from the web app's ``ready``) makes every form of the project do this
after it is built, so no form has to remember: a form author's own message or empty label is kept;
only Django's defaults are replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.models import ModelChoiceField
from django.forms.utils import pretty_name

CHOOSE = "Choose…"
DJANGO_EMPTY = "---------"

# What each error says, by Django's error code; {label} is the field's label. The %(…)s parts are
# filled by Django from the field's limits.
MESSAGES: dict[str, str] = {
    "required": "{label} is required.",
    "invalid_choice": "{label} must be one of the choices offered.",
    "invalid_list": "{label} must be a list of the choices offered.",
    "invalid_pk_value": "{label}: one of the choices is no longer offered.",
    "max_value": "{label} must be %(limit_value)s or less.",
    "min_value": "{label} must be %(limit_value)s or more.",
    "step_size": "{label} must be in steps of %(limit_value)s.",
    "max_length": "{label} must be at most %(limit_value)d characters (it has %(show_value)d).",
    "min_length": "{label} must be at least %(limit_value)d characters (it has %(show_value)d).",
    "max_digits": "{label} must have at most %(max)s digits.",
    "max_decimal_places": "{label} must have at most %(max)s digits after the decimal point.",
    "max_whole_digits": "{label} must have at most %(max)s digits before the decimal point.",
    "invalid_date": "{label} must be a date, like 2026-03-31.",
    "invalid_time": "{label} must be a time, like 14:30.",
    "overflow": "{label} is not a date Remit can store.",
    "empty": "{label}: the file is empty.",
    "missing": "{label}: no file was sent.",
    "contradiction": "{label}: send a file or clear it, not both.",
    "invalid": "{label} is not in a form Remit understands; check what was entered.",
}
VALIDATOR_CODES = (
    "max_value",
    "min_value",
    "step_size",
    "max_length",
    "min_length",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
)
FILE_NAME_TOO_LONG = "{label}: the file name must be at most %(max)d characters (it has %(length)d)."
# "invalid" means something different for each kind of field.
INVALID: list[tuple[type[forms.Field], str]] = [
    # DecimalField and FloatField are kinds of IntegerField to Django: asked first.
    (forms.DecimalField, "{label} must be a number."),
    (forms.FloatField, "{label} must be a number."),
    (forms.IntegerField, "{label} must be a whole number."),
    (forms.DateTimeField, "{label} must be a date and time, like 2026-03-31 14:30."),
    (forms.DateField, "{label} must be a date, like 2026-03-31."),
    (forms.TimeField, "{label} must be a time, like 14:30."),
    (forms.DurationField, "{label} must be a length of time, like 00:30:00."),
    (forms.EmailField, "{label} must be an email address, like name@example.com."),
    (forms.URLField, "{label} must be a web address, like https://example.org."),
    (forms.UUIDField, "{label} is not a valid identifier."),
    (forms.JSONField, "{label} must be valid JSON."),
]


def _django_defaults() -> set[str]:
    """Every error message Django's own form fields come with (a form's own messages are kept)."""
    found: set[str] = set()
    stack: list[type[Any]] = [forms.Field]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("django."):
            for klass in cls.__mro__:
                found.update(str(m) for m in getattr(klass, "default_error_messages", {}).values())
    return found


_DEFAULTS: set[str] | None = None


def _label(name: str, field: forms.Field) -> str:
    text = str(field.label) if field.label else pretty_name(name)
    return text.rstrip(" :?").replace("%", "%%")


def _invalid(field: forms.Field) -> str:
    for kind, message in INVALID:
        if isinstance(field, kind):
            return message
    return MESSAGES["invalid"]


def plain_field(name: str, field: forms.Field) -> None:
    """Django's default error messages and empty choice on ``field`` replaced by plain ones."""
    global _DEFAULTS
    if _DEFAULTS is None:
        _DEFAULTS = _django_defaults()
    label = _label(name, field)
    messages = dict(field.error_messages)
    # A limit's validator brings its own message; the field's message for its code wins (Django).
    codes = [*messages, *(code for code in VALIDATOR_CODES if code not in messages)]
    for code in codes:
        if code in messages and str(messages[code]) not in _DEFAULTS:
            continue
        plain: str | None
        if isinstance(field, forms.FileField) and code == "max_length":
            plain = FILE_NAME_TOO_LONG
        else:
            plain = _invalid(field) if code == "invalid" else MESSAGES.get(code)
        if plain:
            messages[code] = plain.format(label=label)
    field.error_messages = messages
    if isinstance(field, ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY:
            field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField):
        choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
        if any(v == "" and lbl == DJANGO_EMPTY for v, lbl in choices):
            field.choices = [(v, CHOOSE if v == "" and lbl == DJANGO_EMPTY else lbl) for v, lbl in choices]


def plain_form(form: forms.BaseForm) -> None:
    # Django puts ":" after every label unless told otherwise; a label is a name, not a sentence.
    if str(form.label_suffix) == ":":
        form.label_suffix = ""
    for name, field in form.fields.items():
        plain_field(name, field)


def install() -> None:
    """Make every form plain once it is built (idempotent)."""
    init: Callable[..., None] = forms.BaseForm.__init__
    if getattr(init, "plain_words", False):
        return

    def __init__(self: forms.BaseForm, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        plain_form(self)

    __init__.plain_words = True  # type: ignore[attr-defined]
    forms.BaseForm.__init__ = __init__  # type: ignore[method-assign]
