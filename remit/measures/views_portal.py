"""The patient portal: /p/<token>/ — anonymous, single-use, mobile-first.

Flow: the link is looked up by the sha256 of its token; a closed link (used,
expired, locked, unknown) gets a plain page saying so and nothing else.  The
patient confirms their date of birth (three wrong tries lock the link), then
answers one questionnaire per page; answers being typed are kept in the
session per link so a reload loses nothing.

Each page is validated, scored and stored as its own assessment when the
patient moves on from it (``actions_portal.submit_page``: one transaction with the
link locked, any safety alert raised in it), so a patient who answers PHQ-9
item 9 on page 1 and then closes the phone has still raised the alert.  Once
a stored page calls for them, crisis resources head every later page and the
confirmation.  A page already stored is shown read-only ("Already sent to
your clinic"; the answers themselves only to the browser that sent them);
posting it again stores nothing and moves on.  The C-SSRS page
reveals Q3–Q5 on the same page when Q2 is yes, and is stored only when that
last step is submitted.  The last page's submit also completes the questionnaire request.

Nothing here reads ``request.user``: a staff member signed in in the same
browser changes nothing, and every audit row says "patient portal".  Every
view writes its audit row(s) through ``actions``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from remit.core.instruments import Instrument, gad7, get_instrument, pcl5, phq9
from remit.core.instruments.pages import shown_items
from remit.measures import actions_portal, actions_questionnaire_requests
from remit.measures.forms import DateOfBirthForm
from remit.measures.models import Assessment, PortalLink, QuestionnaireRequest
from remit.pages import portal_links

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
    actions_portal.record_portal_view(link, "closed", request, state=state)
    title, message = CLOSED_MESSAGES[state]
    return render(
        request,
        "portal/closed.html",
        {"title": title, "message": message},
        status=404 if state == "unknown" else 410,
    )


def _open_link(request: HttpRequest, token: str) -> tuple[PortalLink | None, HttpResponse | None]:
    """The link if it is open, else the closed page to return."""
    link = actions_portal.find_link(token)
    if link is None:
        return None, _closed(request, None, "unknown")
    state = link.state()
    if state != "open":
        return link, _closed(request, link, state)
    return link, None


def _verified(request: HttpRequest, link: PortalLink) -> bool:
    return bool(_state(request, link).get("verified"))


def verified_for(request: HttpRequest, link: PortalLink) -> bool:
    """Whether this browser confirmed the patient's date of birth for ``link`` (for the portal's other
    pages, e.g. asking to amend the record)."""
    return _verified(request, link)


def _answers(request: HttpRequest, link: PortalLink) -> dict[str, dict[str, int | None]]:
    return dict(_state(request, link).get("answers") or {})


def _first_unanswered(link: PortalLink, stored: dict[str, Assessment]) -> int | None:
    """The first step whose questionnaire is not stored yet."""
    for step, code in enumerate(link.questionnaire_request.instruments, start=1):
        if code not in stored:
            return step
    return None


@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link's address: the date-of-birth check, then on to the questions."""
    link, closed = _open_link(request, token)
    if closed is not None:
        return closed
    assert link is not None
    if _verified(request, link):
        stored = actions_questionnaire_requests.live_assessments(link.questionnaire_request_id)
        step = _first_unanswered(link, stored) or len(link.questionnaire_request.instruments)
        return redirect("portal:step", token=token, step=step)
    form = DateOfBirthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = actions_portal.verify_date_of_birth(link, form.cleaned_data["date_of_birth"], request)
        if outcome == "ok":
            request.session.cycle_key()  # a fresh session id once the patient is known
            _save_state(request, link, {"verified": True, "answers": {}})
            return redirect("portal:step", token=token, step=1)
        if outcome != "wrong":
            return _closed(request, link, outcome)
        left = actions_portal.DOB_TRIES - link.dob_failures
        form.add_error(
            None,
            f"That date of birth does not match our records. {left} tr{'y' if left == 1 else 'ies'} left.",
        )
    else:
        actions_portal.record_portal_view(link, "date_of_birth", request)
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


def _stored_rows(instrument: Instrument, answers: dict[str, int | None]) -> list[dict[str, Any]]:
    """The stored answers, read-only: the questions that were asked and the option chosen."""
    rows = []
    for number, item_id in enumerate(shown_items(instrument, answers), start=1):
        item = instrument.item(item_id)
        value = answers.get(item_id)
        option = item.option(value) if value is not None else None
        rows.append(
            {
                "number": number,
                "text": item.text if instrument.show_wording and item.text else item.label,
                "answer": option.label if option is not None else "Not answered",
            }
        )
    return rows


def _page_sent(request: HttpRequest, link: PortalLink, code: str, *, by_this_browser: bool) -> None:
    """A stored page's answers live in the database now, not in the session.

    The browser that sent them may see them again read-only; another browser
    (a second device, a reminder link) is only told the page was sent.
    """
    state = _state(request, link)
    answers = dict(state.get("answers") or {})
    answers.pop(code, None)
    sent = list(state.get("sent") or [])
    if by_this_browser and code not in sent:
        sent.append(code)
    _save_state(request, link, {**state, "answers": answers, "sent": sent})


