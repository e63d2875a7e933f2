"""The patient portal: /p/<token>/ — anonymous, single-use, mobile-first.

Flow: the link is looked up by the sha256 of its token; a closed link (used,
expired, locked, unknown) gets a plain page saying so and nothing else.  The
patient confirms their date of birth (three wrong tries lock the link), then
answers one questionnaire per page; answers are kept in the session per link
so a reload or going back loses nothing.  The last page's submit stores the
whole visit in one transaction with the link locked (``actions.submit_visit``).

Nothing here reads ``request.user``: a staff member signed in in the same
browser changes nothing, and every audit row says "patient portal".  Every
view writes its audit row(s) through ``actions``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from remit.core.instruments import AnswerError, Instrument, gad7, get_instrument, pcl5, phq9, score
from remit.core.instruments.cssrs_screen import applicable_items
from remit.core.instruments.engine import check_answer
from remit.measures import actions
from remit.measures.forms import DateOfBirthForm
from remit.measures.models import Assessment, PortalLink

STEMS = {"phq9": phq9.STEM, "gad7": gad7.STEM, "pcl5": pcl5.STEM}

CLOSED_MESSAGES = {
    "unknown": (
        "This link does not work",
        "This link is not valid. Please check it, or contact your clinic.",
    ),
    "expired": ("This link has expired", "This link has expired. Please contact your clinic."),
    "used": ("This link has already been used", "This questionnaire has already been answered. Thank you."),
    "locked": (
        "This link is locked",
        "This link is locked because the date of birth did not match. Please contact your clinic.",
    ),
}


def _state_key(link: PortalLink) -> str:
    return f"portal.{link.pk}"


def _state(request: HttpRequest, link: PortalLink) -> dict[str, Any]:
    return request.session.get(_state_key(link)) or {}


def _save_state(request: HttpRequest, link: PortalLink, state: dict[str, Any]) -> None:
    request.session[_state_key(link)] = state


def _closed(request: HttpRequest, link: PortalLink | None, state: str) -> HttpResponse:
    actions.record_portal_view(link, "closed", request, state=state)
    title, message = CLOSED_MESSAGES[state]
    return render(
        request,
        "portal/closed.html",
        {"title": title, "message": message},
        status=404 if state == "unknown" else 410,
    )


def _open_link(request: HttpRequest, token: str) -> tuple[PortalLink | None, HttpResponse | None]:
    """The link if it is open, else the closed page to return."""
    link = actions.find_link(token)
    if link is None:
        return None, _closed(request, None, "unknown")
    state = link.state()
    if state != "open":
        return link, _closed(request, link, state)
    return link, None


def _verified(request: HttpRequest, link: PortalLink) -> bool:
    return bool(_state(request, link).get("verified"))


def _answers(request: HttpRequest, link: PortalLink) -> dict[str, dict[str, int | None]]:
    return dict(_state(request, link).get("answers") or {})


def _shown_items(instrument: Instrument, answers: dict[str, int | None]) -> list[str]:
    if instrument.code == "cssrs_screen":
        return list(applicable_items(answers))
    return list(instrument.item_ids)


def _missing(
    instrument: Instrument, answers: dict[str, int | None], sex: str | None
) -> tuple[str, ...] | None:
    """Items still to answer; None when the stored answers cannot be scored at all."""
    try:
        return score(instrument.code, answers, sex=sex).missing
    except AnswerError:
        return None


def _sex(link: PortalLink) -> str | None:
    sex = link.request.patient.sex_at_birth
    return sex if sex in ("female", "male") else None


def _first_incomplete(link: PortalLink, answers: dict[str, dict[str, int | None]]) -> int | None:
    for step, code in enumerate(link.request.instruments, start=1):
        missing = _missing(get_instrument(code), answers.get(code) or {}, _sex(link))
        if missing is None or missing:
            return step
    return None


@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's address: the date-of-birth check, then on to the questions."""
    link, closed = _open_link(request, token)
    if closed is not None:
        return closed
    assert link is not None
    if _verified(request, link):
        step = _first_incomplete(link, _answers(request, link)) or len(link.request.instruments)
        return redirect("portal:step", token=token, step=step)
    form = DateOfBirthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = actions.verify_date_of_birth(link, form.cleaned_data["date_of_birth"], request)
        if outcome == "ok":
            request.session.cycle_key()  # a fresh session id once the patient is known
            _save_state(request, link, {"verified": True, "answers": {}})
            return redirect("portal:step", token=token, step=1)
        if outcome != "wrong":
            return _closed(request, link, outcome)
        left = actions.DOB_TRIES - link.dob_failures
        form.add_error(
            None,
            f"That date of birth does not match our records. {left} tr{'y' if left == 1 else 'ies'} left.",
        )
    else:
        actions.record_portal_view(link, "date_of_birth", request)
    return render(request, "portal/date_of_birth.html", {"form": form})


