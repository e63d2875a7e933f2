from django.urls import path

from remit.measures import views_portal

app_name = "portal"
urlpatterns = [
    path("", views_portal.home, name="home"),
    path("q/<int:step>/", views_portal.step, name="step"),
    path("done/", views_portal.done, name="done"),
    # The link sent to the patient: exchanged for a portal session, then left behind.
    path("<str:token>/", views_portal.open_link, name="open"),
]
