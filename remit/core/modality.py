"""The four treatments Remit carries: one name and one label each, used everywhere (ARCHITECTURE.md, the words).

Django's choices, the screening engine, the protocols, decision support and
the pages all read these; nothing else spells a modality's label.
"""

from __future__ import annotations

from typing import Literal, get_args

Modality = Literal["ketamine_iv", "ketamine_im", "esketamine", "tms"]
MODALITIES: tuple[Modality, ...] = get_args(Modality)

LABELS: dict[Modality, str] = {
    "ketamine_iv": "Ketamine (IV)",
    "ketamine_im": "Ketamine (IM)",
    "esketamine": "Esketamine (Spravato)",
    "tms": "TMS",
}

# Racemic ketamine is dosed in mg/kg; with esketamine these are the drug treatments (a Schedule III
# controlled substance, dosed, with vitals and dissociation charted).
RACEMIC_KETAMINE: frozenset[Modality] = frozenset({"ketamine_iv", "ketamine_im"})
DRUG_MODALITIES: frozenset[Modality] = RACEMIC_KETAMINE | {"esketamine"}

# For Django's ``choices``: (stored value, label) in the order above.
CHOICES: list[tuple[str, str]] = [(modality, LABELS[modality]) for modality in MODALITIES]


def label(modality: str) -> str:
    """The label a person reads; an unknown value is an error, never shown raw."""
    try:
        return LABELS[modality]  # type: ignore[index]
    except KeyError:
        raise ValueError(
            f"No modality is named {modality!r}; the modalities are {', '.join(MODALITIES)}."
        ) from None
