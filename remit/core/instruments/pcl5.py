"""PCL-5: PTSD checklist for DSM-5, self-report, past month (clinical-reference 1.10).

There are no official severity bands, so ``band`` is always None. Two flags:
``probable_ptsd`` at the clinic's provisional cut-off (ScoringSettings) and
``dsm5_criteria_met`` by the DSM-5 cluster rule.
"""

from __future__ import annotations

from remit.core.instruments.model import Instrument, Item, Option
from remit.core.instruments.rules import (
    Answers,
    Context,
    Outcome,
    flags_in_order,
    present_points,
    required_missing,
    scored_ids,
)

COMORBIDITY = "comorbidityguidelines.org.au PCL-5 page; medafile WRIISC page [V]"

SEVERITY = (
    Option(0, "Not at all"),
    Option(1, "A little bit"),
    Option(2, "Moderately"),
    Option(3, "Quite a bit"),
    Option(4, "Extremely"),
)

STEM = "In the past month, how much were you bothered by:"

_ITEMS = (
    ("Disturbing memories", "Repeated, disturbing, and unwanted memories of the stressful experience?"),
    ("Disturbing dreams", "Repeated, disturbing dreams of the stressful experience?"),
    (
        "Reliving",
        "Suddenly feeling or acting as if the stressful experience were actually happening again "
        "(as if you were actually back there reliving it)?",
    ),
    ("Upset at reminders", "Feeling very upset when something reminded you of the stressful experience?"),
    (
        "Physical reactions to reminders",
        "Having strong physical reactions when something reminded you of the stressful experience "
        "(for example, heart pounding, trouble breathing, sweating)?",
    ),
    ("Avoiding memories", "Avoiding memories, thoughts, or feelings related to the stressful experience?"),
    (
        "Avoiding external reminders",
        "Avoiding external reminders of the stressful experience (for example, people, places, "
        "conversations, activities, objects, or situations)?",
    ),
    ("Trouble remembering", "Trouble remembering important parts of the stressful experience?"),
    (
        "Negative beliefs",
        "Having strong negative beliefs about yourself, other people, or the world (for example, "
        "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
        "be trusted, the world is completely dangerous)?",
    ),
    ("Blame", "Blaming yourself or someone else for the stressful experience or what happened after it?"),
    (
        "Strong negative feelings",
        "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    ),
    ("Loss of interest", "Loss of interest in activities that you used to enjoy?"),
    ("Feeling distant", "Feeling distant or cut off from other people?"),
    (
        "Trouble with positive feelings",
        "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
        "loving feelings for people close to you)?",
    ),
    ("Irritability or aggression", "Irritable behavior, angry outbursts, or acting aggressively?"),
    ("Risk taking", "Taking too many risks or doing things that could cause you harm?"),
    ("Superalert", "Being “superalert” or watchful or on guard?"),
    ("Jumpy", "Feeling jumpy or easily startled?"),
    ("Concentration", "Having difficulty concentrating?"),
    ("Sleep", "Trouble falling or staying asleep?"),
)

# DSM-5 clusters and how many endorsed items each needs; an item rated >= 2
# ("Moderately") counts as endorsed (COMORBIDITY).
CLUSTERS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("B", tuple(f"q{n}" for n in range(1, 6)), 1),
    ("C", ("q6", "q7"), 1),
    ("D", tuple(f"q{n}" for n in range(8, 15)), 2),
    ("E", tuple(f"q{n}" for n in range(15, 21)), 2),
)
ENDORSED_AT = 2

INSTRUMENT = Instrument(
    code="pcl5",
    name="PTSD Checklist for DSM-5 (PCL-5)",
    version="1.0",
    respondent="patient",
    recall_period="past month",
    items=tuple(
        Item(id=f"q{n}", label=label, text=text, options=SEVERITY)
        for n, (label, text) in enumerate(_ITEMS, start=1)
    ),
    total_min=0,
    total_max=80,
    bands=(),  # no official severity bands (COMORBIDITY)
    loinc_panel=None,  # [UNVERIFIED]
    # 101698-9 from secondary sources (clinical-reference 8); 91006-2 is not supported.
    loinc_total="101698-9",
    licence="Public domain, US Government work (VA National Center for PTSD) [V2].",
    wording_licensed=False,
    sources=(
        "20 items 0-4, total 0-80, clusters B 1-5, C 6-7, D 8-14, E 15-20, item >= 2 endorsed, "
        "needs >= 1 B, >= 1 C, >= 2 D, >= 2 E; provisional cut-off 31-33: " + COMORBIDITY,
        "LOINC total 101698-9: secondary sources (clinical-reference 8) [V2]",
        "Item wording: VA National Center for PTSD form, as reproduced in CamCOPS extra_strings/pcl5.xml",
    ),
)


def _clusters_met(answers: Answers) -> bool:
    """True when the answered items already satisfy every cluster; blanks count as not endorsed."""
    return all(
        sum(1 for item_id in items if (answers.get(item_id) or 0) >= ENDORSED_AT) >= needed
        for _name, items, needed in CLUSTERS
    )


def rule(instrument: Instrument, answers: Answers, context: Context) -> Outcome:
    missing = required_missing(instrument, answers)
    items = scored_ids(instrument)
    total = None if missing else present_points(instrument, answers, items)
    # Both flags can only rise as more items are answered, so a partial form that
    # already meets them is flagged.
    probable = present_points(instrument, answers, items) >= context.settings.pcl5_probable_ptsd_cutoff
    flags = flags_in_order(("probable_ptsd", probable), ("dsm5_criteria_met", _clusters_met(answers)))
    return Outcome(total=total, band=None, flags=flags, missing=missing)