def _after_stored_page(request: HttpRequest, link: PortalLink, token: str, step: int) -> HttpResponse:
    """A stored page was posted again (double tap, back then resubmit): store nothing, move on."""
    codes = link.questionnaire_request.instruments
    if step < len(codes):
        return redirect("portal:step", token=token, step=step + 1)
    try:
        unanswered = actions_portal.complete_questionnaire_request(link, request)
    except actions_portal.LinkClosed:
        return redirect("portal:done", token=token)  # the other tap completed it
    if unanswered:
        return redirect("portal:step", token=token, step=codes.index(unanswered[0]) + 1)
    _save_state(request, link, {"verified": True, "answers": {}, "done": True})
    return redirect("portal:done", token=token)


def _render_stored(
    request: HttpRequest, link: PortalLink, token: str, step: int, assessment: Assessment, crisis: bool
) -> HttpResponse:
    codes = link.questionnaire_request.instruments
    instrument = get_instrument(codes[step - 1])
    actions_portal.record_portal_view(
        link, "questions", request, step=step, instrument=instrument.code, stored=True, crisis=crisis
    )
    return render(
        request,
        "portal/stored.html",
        {
            "instrument": instrument,
            # Only the browser that sent the answers sees them again.
            "rows": _stored_rows(instrument, dict(assessment.answers))
            if instrument.code in (_state(request, link).get("sent") or [])
            else None,
            "crisis": crisis,
            "step": step,
            "steps": len(codes),
            "last": step == len(codes),
            "previous": reverse("portal:step", kwargs={"token": token, "step": step - 1})
            if step > 1
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, step: int) -> HttpResponse:
    """One questionnaire, all its (applicable) items on one page."""
    link, closed = _open_link(request, token)
    if closed is not None:
        if request.method == "POST" and link is not None and _verified(request, link):
            # A double tap or a retry after the questionnaire request was stored: show the confirmation again.
            return redirect("portal:done", token=token)
        return closed
    assert link is not None
    if not _verified(request, link):
        return redirect("portal:open", token=token)
    codes = link.questionnaire_request.instruments
    if not 1 <= step <= len(codes):
        return redirect("portal:open", token=token)
    instrument = get_instrument(codes[step - 1])
    # What the questionnaire request has stored so far (one query): read-only pages, and crisis resources once called for.
    stored = actions_questionnaire_requests.live_assessments(link.questionnaire_request_id)
    crisis = actions_portal.crisis_needed(stored.values())
    if instrument.code in stored:
        if request.method == "POST":
            return _after_stored_page(request, link, token, step)
        return _render_stored(request, link, token, step, stored[instrument.code], crisis)
    all_answers = _answers(request, link)
    answers = dict(all_answers.get(instrument.code) or {})
    errors: dict[str, str] = {}
    revealed = False

    if request.method == "POST":
        posted_shown = [i for i in request.POST.get("shown", "").split(",") if i in instrument.item_ids]
        posted = {item_id: request.POST.get(item_id, "") for item_id in posted_shown}
        # Check the page and, when complete, store it now (and any alert with it); the last page
        # also completes the questionnaire request.
        try:
            page = actions_portal.answer_page(
                link, instrument.code, answers, posted, request, finish=step == len(codes)
            )
        except actions_portal.LinkClosed:
            return redirect("portal:done", token=token)  # completed or closed meanwhile
        answers, errors, revealed, outcome = page.answers, page.errors, page.revealed, page.outcome
        all_answers[instrument.code] = answers
        _save_state(request, link, {**_state(request, link), "verified": True, "answers": all_answers})
        if outcome is not None:
            _page_sent(request, link, instrument.code, by_this_browser=outcome.created)
            if outcome.completed:
                _save_state(request, link, {"verified": True, "answers": {}, "done": True})
                return redirect("portal:done", token=token)
            if step < len(codes):
                return redirect("portal:step", token=token, step=step + 1)
            # The last page with an earlier one never sent: go back to it.
            return redirect("portal:step", token=token, step=codes.index(outcome.unanswered[0]) + 1)
    else:
        actions_portal.record_portal_view(
            link, "questions", request, step=step, instrument=instrument.code, crisis=crisis
        )

    shown = shown_items(instrument, answers)
    if request.method == "POST":
        # The page is shown again (a missing answer, or more C-SSRS questions): that is a view too.
        actions_portal.record_portal_view(
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
            "crisis": crisis,
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
    link = actions_portal.find_link(token)
    if link is None:
        return _closed(request, None, "unknown")
    state = link.state()
    if state == "open":
        return redirect("portal:open", token=token)
    if not _verified(request, link):
        return _closed(request, link, state)
    # Read from what was stored, not the session: a second tap's page shows the same resources.
    stored = list(
        Assessment.objects.filter(
            questionnaire_request_id=link.questionnaire_request_id, voided_at__isnull=True
        ).only("instrument", "band", "flags")
    )
    if not stored:
        return _closed(request, link, state)
    crisis = actions_portal.crisis_needed(stored)
    # A questionnaire request left part-answered whose link then closed: what was sent reached the clinic; say so plainly.
    completed = link.questionnaire_request.status == QuestionnaireRequest.COMPLETED
    actions_portal.record_portal_view(link, "done", request, crisis=crisis, completed=completed)
    return render(
        request,
        "portal/done.html",
        {"crisis": crisis, "completed": completed, "more": portal_links.for_token(token)},
    )
