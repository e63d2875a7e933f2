"""Every instrument Remit can score, with its scoring rule."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from remit.core.instruments import (
    auditc,
    cadss,
    cssrs_screen,
    dast10,
    gad7,
    hamd17,
    madrs,
    moaas,
    pcl5,
    phq9,
    qids_sr16,
)
from remit.core.instruments.errors import UnknownInstrument
from remit.core.instruments.model import Instrument
from remit.core.instruments.rules import Rule

_DEFINITIONS: tuple[tuple[Instrument, Rule], ...] = (
    (phq9.INSTRUMENT, phq9.rule),
    (gad7.INSTRUMENT, gad7.rule),
    (qids_sr16.INSTRUMENT, qids_sr16.rule),
    (madrs.INSTRUMENT, madrs.rule),
    (hamd17.INSTRUMENT, hamd17.rule),
    (cadss.CADSS, cadss.rule),
    (cadss.CADSS6, cadss.rule),
    (cssrs_screen.INSTRUMENT, cssrs_screen.rule),
    (auditc.INSTRUMENT, auditc.rule),
    (dast10.INSTRUMENT, dast10.rule),
    (pcl5.INSTRUMENT, pcl5.rule),
    (moaas.INSTRUMENT, moaas.rule),
)

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {instrument.code: instrument for instrument, _rule in _DEFINITIONS}
)
RULES: Mapping[str, Rule] = MappingProxyType({instrument.code: rule for instrument, rule in _DEFINITIONS})


def get_instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument(code, tuple(INSTRUMENTS)) from None


def get_rule(code: str) -> Rule:
    get_instrument(code)
    return RULES[code]
