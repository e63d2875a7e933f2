"""The patient portal: /p/<token>/ — anonymous, single-use, mobile-first.

Flow: the link is looked up by the sha256 of its token; a closed link (used,
expired, locked, unknown) gets a plain page saying so and nothing else.  An
open link's token is exchanged at once for a portal session bound to the link
(``portal_session``: its own cookie, not the staff session) and the browser is
sent on to ``/p/``, so the token stays in no address bar, history or Referer;
every later page (``/p/``, ``/p/q/<step>/``, ``/p/done/``) works from that
session.  The patient confirms their date of birth in one box (three wrong tries
lock the link), then answers one question a page (``?item=<n>``; the C-SSRS
screen keeps its whole page for its skip logic): tapping an answer sends it
(``static/remit/portal.js``), and without script each question has its Next.
Each answer is kept in the portal session as it is sent, so a reload loses
nothing.  Finishing clears it.  A visit started by staff on a clinic tablet
(``views_kiosk``) skips the date of birth and ends on a locked screen.

Unknown links are counted per client address and each link's openings per
token (``remit.throttle``): over a limit the answer is 429 with Retry-After,
and the failures are audited once per address and interval, not once each.
Every portal response says ``Referrer-Policy: no-referrer``.

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

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from remit.accounts.models import Clinic
from remit.core.instruments import Instrument, gad7, get_instrument, pcl5, phq9
from remit.core.instruments.pages import check_page, shown_items
from remit.measures import actions_portal, actions_questionnaire_requests, portal_session
from remit.measures.forms import DateOfBirthForm
from remit.measures.models import Assessment, PortalLink, QuestionnaireRequest
from remit.pages import portal_links
from remit.throttle import limits
from remit.throttle.failures import record_failure
from remit.throttle.models import FailureTally

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


NO_SESSION = (
    "Open the link from your message",
    "To answer your clinic's questionnaire, please open the link in the message your clinic sent you. "
    "If it no longer works, contact your clinic.",
)


class _PortalCsrf(CsrfViewMiddleware):
    """Django's CSRF check, for pages that send no Referer.

    ``Referrer-Policy: no-referrer`` makes the browser send ``Origin: null`` with the portal's own
    forms, which Django's origin check refuses. Here that origin is let through to the rest of the
    check, which still requires the CSRF token (cookie and form field); any other origin is checked
    as usual. (The portal cookie is also SameSite=Lax, so another site's form never carries it.)
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)  # type: ignore[misc]


_portal_csrf = decorator_from_middleware(_PortalCsrf)


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A portal view: the browser's portal session is loaded before and saved (or ended) after, no
    response sends a Referer onwards, and the CSRF check allows the ``null`` origin that causes."""

    checked = cast(Callable[..., HttpResponse], _portal_csrf(view))

    @csrf_exempt  # the site-wide check is replaced by _PortalCsrf, just inside
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.portal_session = portal_session.load(request)  # type: ignore[attr-defined]
        request.portal_clinic = _clinic_of(_session(request))  # type: ignore[attr-defined]
        if _kiosk_finished(_session(request)) and view.__name__ != "done":
            # A clinic tablet whose visit ended: every page is the locked screen.
            response: HttpResponse = redirect("portal:done")
        else:
            response = checked(request, *args, **kwargs)
        session = _session(request)
        if session is not None:
            portal_session.attach(session, response)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def _clinic_of(session: SessionBase | None) -> Clinic | None:
    """The clinic whose name, logo and phone head the portal's pages: the one that sent the link."""
    if session is None:
        return None
    return Clinic.objects.filter(patients__questionnaire_requests__links__pk=session["link_id"]).first()


def _kiosk_finished(session: SessionBase | None) -> bool:
    return session is not None and bool(session.get("kiosk")) and bool(session.get("finished"))


def _session(request: HttpRequest) -> SessionBase | None:
    return getattr(request, "portal_session", None)


