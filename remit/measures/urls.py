from django.urls import path

from remit.measures import views

app_name = "measures"
urlpatterns = [
    path("patients/<int:pk>/", views.patient_measures, name="patient"),
    path("patients/<int:pk>/rate/<slug:code>/", views.rate, name="rate"),
    path("patients/<int:pk>/send/", views.send_questionnaire, name="send"),
    path("patients/<int:pk>/assessments/<int:assessment_pk>/void/", views.void, name="void"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("requests/<int:pk>/resend/", views.resend, name="resend"),
    path("requests/<int:pk>/phone/<slug:code>/", views.phone_answers, name="phone_answers"),
]
