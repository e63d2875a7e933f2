"""HAM-D17: Hamilton Depression Rating Scale, 17 items, clinician-rated (clinical-reference 1.5).

Wording is public domain (NINDS CDE via CamCOPS tasks/hamd.rst) and is
reproduced as in CamCOPS extra_strings/hamd.xml.
"""

from __future__ import annotations

from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.rules import sum_of_items

ZIMMERMAN = "Zimmerman 2013, PubMed 23759278 (cuts 17 and 24; <= 7 none) [V]"
WORDING = "Item wording and anchors: CamCOPS extra_strings/hamd.xml (public-domain HAM-D)"


def _item(number: int, label: str, text: str, anchors: tuple[str, ...]) -> Item:
    return Item(
        id=f"q{number}",
        label=label,
        text=text,
        options=tuple(Option(value, anchor) for value, anchor in enumerate(anchors)),
    )


_ITEMS = (
    _item(
        1,
        "Depressed mood",
        "DEPRESSED MOOD (sadness, hopeless, helpless, worthless)",
        (
            "Absent.",
            "These feeling states indicated only on questioning.",
            "These feeling states spontaneously reported verbally.",
            "Communicates feeling states non-verbally, i.e., through facial expression, posture, "
            "voice, and tendency to weep.",
            "Patient reports virtually only these feeling states in his/her spontaneous verbal and "
            "non-verbal communication.",
        ),
    ),
    _item(
        2,
        "Feelings of guilt",
        "FEELINGS OF GUILT",
        (
            "Absent.",
            "Self reproach, feels he/she has let people down.",
            "Ideas of guilt or rumination over past errors or sinful deeds.",
            "Present illness is a punishment. Delusions of guilt.",
            "Hears accusatory or denunciatory voices and/or experiences threatening visual hallucinations.",
        ),
    ),
    _item(
        3,
        "Suicide",
        "SUICIDE",
        (
            "Absent.",
            "Feels life is not worth living.",
            "Wishes he/she were dead or any thoughts of possible death to self.",
            "Suicidal ideas or gesture.",
            "Attempts at suicide (any serious attempt rates 4).",
        ),
    ),
    _item(
        4,
        "Early insomnia",
        "INSOMNIA: EARLY IN THE NIGHT",
        (
            "No difficulty falling asleep.",
            "Complains of occasional difficulty falling asleep, i.e. more than ½ hour.",
            "Complains of nightly difficulty falling asleep.",
        ),
    ),
    _item(
        5,
        "Middle insomnia",
        "INSOMNIA: MIDDLE OF THE NIGHT",
        (
            "No difficulty.",
            "Patient complains of being restless and disturbed during the night.",
            "Waking during the night — any getting out of bed rates 2 (except for purposes of voiding).",
        ),
    ),
    _item(
        6,
        "Late insomnia",
        "INSOMNIA: EARLY HOURS OF THE MORNING",
        (
            "No difficulty.",
            "Waking in early hours of the morning but goes back to sleep.",
            "Unable to fall asleep again if he/she gets out of bed.",
        ),
    ),
    _item(
        7,
        "Work and activities",
        "WORK AND ACTIVITIES",
        (
            "No difficulty.",
            "Thoughts and feelings of incapacity, fatigue or weakness related to activities; work or "
            "hobbies.",
            "Loss of interest in activity; hobbies or work — either directly reported by patient, or "
            "indirect in listlessness, indecision and vacillation (feels he/she has to push self to "
            "work or activities).",
            "Decrease in actual time spent in activities or decrease in productivity. Rate 3 if the "
            "patient does not spend at least three hours a day in activities (job or hobbies) "
            "excluding routine chores.",
            "Stopped working because of present illness. Rate 4 if patient engages in no activities "
            "except routine chores, or if patient fails to perform routine chores unassisted.",
        ),
    ),
    _item(
        8,
        "Retardation",
        "RETARDATION (slowness of thought and speech, impaired ability to concentrate, decreased "
        "motor activity)",
        (
            "Normal speech and thought.",
            "Slight retardation at interview.",
            "Obvious retardation at interview.",
            "Interview difficult.",
            "Complete stupor.",
        ),
    ),
    _item(
        9,
        "Agitation",
        "AGITATION",
        (
            "None.",
            "Fidgetiness.",
            "Playing with hands, hair, etc.",
            "Moving about, can't sit still.",
            "Hand wringing, nail biting, hair-pulling, biting of lips.",
        ),
    ),
    _item(
        10,
        "Anxiety (psychic)",
        "ANXIETY (PSYCHOLOGICAL)",
        (
            "No difficulty.",
            "Subjective tension and irritability.",
            "Worrying about minor matters.",
            "Apprehensive attitude apparent in face or speech.",
            "Fears expressed without questioning.",
        ),
    ),
    _item(
        11,
        "Anxiety (somatic)",
        "ANXIETY SOMATIC (physiological concomitants of anxiety) such as: gastrointestinal – dry "
        "mouth, wind, indigestion, diarrhea, cramps, belching; cardiovascular – palpitations, "
        "headaches; respiratory – hyperventilation, sighing; urinary frequency; sweating",
        ("Absent.", "Mild.", "Moderate.", "Severe.", "Incapacitating."),
    ),
    _item(
        12,
        "Somatic symptoms (gastrointestinal)",
        "SOMATIC SYMPTOMS (GASTROINTESTINAL)",
        (
            "None.",
            "Loss of appetite but eating without staff encouragement. Heavy feelings in abdomen.",
            "Difficulty eating without staff urging. Requests or requires laxatives or medication "
            "for bowels or medication for gastro-intestinal symptoms.",
        ),
    ),
    _item(
        13,
        "General somatic symptoms",
        "GENERAL SOMATIC SYMPTOMS",
        (
            "None.",
            "Heaviness in limbs, back or head. Backaches, headache, muscle aches. Loss of energy and "
            "fatigability.",
            "Any clear-cut symptom rates 2.",
        ),
    ),
    _item(
        14,
        "Genital symptoms",
        "GENITAL SYMPTOMS (symptoms such as: loss of libido, impaired sexual performance, menstrual "
        "disturbances)",
        ("Absent.", "Mild.", "Severe."),
    ),
    _item(
        15,
        "Hypochondriasis",
        "HYPOCHONDRIASIS",
        (
            "Not present.",
            "Self-absorption (bodily).",
            "Preoccupation with health.",
            "Frequent complaints, requests for help, etc.",
            "Hypochondriacal delusions.",
        ),
    ),
    _item(
        16,
        "Loss of weight",
        "LOSS OF WEIGHT (rate either A, according to the patient, or B, according to weekly measurements)",
        (
            "A: No weight loss. B: Less than 1 lb [0.45 kg] weight loss in week.",
            "A: Probably weight loss associated with present illness. B: Greater than 1 lb "
            "[0.45 kg] weight loss in week.",
            "A: Definite (according to patient) weight loss. B: Greater than 2 lb [0.91 kg] weight "
            "loss in week.",
        ),
    ),
    _item(
        17,
        "Insight",
        "INSIGHT",
        (
            "Acknowledges being depressed and ill.",
            "Acknowledges illness but attributes cause to bad food, climate, overwork, virus, need "
            "for rest, etc.",
            "Denies being ill at all.",
        ),
    ),
)

INSTRUMENT = Instrument(
    code="hamd17",
    name="Hamilton Depression Rating Scale, 17 items (HAM-D17)",
    version="1.0",
    respondent="clinician",
    recall_period=None,  # not stated in the clinical reference
    items=_ITEMS,
    total_min=0,
    total_max=52,
    bands=(
        Band("none", 0, 7, ZIMMERMAN),
        Band("mild", 8, 16, ZIMMERMAN),
        Band("moderate", 17, 23, ZIMMERMAN),
        Band("severe", 24, 52, ZIMMERMAN),
    ),
    loinc_panel=None,  # [UNVERIFIED]
    loinc_total=None,  # none found (clinical-reference 8, LOINC)
    licence="Public domain (NINDS CDE, via CamCOPS tasks/hamd.rst) [V].",
    wording_licensed=False,
    sources=(
        "Items 1-3, 7-11, 15 rated 0-4; 4-6, 12-14, 16-17 rated 0-2; total 0-52: cliot R docs [V2]; "
        "the split for items 12-17 is [UNVERIFIED] but matches the 0-52 total and CamCOPS' anchors",
        ZIMMERMAN,
        WORDING,
    ),
)

rule = sum_of_items
