from django.urls import path

from remit.measures import views_portal

app_name = "portal"
urlpatterns = [
    path("<str:token>/", views_portal.open_link, name="open"),
    path("<str:token>/q/<int:step>/", views_portal.step, name="step"),
    path("<str:token>/done/", views_portal.done, name="done"),
]
