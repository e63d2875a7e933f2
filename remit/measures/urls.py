from django.urls import path

from remit.measures import views, views_kiosk

app_name = "measures"
urlpatterns = [
    path("patients/<int:pk>/", views.patient_measures, name="patient"),
    path("patients/<int:pk>/rate/<slug:code>/", views.rate, name="rate"),
    path(
        "patients/<int:pk>/questionnaire-requests/new/",
        views.send_questionnaire_request,
        name="send_questionnaire_request",
    ),
    path("patients/<int:pk>/assessments/<int:assessment_pk>/void/", views.void, name="void"),
    path("patients/<int:pk>/clinic-tablet/", views_kiosk.kiosk_visit, name="kiosk_visit"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path(
        "questionnaire-requests/<int:pk>/resend/",
        views.resend_questionnaire_request,
        name="resend_questionnaire_request",
    ),
    path("questionnaire-requests/<int:pk>/phone/<slug:code>/", views.phone_answers, name="phone_answers"),
]
