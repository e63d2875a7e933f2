"""Reading the files: every resource of a Bundle, an NDJSON file or a directory of them, and where it came from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from remit.core import safejson
from remit.fhir.importer.outcome import JSON, Report

BUNDLE_TYPES = ("transaction", "collection")


@dataclass
class Source:
    """One resource of the import and where it came from."""

    resource: JSON
    where: str  # "entry 12" / "Patient.ndjson line 4" (for people)
    root: str  # FHIRPath of the resource: "Bundle.entry[12].resource" or its type (NDJSON)
    full_url: str | None = None

    @property
    def type(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def label(self) -> str:
        rid = self.resource.get("id")
        return f"{self.where} ({self.type}/{rid})" if rid else f"{self.where} ({self.type})"

    def path(self, element: str = "") -> str:
        """``element`` is a path inside the resource, with or without the resource type in front."""
        for prefix in (self.type, "QuestionnaireResponse"):
            if element == prefix:
                element = ""
            elif element.startswith(prefix + "."):
                element = element[len(prefix) + 1 :]
        return f"{self.root}.{element}" if element else self.root

    def keys(self) -> list[str]:
        keys = []
        if self.resource.get("id"):
            keys.append(f"{self.type}/{self.resource['id']}")
        if self.full_url:
            keys.append(self.full_url)
        return keys


def _ndjson_sources(path: Path, report: Report) -> Iterator[Source]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                resource = safejson.loads(line)
            except safejson.TooDeep as error:
                report.error(where, path.name, str(error), code="too-costly")
                continue
            except json.JSONDecodeError as error:
                report.error(where, path.name, f"not JSON ({error.msg})", code="structure")
                continue
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                report.error(
                    where, path.name, "a line must be one FHIR resource (a JSON object with resourceType)"
                )
                continue
            yield Source(resource, where, resource["resourceType"])


def _bundle_sources(bundle: JSON, name: str, report: Report) -> Iterator[Source]:
    if bundle.get("type") not in BUNDLE_TYPES:
        report.error(
            name,
            "Bundle.type",
            f"{bundle.get('type')!r}: only transaction and collection Bundles are imported",
        )
        return
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        report.error(name, "Bundle.entry", "must be a list")
        return
    for index, entry in enumerate(entries):
        where = f"entry {index}"
        root = f"Bundle.entry[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            report.error(where, root, "an entry needs a resource")
            continue
        request = entry.get("request")
        if isinstance(request, dict) and request.get("method") not in ("POST", "PUT"):
            report.error(
                where,
                f"{root}.request.method",
                f"{request.get('method')!r}: only POST and PUT entries are imported",
            )
        resource = entry["resource"]
        if resource.get("resourceType") == "Bundle":
            report.error(where, f"{root}.resource", "a Bundle inside a Bundle is not imported")
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        yield Source(resource, where, f"{root}.resource", full_url)


def read_sources(path: str | Path, report: Report) -> list[Source]:
    """Every resource in a Bundle JSON file, an NDJSON file, or a directory of ``*.ndjson`` files."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.ndjson"))
        if not files:
            report.error(str(path), str(path), "the directory holds no .ndjson files", code="not-found")
        return [source for file in files for source in _ndjson_sources(file, report)]
    if not path.exists():
        report.error(str(path), str(path), "no such file", code="not-found")
        return []
    if path.suffix == ".ndjson":
        return list(_ndjson_sources(path, report))
    try:
        document = safejson.loads(path.read_text(encoding="utf-8"))
    except safejson.TooDeep as error:
        report.error(path.name, path.name, str(error), code="too-costly")
        return []
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        report.error(path.name, path.name, f"not a JSON file ({error})", code="structure")
        return []
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        found = document.get("resourceType") if isinstance(document, dict) else type(document).__name__
        report.error(path.name, "Bundle", f"expected a Bundle (or NDJSON), got {found!r}", code="structure")
        return []
    return list(_bundle_sources(document, path.name, report))
