from django.urls import path

from remit.amendments import views_portal

app_name = "portal_record"
urlpatterns = [
    path("<str:token>/record/", views_portal.record, name="record"),
    path("<str:token>/record/<int:pk>/disagree/", views_portal.disagree, name="disagree"),
]
