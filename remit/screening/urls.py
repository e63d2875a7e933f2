from django.urls import path

from remit.screening import views

app_name = "screening"
urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("patients/<int:pk>/", views.patient_screenings, name="patient"),
    path("patients/<int:pk>/intake/", views.intake, name="intake"),
    path("patients/<int:pk>/send-questions/", views.send_questions, name="send_questions"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/void/", views.void, name="void"),
]
