# Placeholder replaced by the patient registry work in progress.
from django.http import HttpResponse


def patient_list(request):  # noqa: ANN001, ANN201
    return HttpResponse("patients")
