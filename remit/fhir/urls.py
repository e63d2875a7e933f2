"""``/fhir/tokens/`` (the staff page that issues API tokens) and the FHIR R4 read API under ``/fhir/r4/``."""

from django.urls import path, re_path

from remit.fhir import api, views

app_name = "fhir"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="token_revoke"),
    path("r4/metadata", api.metadata, name="metadata"),
    path("r4/openapi.json", api.openapi, name="openapi"),
    path("r4/Patient/<str:patient_id>", api.patient_read, name="patient"),
    path("r4/Observation", api.observation_search, name="observation_search"),
    path("r4/QuestionnaireResponse", api.questionnaire_response_search, name="questionnaire_response_search"),
    path("r4/Condition", api.condition_search, name="condition_search"),
    re_path(r"^r4/(?P<rest>.*)$", api.unknown, name="unknown"),
]
