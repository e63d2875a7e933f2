from django.contrib import admin
from django.urls import include, path

from remit.web import views as web_views

urlpatterns = [
    path("", include("remit.web.urls")),
    path("accounts/", include("remit.accounts.urls")),
    path("patients/", include("remit.patients.urls")),
    path("audit/", include("remit.audit.urls")),
    path("admin/", admin.site.urls),
    path("healthz", web_views.healthz, name="healthz"),
]

handler403 = "remit.web.views.forbidden"
handler404 = "remit.web.views.not_found"