def _state(request: HttpRequest, link: PortalLink) -> dict[str, Any]:
    session = _session(request)
    if not portal_session.bound_to(session, link.pk):
        return {}
    assert session is not None
    return {key: session[key] for key in session.keys() if key != "link_id"}


def _save_state(request: HttpRequest, link: PortalLink, state: dict[str, Any]) -> None:
    session = _session(request)
    assert session is not None and portal_session.bound_to(session, link.pk)
    for key in [key for key in session.keys() if key != "link_id"]:
        del session[key]
    for key, value in state.items():
        session[key] = value


def _finished(request: HttpRequest, link: PortalLink) -> None:
    """The questionnaire request is complete: the portal session keeps nothing but the confirmation."""
    session = _session(request)
    if portal_session.bound_to(session, link.pk):
        assert session is not None
        portal_session.finish(session)


def _closed(request: HttpRequest, link: PortalLink | None, state: str) -> HttpResponse:
    if link is not None:
        request.portal_clinic = link.questionnaire_request.patient.clinic  # type: ignore[attr-defined]
    actions_portal.record_portal_view(link, "closed", request, state=state)
    title, message = CLOSED_MESSAGES[state]
    return render(
        request,
        "portal/closed.html",
        {"title": title, "message": message},
        status=404 if state == "unknown" else 410,
    )


def _too_many(request: HttpRequest, verdict: limits.Verdict, what: str) -> HttpResponse:
    response = render(
        request,
        "portal/closed.html",
        {
            "title": "Too many attempts",
            "message": f"{what} Please wait {limits.wait_words(verdict.retry_after)} and try again, "
            "or contact your clinic.",
        },
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _unknown_link(request: HttpRequest) -> HttpResponse:
    """A token that opens nothing: counted against the address, audited once per interval."""
    over = limits.hit(request, limits.PORTAL_FAILURES, limits.address(request))
    record_failure(FailureTally.PORTAL_LINK, request, refused=over.limited, detail={"reason": "unknown link"})
    if over.limited:
        return _too_many(request, over, "Too many links that do not work were opened from this connection.")
    title, message = CLOSED_MESSAGES["unknown"]
    return render(request, "portal/closed.html", {"title": title, "message": message}, status=404)


def _no_session(request: HttpRequest) -> HttpResponse:
    title, message = NO_SESSION
    return render(request, "portal/closed.html", {"title": title, "message": message}, status=404)


def _session_link(request: HttpRequest) -> PortalLink | None:
    """The link this browser's portal session is bound to."""
    session = _session(request)
    if session is None:
        return None
    return (
        PortalLink.objects.select_related("questionnaire_request", "questionnaire_request__patient")
        .filter(pk=session["link_id"])
        .first()
    )


def _verified(request: HttpRequest, link: PortalLink) -> bool:
    return bool(_state(request, link).get("verified"))


def session_link(request: HttpRequest) -> PortalLink | None:
    """The link this browser's portal session is bound to (for the portal's other pages)."""
    return _session_link(request)


def verified_for(request: HttpRequest, link: PortalLink) -> bool:
    """Whether this browser confirmed the patient's date of birth for ``link``, or has just finished its
    questionnaire with it (for the portal's other pages, e.g. asking to amend the record)."""
    return _verified(request, link) or bool(_state(request, link).get("finished"))


def _answers(request: HttpRequest, link: PortalLink) -> dict[str, dict[str, int | None]]:
    return dict(_state(request, link).get("answers") or {})


def _first_unanswered(link: PortalLink, stored: dict[str, Assessment]) -> int | None:
    """The first step whose questionnaire is not stored yet."""
    for step, code in enumerate(link.questionnaire_request.instruments, start=1):
        if code not in stored:
            return step
    return None


@require_http_methods(["GET", "POST"])
@portal_page
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link's address: exchange the token for a portal session and leave the token behind."""
    link = actions_portal.find_link(token)
    if link is None:
        return _unknown_link(request)
    over = limits.hit(request, limits.PORTAL_LINK, limits.token_key(token))
    if over.limited:
        record_failure(
            FailureTally.PORTAL_LINK, request, refused=True, detail={"reason": "one link opened too often"}
        )
        return _too_many(request, over, "This link was opened too many times in a short while.")
    state = link.state()
    if state != "open":
        return _closed(request, link, state)
    if not portal_session.bound_to(_session(request), link.pk):
        # A new visit (or another device): its own session, which must confirm the date of birth.
        request.portal_session = portal_session.start(link.pk, link.expires_at)  # type: ignore[attr-defined]
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
@portal_page
def home(request: HttpRequest) -> HttpResponse:
    """``/p/``: the date-of-birth check, then on to the questions."""
    link = _session_link(request)
    if link is None:
        return _no_session(request)
    state = link.state()
    if state != "open":
        if _state(request, link).get("finished"):
            return redirect("portal:done")
        return _closed(request, link, state)
    if _verified(request, link):
        stored = actions_questionnaire_requests.live_assessments(link.questionnaire_request_id)
        step = _first_unanswered(link, stored) or len(link.questionnaire_request.instruments)
        return redirect("portal:step", step=step)
    form = DateOfBirthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = actions_portal.verify_date_of_birth(link, form.cleaned_data["date_of_birth"], request)
        if outcome == "ok":
            session = _session(request)
            assert session is not None
            session.cycle_key()  # a fresh session id once the patient is known
            _save_state(request, link, {"verified": True, "answers": {}})
            return redirect("portal:step", step=1)
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


def _after_stored_page(request: HttpRequest, link: PortalLink, step: int) -> HttpResponse:
    """A stored page was posted again (double tap, back then resubmit): store nothing, move on."""
    codes = link.questionnaire_request.instruments
    if step < len(codes):
        return redirect("portal:step", step=step + 1)
    try:
        unanswered = actions_portal.complete_questionnaire_request(link, request)
    except actions_portal.LinkClosed:
        return redirect("portal:done")  # the other tap completed it
    if unanswered:
        return redirect("portal:step", step=codes.index(unanswered[0]) + 1)
    _finished(request, link)
    return redirect("portal:done")


def _render_stored(
    request: HttpRequest, link: PortalLink, step: int, assessment: Assessment, crisis: bool
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
            "previous": reverse("portal:step", kwargs={"step": step - 1}) if step > 1 else None,
        },
    )


