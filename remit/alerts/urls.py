from django.urls import path

from remit.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("count/", views.open_count, name="count"),
    path("escalation/", views.escalation, name="escalation"),
    path("escalation/<int:pk>/remove/", views.escalation_remove, name="escalation_remove"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
