"""HIPAA Safe Harbor helpers for the research export (45 CFR 164.514(b)(2)).

Safe Harbor removes 18 kinds of identifier of the patient and of relatives,
employers and household members (:func:`safe_harbor_identifiers`). The
export keeps no identifier columns at all; the helpers here transform the few
quasi-identifiers that research needs in a reduced form:

* dates shifted by a secret per-patient offset (intervals preserved);
* ages over 89 grouped as "90+", and birth years dropped for them;
* ZIP codes cut to 3 digits, "000" where that area holds 20,000 people or fewer.

Caveat for the lead and counsel: Safe Harbor (C) removes *all* elements of
dates except the year. A shifted full date keeps intervals, which outcome
research needs, but it is not literally "year only"; whether shifted dates
with a secret offset are acceptable should be settled by counsel or an expert
determination (164.514(b)(1)). Sources: 45 CFR 164.514(b)(2); HHS OCR,
"Guidance Regarding Methods for De-identification of Protected Health
Information" (2012), which also lists the restricted 3-digit ZIP areas.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass


class DeidentifyInputError(ValueError):
    """Bad input to a de-identification helper; ``field`` names the offending item."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Identifier:
    code: str
    """The paragraph letter in 45 CFR 164.514(b)(2)(i)."""
    description: str


_IDENTIFIERS = (
    Identifier("A", "Names"),
    Identifier(
        "B",
        "Geographic subdivisions smaller than a state, including street address, city, county, "
        "precinct, ZIP code (except the first 3 digits where the area holds more than 20,000 people)",
    ),
    Identifier(
        "C",
        "All elements of dates (except year) directly related to the individual, and all ages "
        "over 89 and date elements indicating such age (may be grouped as 90 or older)",
    ),
    Identifier("D", "Telephone numbers"),
    Identifier("E", "Fax numbers"),
    Identifier("F", "Email addresses"),
    Identifier("G", "Social security numbers"),
    Identifier("H", "Medical record numbers"),
    Identifier("I", "Health plan beneficiary numbers"),
    Identifier("J", "Account numbers"),
    Identifier("K", "Certificate/license numbers"),
    Identifier("L", "Vehicle identifiers and serial numbers, including license plate numbers"),
    Identifier("M", "Device identifiers and serial numbers"),
    Identifier("N", "Web Universal Resource Locators (URLs)"),
    Identifier("O", "Internet Protocol (IP) addresses"),
    Identifier("P", "Biometric identifiers, including finger and voice prints"),
    Identifier("Q", "Full-face photographs and comparable images"),
    Identifier("R", "Any other unique identifying number, characteristic or code"),
)


def safe_harbor_identifiers() -> tuple[Identifier, ...]:
    """The 18 identifier kinds of 45 CFR 164.514(b)(2)(i)(A)-(R)."""
    return _IDENTIFIERS


RESTRICTED_ZIP3: frozenset[str] = frozenset(
    {
        "036",
        "059",
        "063",
        "102",
        "203",
        "556",
        "692",
        "790",
        "821",
        "823",
        "830",
        "831",
        "878",
        "879",
        "884",
        "890",
        "893",
    }
)
"""3-digit ZIP areas with 20,000 people or fewer, per the HHS de-identification guidance (2000 Census).
The rule refers to current Census data: update this list when HHS publishes a newer one."""


def date_offset_days(patient_key: str, secret: bytes, max_days: int = 365) -> int:
    """A per-patient shift in [-max_days, -1] or [1, max_days], never 0.

    HMAC-SHA256 of the patient key under a secret keeps the offset stable for a patient within an export
    (so intervals between their dates survive) and unguessable without the secret. Use a fresh secret
    per export and never release it: with it, the shift can be undone.
    """
    if not secret:
        raise DeidentifyInputError("secret", "must not be empty")
    if not patient_key:
        raise DeidentifyInputError("patient_key", "must not be empty")
    if max_days < 1:
        raise DeidentifyInputError("max_days", "must be at least 1")
    digest = hmac.new(secret, patient_key.encode("utf-8"), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    magnitude = value % max_days + 1
    return magnitude if (value >> 63) & 1 else -magnitude


def shift_date(value: dt.date, offset_days: int) -> dt.date:
    """The date moved by the patient's offset."""
    return value + dt.timedelta(days=offset_days)


def export_age(age: int) -> int | str:
    """Age in years, with every age over 89 reported as "90+" (164.514(b)(2)(i)(C))."""
    if isinstance(age, bool) or not isinstance(age, int) or age < 0:
        raise DeidentifyInputError("age", "must be a non-negative whole number")
    return "90+" if age > 89 else age


def export_birth_year(birth_date: dt.date, as_of: dt.date) -> int | None:
    """Birth year, or None when the person is over 89: the year would reveal the age (164.514(b)(2)(i)(C))."""
    age = as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))
    return None if age > 89 else birth_date.year


_ZIP = re.compile(r"^(\d{5})(-\d{4})?$")


def truncate_zip(zip_code: str, field: str = "zip") -> str:
    """First 3 digits of a US ZIP code, or "000" for the restricted areas (164.514(b)(2)(i)(B))."""
    match = _ZIP.match(zip_code.strip()) if isinstance(zip_code, str) else None
    if match is None:
        raise DeidentifyInputError(field, "must be a 5-digit ZIP code or ZIP+4")
    zip3 = match.group(1)[:3]
    return "000" if zip3 in RESTRICTED_ZIP3 else zip3


def scrub_free_text(text: str) -> str | None:
    """What of a free-text field may be exported: always None, free text is dropped, never scrubbed.

    Notes, reasons and comments can hold any of the 18 identifiers in any spelling (a relative's
    name, a street, an employer, "the nurse from my church"). No scrubber finds them all, and one
    missed name breaks Safe Harbor, so Remit does not try: exports carry coded fields only.
    """
    del text
    return None
