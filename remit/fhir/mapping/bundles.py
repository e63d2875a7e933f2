"""Bundles and NDJSON (FHIR Bulk Data) from already-built resources."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping

from remit.core.fhir_systems import RESOURCE_BASE
from remit.fhir.mapping.common import JSON, MappingError, build, date_time, fhir_id


def full_url(resource: JSON, base_url: str = RESOURCE_BASE) -> str:
    return f"{base_url.rstrip('/')}/{resource['resourceType']}/{resource['id']}"


def collection_bundle(
    resources: Iterable[JSON],
    *,
    bundle_id: str | None = None,
    timestamp: dt.datetime | None = None,
    base_url: str = RESOURCE_BASE,
) -> JSON:
    """A ``collection`` Bundle; each entry's fullUrl is ``<base_url>/<type>/<id>``.

    The resources come from the mappers (already built by fhirclient), so only
    the Bundle shell is built here: large exports are not parsed twice.
    """
    shell: JSON = {"resourceType": "Bundle", "type": "collection"}
    if bundle_id is not None:
        shell["id"] = fhir_id(bundle_id)
    if timestamp is not None:
        shell["timestamp"] = date_time(timestamp, "timestamp")
    bundle = build(shell)
    entries = []
    seen: set[str] = set()
    for resource in resources:
        if "id" not in resource:
            raise MappingError("entry", f"a {resource.get('resourceType')} without an id cannot be bundled")
        url = full_url(resource, base_url)
        if url in seen:
            raise MappingError("entry", f"{resource['resourceType']}/{resource['id']} appears twice")
        seen.add(url)
        entries.append({"fullUrl": url, "resource": resource})
    if entries:
        bundle["entry"] = entries
    return bundle


def group_by_type(resources: Iterable[JSON]) -> dict[str, list[JSON]]:
    grouped: dict[str, list[JSON]] = {}
    for resource in resources:
        grouped.setdefault(resource["resourceType"], []).append(resource)
    return grouped


def ndjson_lines(resources_by_type: Mapping[str, Iterable[JSON]]) -> dict[str, Iterator[str]]:
    """Bulk Data output: ``{"Patient.ndjson": <lines>, ...}``, one compact JSON resource per line
    (each ending in ``\\n``). Lines are produced lazily, so callers can stream large exports."""

    def lines(resource_type: str, resources: Iterable[JSON]) -> Iterator[str]:
        for resource in resources:
            if resource.get("resourceType") != resource_type:
                raise MappingError(
                    "resourceType", f"a {resource.get('resourceType')} was filed under {resource_type}"
                )
            yield json.dumps(resource, separators=(",", ":"), ensure_ascii=False) + "\n"

    return {
        f"{resource_type}.ndjson": lines(resource_type, resources)
        for resource_type, resources in resources_by_type.items()
    }