@require_http_methods(["GET", "POST"])
@portal_page
def step(request: HttpRequest, step: int) -> HttpResponse:
    """One questionnaire, all its (applicable) items on one page."""
    link = _session_link(request)
    if link is None:
        return _no_session(request)
    state = link.state()
    if state != "open":
        if request.method == "POST" and (_verified(request, link) or _state(request, link).get("finished")):
            # A double tap or a retry after the questionnaire request was stored: show the confirmation again.
            return redirect("portal:done")
        return _closed(request, link, state)
    if not _verified(request, link):
        return redirect("portal:home")
    codes = link.questionnaire_request.instruments
    if not 1 <= step <= len(codes):
        return redirect("portal:home")
    instrument = get_instrument(codes[step - 1])
    # What the questionnaire request has stored so far (one query): read-only pages, and crisis resources once called for.
    stored = actions_questionnaire_requests.live_assessments(link.questionnaire_request_id)
    crisis = actions_portal.crisis_needed(stored.values())
    if instrument.code in stored:
        if request.method == "POST":
            return _after_stored_page(request, link, step)
        return _render_stored(request, link, step, stored[instrument.code], crisis)
    all_answers = _answers(request, link)
    answers = dict(all_answers.get(instrument.code) or {})
    errors: dict[str, str] = {}
    revealed = False

    if request.method == "POST" and request.POST.get("item") in instrument.item_ids:
        return _answer_one_item(request, link, step, instrument, all_answers, answers)
    if request.method == "GET" and _answer_one_at_a_time(instrument):
        return _render_one_item(request, link, step, instrument, answers, crisis)

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
            return redirect("portal:done")  # completed or closed meanwhile
        answers, errors, revealed, outcome = page.answers, page.errors, page.revealed, page.outcome
        all_answers[instrument.code] = answers
        _save_state(request, link, {**_state(request, link), "verified": True, "answers": all_answers})
        if outcome is not None:
            _page_sent(request, link, instrument.code, by_this_browser=outcome.created)
            if outcome.completed:
                _finished(request, link)
                return redirect("portal:done")
            if step < len(codes):
                return redirect("portal:step", step=step + 1)
            # The last page with an earlier one never sent: go back to it.
            return redirect("portal:step", step=codes.index(outcome.unanswered[0]) + 1)
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
            "previous": reverse("portal:step", kwargs={"step": step - 1}) if step > 1 else None,
        },
        status=400 if errors else 200,
    )


