"""The JSON API under /api/v1/ (django-ninja); each app adds its router here.

Staff use it with their signed-in session (django_auth checks CSRF); OpenAPI at
/api/v1/openapi.json.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Remit API",
    version="1",
    description="Remit's JSON API. Every call is allowed by role and audited.",
    auth=django_auth,
    urls_namespace="api",
)

from remit.measures.api import router as measures_router  # noqa: E402

api.add_router("/measures/", measures_router)
