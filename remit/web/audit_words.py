"""Audit rows in words a clinic administrator reads: what was done, to what.

Rows store short codes (``view``, ``treatment.session``) because the chain hashes them and they
must never change; the audit report says them in words.
"""

from __future__ import annotations

from django.apps import apps

ACTION_WORDS: dict[str, str] = {
    "view": "Viewed",
    "search": "Searched",
    "create": "Created",
    "update": "Changed",
    "void": "Voided",
    "export": "Exported",
    "disclose": "Disclosed",
    "login_success": "Signed in",
    "login_failure": "Sign-in failed",
    "lockout": "Locked out",
    "logout": "Signed out",
    "idle_timeout": "Signed out when idle",
    "reauth": "Re-entered password",
    "mfa_enrol": "Set up second factor",
    "mfa_failure": "Second factor failed",
    "mfa_reset": "Second factor reset",
    "mfa_remove": "Removed a second factor",
    "credential_keys_rotated": "Re-sealed second factors with a new key",
    "recovery_code_used": "Used a recovery code",
    "password_change": "Changed password",
    "role_change": "Changed roles",
    "user_create": "Created user",
    "user_deactivate": "Deactivated user",
}

# Rows about a page or an operation rather than one stored record.
PAGE_WORDS: dict[str, str] = {
    "audit.report": "Audit trail",
    "audit.disclosures": "Accounting of disclosures",
    "patients.list": "Patient list",
    "treatment.today": "Today board",
    "treatment.rems_list": "REMS forms",
    "measures.follow_up": "Questionnaire follow-up",
    "alerts.inbox": "Alert inbox",
    "fhir.import": "FHIR import",
    "fhir.export": "FHIR export",
    "reports.research_export": "Research export",
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action) or action.replace("_", " ").capitalize()


def object_words(object_type: str) -> str:
    """A stored record's kind by its model's own name; a page by its title; else the code in words."""
    if not object_type:
        return ""
    if object_type in PAGE_WORDS:
        return PAGE_WORDS[object_type]
    app_label, _, model_name = object_type.partition(".")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        # A row older than a rename still names what it was, in words.
        return object_type.replace(".", " ").replace("_", " ").capitalize()
    return str(model._meta.verbose_name).capitalize()
