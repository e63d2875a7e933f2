"""FHIR actions: loading instruments and wording from Questionnaires; issuing and revoking API tokens.

Each validates, writes and records its audit event in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.core.instruments import INSTRUMENTS
from remit.core.instruments.codec import instrument_to_json
from remit.core.instruments.questionnaire import (
    InstrumentMatch,
    match_instrument,
    questionnaire_to_instrument,
    wording_from_questionnaire,
)
from remit.fhir.models import ApiToken, ImportedInstrument, InstrumentWording, QuestionnaireAlias

ACTOR_LABEL = "remit instruments import"

Outcome = Literal["wording_attached", "instrument_registered", "matched_builtin"]


class ImportRefused(ValueError):
    """The import was not allowed (licence not confirmed, code taken, ...); nothing was stored."""


@dataclass
class QuestionnaireImport:
    """What an import did, for the command's summary."""

    outcome: Outcome
    instrument_code: str
    match: InstrumentMatch | None = None
    stored_id: int | None = None
    alias: QuestionnaireAlias | None = None
    wording_items: int = 0
    items: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "outcome": self.outcome,
            "instrument": self.instrument_code,
            "stored_id": self.stored_id,
            "items": self.items,
            "wording_items": self.wording_items,
            "notes": self.notes,
            "alias": None
            if self.alias is None
            else {"id": self.alias.pk, "url": self.alias.url, "version": self.alias.version or None},
        }
        if self.match is not None:
            summary.update(
                matched_by=self.match.matched_by,
                item_map=self.match.item_map,
                total_link_id=self.match.total_link_id,
                unmapped_items=list(self.match.unmapped_items),
                unrecognised_link_ids=list(self.match.unrecognised_link_ids),
            )
        return summary


def import_questionnaire(
    *,
    clinic: Clinic,
    questionnaire: dict[str, Any],
    source: str,
    licence_confirmed_by: str = "",
    code: str | None = None,
    actor: Any = None,
    actor_label: str = ACTOR_LABEL,
) -> QuestionnaireImport:
    """Attach wording to the built-in instrument a Questionnaire matches, or register it as a new one.

    A licensed built-in's wording is stored only when ``licence_confirmed_by``
    names who confirmed the clinic's licence (else ImportRefused). A built-in
    whose wording ships with Remit needs nothing stored. Raises
    QuestionnaireError for a Questionnaire Remit cannot read.
    """
    match = match_instrument(questionnaire)
    source = source[:500]
    if match is not None:
        instrument = INSTRUMENTS[match.code]
        mapped = len(match.item_map)
        if not instrument.wording_licensed:
            with transaction.atomic():
                alias, alias_note = remember_alias(
                    clinic=clinic,
                    questionnaire=questionnaire,
                    match=match,
                    source=source,
                    actor=actor,
                    actor_label=actor_label,
                )
            return QuestionnaireImport(
                outcome="matched_builtin",
                instrument_code=instrument.code,
                match=match,
                stored_id=alias.pk if alias else None,
                alias=alias,
                items=mapped,
                notes=[
                    f"{instrument.name} is built in and its wording ships with Remit; no wording was stored.",
                    alias_note,
                ],
            )
        if not licence_confirmed_by.strip():
            raise ImportRefused(
                f"{instrument.name} matches the built-in {instrument.code!r}, whose wording is licensed. "
                "Attach it only if the clinic holds a licence: rerun with --licence-confirmed-by NAME "
                "(who confirmed the licence). Nothing was stored."
            )
        wording = wording_from_questionnaire(questionnaire, match)
        if not wording:
            raise ImportRefused(
                f"the Questionnaire has no item text for {instrument.code}; nothing was stored"
            )
        with transaction.atomic():
            alias, alias_note = remember_alias(
                clinic=clinic,
                questionnaire=questionnaire,
                match=match,
                source=source,
                actor=actor,
                actor_label=actor_label,
            )
            row = InstrumentWording.objects.create(
                clinic=clinic,
                instrument_code=instrument.code,
                wording=wording,
                source=source,
                licence_confirmed_by=licence_confirmed_by.strip()[:200],
            )
            audit.record(
                audit.CREATE,
                actor=actor,
                actor_label=actor_label,
                obj=row,
                clinic_id=clinic.pk,
                detail={
                    "instrument": instrument.code,
                    "items": sorted(wording),
                    "source": source,
                    "licence_confirmed_by": row.licence_confirmed_by,
                },
            )
        notes = [alias_note]
        if match.unmapped_items:
            notes.append(f"no wording found for {', '.join(match.unmapped_items)}")
        return QuestionnaireImport(
            outcome="wording_attached",
            instrument_code=instrument.code,
            match=match,
            stored_id=row.pk,
            alias=alias,
            items=mapped,
            wording_items=len(wording),
            notes=notes,
        )

    taken = set(INSTRUMENTS) | set(
        ImportedInstrument.objects.filter(clinic=clinic).values_list("code", flat=True)
    )
    new = questionnaire_to_instrument(questionnaire, code=code, existing_codes=taken)
    with transaction.atomic():
        imported = ImportedInstrument.objects.create(
            clinic=clinic,
            code=new.code,
            definition=instrument_to_json(new),
            source_questionnaire=questionnaire,
            source_url=str(questionnaire.get("url") or "")[:500],
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label=actor_label,
            obj=imported,
            clinic_id=clinic.pk,
            detail={"instrument": new.code, "items": len(new.items), "source": source},
        )
    return QuestionnaireImport(
        outcome="instrument_registered",
        instrument_code=new.code,
        stored_id=imported.pk,
        items=len(new.items),
        notes=[
            f"scored items: {sum(1 for item in new.items if item.scored)}; total {new.total_min}-{new.total_max}"
        ],
    )