def _answer_one_at_a_time(instrument: Instrument) -> bool:
    """Every questionnaire is asked one question a page; the C-SSRS screen keeps its own page,
    whose later questions appear on it when an answer calls for them."""
    return instrument.code != "cssrs_screen"


def _asked(instrument: Instrument, answers: dict[str, int | None]) -> list[str]:
    """The questions asked one at a time. PHQ-9's tenth asks "If you checked off any problems, how
    difficult…": after nine answers of "Not at all" it does not apply and is not asked (it is never
    scored; the page stored without it)."""
    shown = shown_items(instrument, answers)
    if instrument.code == "phq9" and all(answers.get(f"q{n}") == 0 for n in range(1, 10)):
        return [item_id for item_id in shown if item_id != "q10"]
    return shown


def _item_url(step: int, number: int) -> str:
    return f"{reverse('portal:step', kwargs={'step': step})}?item={number}"


def _render_one_item(
    request: HttpRequest,
    link: PortalLink,
    step: int,
    instrument: Instrument,
    answers: dict[str, int | None],
    crisis: bool,
    *,
    number: int | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    """One question of the page: tapping an answer sends it (``portal.js``); without script, Next does."""
    shown = _asked(instrument, answers)
    if number is None:
        try:
            number = int(request.GET.get("item", ""))
        except ValueError:
            # Where the patient left off: the first question not answered yet.
            number = next((n for n, i in enumerate(shown, start=1) if answers.get(i) is None), len(shown))
    number = min(max(number, 1), len(shown))
    errors = errors or {}
    item_id = shown[number - 1]
    codes = link.questionnaire_request.instruments
    if number > 1:
        previous: str | None = _item_url(step, number - 1)
    else:
        previous = reverse("portal:step", kwargs={"step": step - 1}) if step > 1 else None
    if request.method == "GET":
        actions_portal.record_portal_view(
            link, "questions", request, step=step, instrument=instrument.code, crisis=crisis, item=number
        )
    rows = _item_rows(instrument, shown, answers, errors)
    return render(
        request,
        "portal/step.html",
        {
            "instrument": instrument,
            "stem": STEMS.get(instrument.code) if instrument.show_wording else None,
            "items": [rows[number - 1]],
            "one_item": True,
            "item_id": item_id,
            "item_number": number,
            "item_count": len(shown),
            "shown": item_id,
            "errors": errors,
            "general_error": errors.get(""),
            "revealed": False,
            "crisis": crisis,
            "step": step,
            "steps": len(codes),
            "last": step == len(codes) and number == len(shown),
            "last_item": number == len(shown),
            "previous": previous,
        },
        status=400 if errors else 200,
    )


def _answer_one_item(
    request: HttpRequest,
    link: PortalLink,
    step: int,
    instrument: Instrument,
    all_answers: dict[str, dict[str, int | None]],
    answers: dict[str, int | None],
) -> HttpResponse:
    """One question answered: kept in the portal session at once (a reload or a closed phone loses
    nothing), then the next question; the page's last question stores the page as before."""
    item_id = request.POST["item"]
    posted = {item_id: request.POST.get(item_id, "")}
    patient = link.questionnaire_request.patient
    sex = patient.sex_at_birth if patient.sex_at_birth in ("female", "male") else None
    check = check_page(instrument, answers, posted, sex)
    stored = actions_questionnaire_requests.live_assessments(link.questionnaire_request_id)
    crisis = actions_portal.crisis_needed(stored.values())
    shown = _asked(instrument, check.answers)
    number = shown.index(item_id) + 1 if item_id in shown else 1
    if item_id in check.errors:
        return _render_one_item(
            request, link, step, instrument, check.answers, crisis, number=number, errors=check.errors
        )
    all_answers[instrument.code] = check.answers
    _save_state(request, link, {**_state(request, link), "verified": True, "answers": all_answers})
    if number < len(shown):
        return redirect(_item_url(step, number + 1))
    # The last question: the whole page is checked and stored (any alert with it).
    codes = link.questionnaire_request.instruments
    try:
        page = actions_portal.answer_page(
            link, instrument.code, answers, posted, request, finish=step == len(codes)
        )
    except actions_portal.LinkClosed:
        return redirect("portal:done")
    all_answers[instrument.code] = page.answers
    _save_state(request, link, {**_state(request, link), "verified": True, "answers": all_answers})
    if page.outcome is None:
        # A question still unanswered (skipped by going forward some other way): back to it.
        missing = next((i for i in shown if page.answers.get(i) is None and i in page.errors), None)
        missing = missing or next(
            (i for i in shown if page.answers.get(i) is None and instrument.item(i).scored), shown[0]
        )
        return redirect(_item_url(step, shown.index(missing) + 1))
    _page_sent(request, link, instrument.code, by_this_browser=page.outcome.created)
    if page.outcome.completed:
        _finished(request, link)
        return redirect("portal:done")
    if step < len(codes):
        return redirect("portal:step", step=step + 1)
    return redirect("portal:step", step=codes.index(page.outcome.unanswered[0]) + 1)


def _locked(request: HttpRequest, link: PortalLink, crisis: bool) -> HttpResponse:
    """A clinic tablet's visit ended: thanks (and crisis resources when called for) once, then only
    the locked screen, whatever page is asked for; a staff sign-in starts another visit."""
    session = _session(request)
    assert session is not None
    first = not session.get("locked_shown")
    session["locked_shown"] = True
    actions_portal.record_portal_view(link, "locked", request, first=first)
    response = render(
        request,
        "portal/locked.html",
        {"crisis": crisis and first, "thanks": first, "sign_in": reverse("accounts:login")},
    )
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@require_http_methods(["GET"])
@portal_page
def done(request: HttpRequest) -> HttpResponse:
    """The confirmation; crisis resources first when the answers call for them."""
    link = _session_link(request)
    if link is None:
        return _no_session(request)
    state = link.state()
    if state == "open":
        return redirect("portal:home")
    if not (_verified(request, link) or _state(request, link).get("finished")):
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
    session = _session(request)
    if _kiosk_finished(session):
        return _locked(request, link, crisis)
    # A questionnaire request left part-answered whose link then closed: what was sent reached the clinic; say so plainly.
    completed = link.questionnaire_request.status == QuestionnaireRequest.COMPLETED
    actions_portal.record_portal_view(link, "done", request, crisis=crisis, completed=completed)
    response = render(
        request,
        "portal/done.html",
        {"crisis": crisis, "completed": completed, "more": portal_links.all_links()},
    )
    # Nothing of the visit stays in the browser's cache or storage (the finished session's cookie
    # stays until it expires, so a reload shows this page again).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response
