from django.urls import path

from remit.patients import views, views_emergency

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("medication-flags/", views.medication_flags, name="medication_flags"),
    path("emergency-access/", views_emergency.emergency_access, name="emergency_access"),
    path("emergency-access/<int:pk>/end/", views_emergency.emergency_access_end, name="emergency_access_end"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/edit/", views.patient_edit, name="edit"),
    path("<int:pk>/void/", views.patient_void, name="void"),
    path("<int:pk>/weights/add/", views.add_weight, name="add_weight"),
    path("<int:pk>/diagnoses/add/", views.add_diagnosis, name="add_diagnosis"),
    path("<int:pk>/trials/add/", views.add_trial, name="add_trial"),
    path("<int:pk>/medications/add/", views.add_medication, name="add_medication"),
    path("<int:pk>/allergies/add/", views.add_allergy, name="add_allergy"),
    path("<int:pk>/weights/<int:record_pk>/void/", views.void_weight, name="void_weight"),
    path("<int:pk>/diagnoses/<int:record_pk>/void/", views.void_diagnosis, name="void_diagnosis"),
    path("<int:pk>/trials/<int:record_pk>/void/", views.void_trial, name="void_trial"),
    path("<int:pk>/medications/<int:record_pk>/void/", views.void_medication, name="void_medication"),
    path("<int:pk>/allergies/<int:record_pk>/void/", views.void_allergy, name="void_allergy"),
    path("<int:pk>/emergency-access/end/", views_emergency.emergency_access_end, name="emergency_access_end"),
]