def _item_rows(
    instrument: Instrument, shown: list[str], answers: dict[str, int | None], errors: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for number, item_id in enumerate(shown, start=1):
        item = instrument.item(item_id)
        current = answers.get(item_id)
        rows.append(
            {
                "id": item_id,
                "number": number,
                "text": item.text if instrument.show_wording and item.text else item.label,
                "optional": not item.scored,
                "error": errors.get(item_id, ""),
                "options": [
                    {"value": option.value, "label": option.label, "checked": current == option.value}
                    for option in item.options
                ],
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, step: int) -> HttpResponse:
    """One questionnaire, all its (applicable) items on one page."""
    link, closed = _open_link(request, token)
    if closed is not None:
        if request.method == "POST" and link is not None and _verified(request, link):
            # A double tap or a retry after the visit was stored: show the confirmation again.
            return redirect("portal:done", token=token)
        return closed
    assert link is not None
    if not _verified(request, link):
        return redirect("portal:open", token=token)
    codes = link.request.instruments
    if not 1 <= step <= len(codes):
        return redirect("portal:open", token=token)
    instrument = get_instrument(codes[step - 1])
    all_answers = _answers(request, link)
    answers = dict(all_answers.get(instrument.code) or {})
    errors: dict[str, str] = {}
    revealed = False

    if request.method == "POST":
        posted_shown = [i for i in request.POST.get("shown", "").split(",") if i in instrument.item_ids]
        for item_id in posted_shown:
            item = instrument.item(item_id)
            raw = request.POST.get(item_id, "").strip()
            if raw == "":
                answers[item_id] = None
                continue
            try:
                value: object = int(raw)
            except ValueError:
                value = raw
            try:
                answers[item_id] = check_answer(instrument, item, value)
            except AnswerError as error:
                errors[item_id] = actions._item_message(instrument.code, error)
                answers[item_id] = None
        # Skip logic: an item that no longer applies (q2 changed to No) is dropped, not kept hidden.
        shown = _shown_items(instrument, answers)
        answers = {item_id: value for item_id, value in answers.items() if item_id in shown}
        missing = _missing(instrument, answers, _sex(link))
        if missing is None:
            try:
                score(instrument.code, answers, sex=_sex(link))
            except AnswerError as error:
                errors.setdefault(error.item or "", actions._item_message(instrument.code, error))
        for item_id in missing or ():
            if item_id in posted_shown:
                errors.setdefault(item_id, "Please answer this question.")
            else:
                revealed = True  # the answers called for more questions (C-SSRS): ask them on the same page
        all_answers[instrument.code] = answers
        _save_state(request, link, {"verified": True, "answers": all_answers})
        if not errors and not revealed:
            if step < len(codes):
                return redirect("portal:step", token=token, step=step + 1)
            incomplete = _first_incomplete(link, all_answers)
            if incomplete is not None:
                return redirect("portal:step", token=token, step=incomplete)
            try:
                actions.submit_visit(link, all_answers, request)
            except actions.LinkClosed:
                pass  # the other tap stored it; the confirmation below reads what was stored
            except ValidationError as error:
                errors[""] = " ".join(error.messages)
            if not errors:
                _save_state(request, link, {"verified": True, "answers": {}, "done": True})
                return redirect("portal:done", token=token)
    else:
        actions.record_portal_view(link, "questions", request, step=step, instrument=instrument.code)

    shown = _shown_items(instrument, answers)
    if request.method == "POST":
        # The page is shown again (a missing answer, or more C-SSRS questions): that is a view too.
        actions.record_portal_view(
            link,
            "questions",
            request,
            step=step,
            instrument=instrument.code,
            errors=sorted(errors),
            revealed=revealed,
        )
    return render(
        request,
        "portal/step.html",
        {
            "token": token,
            "instrument": instrument,
            "stem": STEMS.get(instrument.code) if instrument.show_wording else None,
            "items": _item_rows(instrument, shown, answers, errors),
            "shown": ",".join(shown),
            "errors": errors,
            "general_error": errors.get(""),
            "revealed": revealed,
            "step": step,
            "steps": len(codes),
            "last": step == len(codes),
            "previous": reverse("portal:step", kwargs={"token": token, "step": step - 1})
            if step > 1
            else None,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET"])
def done(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation; crisis resources first when the answers call for them."""
    link = actions.find_link(token)
    if link is None:
        return _closed(request, None, "unknown")
    state = link.state()
    if state == "open":
        return redirect("portal:open", token=token)
    if not _verified(request, link):
        return _closed(request, link, state)
    # Read from what was stored, not the session: a second tap's page shows the same resources.
    stored = list(
        Assessment.objects.filter(request_id=link.request_id, voided_at__isnull=True).only(
            "instrument", "band", "flags"
        )
    )
    if not stored:
        return _closed(request, link, state)
    crisis = actions.crisis_needed(stored)
    actions.record_portal_view(link, "done", request, crisis=crisis)
    return render(request, "portal/done.html", {"crisis": crisis})
