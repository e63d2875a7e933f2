from django.contrib import admin
from django.urls import include, path

from remit.api import api
from remit.web import views as web_views

urlpatterns = [
    path("", include("remit.web.urls")),
    path("accounts/", include("remit.accounts.urls")),
    path("patients/", include("remit.patients.urls")),
    path("audit/", include("remit.web.audit_urls")),
    path("alerts/", include("remit.alerts.urls")),
    path("measures/", include("remit.measures.urls")),
    path("p/", include("remit.measures.portal_urls")),
    path("p/", include("remit.amendments.portal_urls")),
    path("amendments/", include("remit.amendments.urls")),
    path("screening/", include("remit.screening.urls")),
    path("treatment/", include("remit.treatment.urls")),
    path("reports/", include("remit.reports.urls")),
    path("reports/", include("remit.decision.urls")),
    path("fhir/", include("remit.fhir.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", web_views.healthz, name="healthz"),
]

handler403 = "remit.web.views.forbidden"
handler404 = "remit.web.views.not_found"
