"""C-SSRS Screener (Screen with Triage Points), clinical-reference 1.7.

Six yes/no items plus the item-6 follow-up "within the past 3 months".
Skip logic: Q1 and Q2 are always asked; Q3-Q5 only when Q2 is Yes; Q6
always; Q6-recent only when Q6 is Yes. The risk level is the key output
(``band``); ``total`` is only the count of Yes answers to Q1-Q6, not a
severity score.
"""

from __future__ import annotations

from collections.abc import Mapping

from remit.core.instruments.errors import AnswerError
from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.rules import Answers, Context, Outcome, flags_in_order, unanswered

LADDER = (
    "Risk ladder checked against the CMS-hosted 2008 'Screen Version – Recent' and Columbia's "
    "'Screen with Triage Points for Primary Care': SPiER adoption-guide "
    "docs/reference/suicide-safer-care-pathway-spec.md (Published-instrument verification); "
    "cssrs.columbia.edu triage page [V]. Not SPiER's README table, which is the old mapping."
)
SKIP_LOGIC = "Skip logic: rula.com summary; Millisecond manual; NINDS CDE page [V2]"
LOINC_SOURCE = "SPiER FHIR-Resources/C-SSRS/README.md and licensing memo (confirm on loinc.org) [V]"

YES = 1
NO = 0
YES_NO = (Option(NO, "No"), Option(YES, "Yes"))

ALWAYS_ASKED = ("q1", "q2")
ASKED_WHEN_Q2_YES = ("q3", "q4", "q5")
BEHAVIOUR = "q6"
BEHAVIOUR_RECENT = "q6_recent"


def _item(item_id: str, label: str, loinc: str, *, conditional: bool = False) -> Item:
    return Item(id=item_id, label=label, options=YES_NO, loinc=loinc, yes_no=True, conditional=conditional)


INSTRUMENT = Instrument(
    code="cssrs_screen",
    name="Columbia Suicide Severity Rating Scale, Screener (C-SSRS Screen with Triage Points)",
    version="1.0",
    respondent="patient",
    recall_period="ideation: past month; behavior: lifetime, with a past-3-months follow-up",
    items=(
        _item("q1", "Wish to be dead", "93246-7"),
        _item("q2", "Non-specific active suicidal thoughts", "93247-5"),
        _item("q3", "Suicidal thoughts with method", "93248-3", conditional=True),
        _item("q4", "Suicidal intent", "93249-1", conditional=True),
        _item("q5", "Suicidal intent with specific plan", "93250-9", conditional=True),
        _item("q6", "Suicidal behavior (lifetime)", "93267-3"),
        _item("q6_recent", "Suicidal behavior within the past 3 months", "93269-9", conditional=True),
    ),
    total_min=0,
    total_max=6,
    bands=(
        Band("none", None, None, LADDER),
        Band("low", None, None, LADDER),
        Band("moderate", None, None, LADDER),
        Band("high", None, None, LADDER),
    ),
    loinc_panel="93373-9",
    loinc_total=None,  # the Yes count has no LOINC code; the risk level is 93374-7
    loinc_band="93374-7",
    licence=(
        "© The Research Foundation for Mental Hygiene. Free to use; wording must not change; notice "
        "must be kept (SPiER C-SSRS licensing memo) [V]. Free for providers' EHRs (Columbia), but "
        "vendor electronic implementations are sub-licensed via Clario with fees and certification "
        "[V]: a legal question to settle. Item wording is not shipped."
    ),
    wording_licensed=True,
    sources=(LADDER, SKIP_LOGIC, LOINC_SOURCE),
)

RISK_LEVELS = INSTRUMENT.band_names


def applicable_items(answers: Mapping[str, int | None]) -> tuple[str, ...]:
    """The items that must be asked, given the answers so far (for forms)."""
    asked = list(ALWAYS_ASKED)
    if answers.get("q2") == YES:
        asked.extend(ASKED_WHEN_Q2_YES)
    asked.append(BEHAVIOUR)
    if answers.get(BEHAVIOUR) == YES:
        asked.append(BEHAVIOUR_RECENT)
    return tuple(asked)


def check_skips(answers: Answers) -> None:
    """Refuse answers to skipped items: silently ignoring them could hide a Yes."""
    if answers.get("q2") == NO:
        for item_id in ASKED_WHEN_Q2_YES:
            if answers.get(item_id) is not None:
                raise AnswerError(item_id, f"cssrs_screen {item_id}: {item_id} is skipped when q2 is No")
    if answers.get(BEHAVIOUR) == NO and answers.get(BEHAVIOUR_RECENT) is not None:
        raise AnswerError(
            BEHAVIOUR_RECENT, f"cssrs_screen {BEHAVIOUR_RECENT}: {BEHAVIOUR_RECENT} is skipped when q6 is No"
        )


def risk_level(answers: Answers) -> str:
    """The triage ladder; an unanswered item counts as No, so a partial form gives a lower bound."""

    def yes(item_id: str) -> bool:
        return answers.get(item_id) == YES

    behaviour = yes(BEHAVIOUR)
    recent = yes(BEHAVIOUR_RECENT)
    if yes("q4") or yes("q5") or (behaviour and recent):
        return "high"
    if yes("q3") or (behaviour and not recent):
        return "moderate"
    if yes("q1") or yes("q2"):
        return "low"
    return "none"


def rule(instrument: Instrument, answers: Answers, _context: Context) -> Outcome:
    check_skips(answers)
    missing = unanswered(answers, applicable_items(answers))
    risk = risk_level(answers)
    rank = instrument.band_rank(risk)
    moderate_or_high = rank >= instrument.band_rank("moderate")
    counted = ("q1", "q2", *ASKED_WHEN_Q2_YES, BEHAVIOUR)
    total = None if missing else sum(1 for item_id in counted if answers.get(item_id) == YES)
    flags = flags_in_order(
        # design.md: any C-SSRS screen "yes" raises an alert at once.
        ("positive_screen", any(answers.get(item_id) == YES for item_id in counted)),
        ("suicidal_ideation", answers.get("q2") == YES or moderate_or_high),
        ("suicide_risk_moderate_or_high", moderate_or_high),
    )
    return Outcome(total=total, band=None if missing else risk, flags=flags, missing=missing)
