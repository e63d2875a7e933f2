from django.urls import path

from remit.web import views

app_name = "web"
urlpatterns = [
    path("", views.today, name="today"),
]
