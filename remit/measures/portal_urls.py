from django.urls import path

from remit.measures import portal_views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", portal_views.open_link, name="open"),
    path("<str:token>/q/<int:step>/", portal_views.step, name="step"),
    path("<str:token>/done/", portal_views.done, name="done"),
]
