from django.urls import path

from remit.amendments import views

app_name = "amendments"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("patients/<int:pk>/new/", views.new, name="new"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/disagreement/", views.disagreement, name="disagreement"),
    path("<int:pk>/rebuttal/", views.rebuttal, name="rebuttal"),
]