def remember_alias(
    *,
    clinic: Clinic,
    questionnaire: dict[str, Any],
    match: InstrumentMatch,
    source: str,
    actor: Any = None,
    actor_label: str = ACTOR_LABEL,
) -> tuple[QuestionnaireAlias | None, str]:
    """Remember a Questionnaire that is a built-in instrument by its canonical URL and version, for one
    clinic, so later responses naming only that URL are imported: (the alias or None, a note for people).

    Call inside a transaction. A Questionnaire without a canonical URL has nothing to remember (None).
    The same URL and version again with the same content is the alias already held (nothing written);
    with other content it is refused (ImportRefused): a published version does not change.
    """
    name = INSTRUMENTS[match.code].name
    raw_url = questionnaire.get("url")
    url = str(raw_url or "").split("|", 1)[0].rstrip("/")
    if not url:
        return None, (
            "The Questionnaire states no canonical URL, so there is nothing to remember: "
            "responses to it are imported only with the Questionnaire in the same file."
        )
    if len(url) > 500:
        raise ImportRefused("the Questionnaire's url is longer than 500 characters; nothing was stored")
    version = str(questionnaire.get("version") or "").strip()[:100]
    shown = f"{url} (version {version})" if version else url
    held = QuestionnaireAlias.objects.filter(clinic=clinic, url=url, version=version).first()
    if held is not None:
        if held.instrument_code == match.code and held.questionnaire == questionnaire:
            return held, f"{shown} was already known as {name} for {clinic.name}; nothing new was stored."
        raise ImportRefused(
            f"{shown} is already known for {clinic.name} with different content; a published version "
            "does not change, so import the new content under a new version. Nothing was stored."
        )
    alias = QuestionnaireAlias.objects.create(
        clinic=clinic,
        url=url,
        version=version,
        instrument_code=match.code,
        matched_by=match.matched_by,
        questionnaire=questionnaire,
        source=source[:500],
        added_by_label=(actor.get_username() if actor is not None else actor_label)[:200],
    )
    audit.record(
        audit.CREATE,
        actor=actor,
        actor_label=actor_label,
        obj=alias,
        clinic_id=clinic.pk,
        detail={
            "url": url,
            "version": version,
            "instrument": match.code,
            "matched_by": match.matched_by,
            "source": source[:500],
        },
    )
    return alias, (
        f"Remembered {shown} as {name} for {clinic.name}: responses naming it are imported "
        "without the Questionnaire."
    )


# --- API tokens ------------------------------------------------------------------------------------


def hash_api_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    *, actor: Any, clinic: Clinic, name: str, purpose: str, request: Any = None
) -> tuple[ApiToken, str]:
    """A new read-only token for one integration of ``clinic``: (row, raw token).

    The raw token (``remit_`` + 43 url-safe characters) is returned once and
    never stored; the row keeps its sha256 and a recognisable prefix. ``purpose``
    (required) is why the integration receives patient data; every patient it reads
    lists it, with the integration's name, in their accounting of disclosures.
    """
    name = (name or "").strip()
    purpose = " ".join((purpose or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Name the integration this token is for."]
    elif len(name) > 100:
        errors["name"] = ["Use at most 100 characters."]
    if not purpose:
        errors["purpose"] = [
            "Say why this integration receives patient data (for example “treatment: the referring "
            "practice's records”); each patient's accounting of disclosures shows it."
        ]
    elif len(purpose) > 200:
        errors["purpose"] = ["Use at most 200 characters."]
    if errors:
        raise ValidationError(errors)
    if actor is not None and not actor.can("integrations.manage", clinic):
        raise ValidationError({"clinic": ["You can only issue tokens for clinics you administer."]})
    secret = secrets.token_urlsafe(32)
    raw = ApiToken.PREFIX + secret
    with transaction.atomic():
        token = ApiToken.objects.create(
            clinic=clinic,
            name=name,
            purpose=purpose,
            token_hash=hash_api_token(raw),
            prefix=raw[: len(ApiToken.PREFIX) + 8],
            created_by=actor,
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=token,
            clinic_id=clinic.pk,
            detail={"name": name, "purpose": purpose, "prefix": token.prefix, "scope": "fhir read-only"},
        )
    return token, raw


def revoke_token(*, actor: Any, token: ApiToken, request: Any = None) -> ApiToken:
    """Revoke a token at once; later requests with it get 401. Audited; the row is kept."""
    if actor is not None and not actor.can("integrations.manage", token.clinic_id):
        raise ValidationError("You can only revoke tokens of clinics you administer.")
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            raise ValidationError("This token is already revoked.")
        current.revoked_at = timezone.now()
        current.revoked_by = actor
        current.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            clinic_id=current.clinic_id,
            detail={"revoked": True, "name": current.name, "prefix": current.prefix},
        )
    return current
