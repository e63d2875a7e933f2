"""Properties that hold for every instrument (design.md, Testing: totals within range, bands
monotonic, missing-answer rules; clinical-reference 8: no prorating)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.instruments import INSTRUMENTS, Instrument, get_instrument, score
from remit.core.instruments.cssrs_screen import applicable_items

FAST = settings(max_examples=60, deadline=None)
SUMMED = tuple(code for code in INSTRUMENTS if code != "cssrs_screen")
TOTAL_BANDED = tuple(code for code, instrument in INSTRUMENTS.items() if instrument.band_basis == "total")
CSSRS = get_instrument("cssrs_screen")
CSSRS_COUNTED = ("q1", "q2", "q3", "q4", "q5", "q6")


@st.composite
def complete_answers(draw: st.DrawFn, code: str) -> dict[str, int | None]:
    """Every item answered with one of its options (C-SSRS: following its skip logic)."""
    instrument = get_instrument(code)
    if code == "cssrs_screen":
        return draw(cssrs_answers())
    return {item.id: draw(st.sampled_from([o.value for o in item.options])) for item in instrument.items}


@st.composite
def cssrs_answers(draw: st.DrawFn) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    while True:
        pending = [item_id for item_id in applicable_items(answers) if item_id not in answers]
        if not pending:
            return answers
        answers[pending[0]] = draw(st.sampled_from([0, 1]))


def expected_missing(instrument: Instrument, answers: dict[str, int | None]) -> bool:
    """Independent statement of which blanks invalidate a form (clinical-reference 1.3, 1.7, 8)."""
    blank = {item_id for item_id, value in answers.items() if value is None}
    if instrument.code == "qids_sr16":
        pairs = ({"q6", "q7"}, {"q8", "q9"})
        singles = {f"q{n}" for n in range(1, 17)} - set().union(*pairs)
        return bool(blank & singles) or any(pair <= blank for pair in pairs)
    if instrument.code == "cssrs_screen":
        return bool(blank)  # blanks are only ever made in items the form asked
    return any(item.scored and item.id in blank for item in instrument.items)


@FAST
@given(data=st.data(), code=st.sampled_from(tuple(INSTRUMENTS)))
def test_complete_answers_are_valid_and_the_total_is_within_range(data: st.DataObject, code: str) -> None:
    """Totals stay within the published range (each instrument's source in its data record)."""
    instrument = get_instrument(code)
    result = score(code, data.draw(complete_answers(code)))
    assert result.valid
    assert result.total is not None
    assert instrument.total_min <= result.total <= instrument.total_max
    assert result.max == instrument.total_max


@FAST
@given(data=st.data(), code=st.sampled_from(TOTAL_BANDED))
def test_a_higher_total_never_gives_a_lower_band(data: st.DataObject, code: str) -> None:
    """Bands are ordered ranges of the total (each band's source in its data record)."""
    instrument = get_instrument(code)
    first = score(code, data.draw(complete_answers(code)))
    second = score(code, data.draw(complete_answers(code)))
    assert first.total is not None and second.total is not None
    assert first.band is not None and second.band is not None
    if first.total <= second.total:
        assert instrument.band_rank(first.band) <= instrument.band_rank(second.band)
    else:
        assert instrument.band_rank(first.band) >= instrument.band_rank(second.band)


@FAST
@given(data=st.data(), sex=st.sampled_from(["female", "male", None]))
def test_auditc_band_is_monotonic_in_the_total_for_a_given_sex(data: st.DataObject, sex: str | None) -> None:
    """Positive at or above a fixed cut-off per sex (clincalc auditc.rs)."""
    instrument = get_instrument("auditc")
    results = [score("auditc", data.draw(complete_answers("auditc")), sex=sex) for _ in range(2)]
    low, high = sorted(results, key=lambda r: r.total or 0)
    assert low.band is not None and high.band is not None
    assert instrument.band_rank(low.band) <= instrument.band_rank(high.band)


def test_total_bands_tile_the_whole_range_without_gaps_or_overlaps() -> None:
    """Every possible total has exactly one band (published tables, cited in each band's source)."""
    for code in TOTAL_BANDED:
        instrument = get_instrument(code)
        covered = [total for band in instrument.bands for total in range(band.low or 0, (band.high or 0) + 1)]
        assert covered == list(range(instrument.total_min, instrument.total_max + 1)), code


@FAST
@given(data=st.data(), code=st.sampled_from(tuple(INSTRUMENTS)))
def test_blanking_any_items_never_crashes_and_is_invalid_exactly_when_a_required_item_is_missing(
    data: st.DataObject, code: str
) -> None:
    """A missing scored item gives valid false and no total; nothing is prorated (clinical-reference 8)."""
    instrument = get_instrument(code)
    complete = data.draw(complete_answers(code))
    blanked = data.draw(st.sets(st.sampled_from(sorted(complete))))
    partial = {item_id: (None if item_id in blanked else value) for item_id, value in complete.items()}
    result = score(code, partial)
    assert result.valid is not expected_missing(instrument, partial)
    if not result.valid:
        assert result.total is None and result.band is None and result.missing


@FAST
@given(data=st.data(), code=st.sampled_from(tuple(INSTRUMENTS)))
def test_a_partial_form_never_raises_a_flag_the_complete_form_would_not(
    data: st.DataObject, code: str
) -> None:
    """Flags raised on incomplete forms must be already decided by the present answers (safety first,
    design.md), never guessed."""
    complete = data.draw(complete_answers(code))
    blanked = data.draw(st.sets(st.sampled_from(sorted(complete))))
    partial = {item_id: (None if item_id in blanked else value) for item_id, value in complete.items()}
    assert set(score(code, partial).flags) <= set(score(code, complete).flags)


@FAST
@given(data=st.data())
def test_phq9_item_9_flag_survives_any_other_blanks(data: st.DataObject) -> None:
    """Item 9 >= 1 is flagged whatever the total (clincalc phq9.rs; SPiER pathway spec)."""
    complete = data.draw(complete_answers("phq9"))
    blanked = data.draw(st.sets(st.sampled_from([f"q{n}" for n in range(1, 9)])))
    partial = {item_id: (None if item_id in blanked else value) for item_id, value in complete.items()}
    assert ("suicidal_ideation" in score("phq9", partial).flags) == ((complete["q9"] or 0) >= 1)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_cssrs_risk_never_drops_when_another_yes_is_added(data: st.DataObject) -> None:
    """Take the highest level triggered; clinician judgement can only raise it (SPiER pathway spec)."""
    before = data.draw(cssrs_answers())
    no_items = [item_id for item_id, value in before.items() if value == 0]
    if not no_items:
        return
    flipped = data.draw(st.sampled_from(no_items))
    after = dict(before) | {flipped: 1}
    # Newly applicable follow-up questions get any answer.
    for item_id in applicable_items(after):
        if item_id not in after:
            after[item_id] = data.draw(st.sampled_from([0, 1]))
    risk_before = score("cssrs_screen", before).band
    risk_after = score("cssrs_screen", after).band
    assert risk_before is not None and risk_after is not None
    assert CSSRS.band_rank(risk_after) >= CSSRS.band_rank(risk_before)
    assert (score("cssrs_screen", after).total or 0) == sum(after.get(i) or 0 for i in CSSRS_COUNTED)
