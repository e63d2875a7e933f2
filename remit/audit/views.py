from django.http import HttpResponse


def report(request):  # noqa: ANN001, ANN201
    return HttpResponse("audit")


def export_csv(request):  # noqa: ANN001, ANN201
    return HttpResponse("csv")


def disclosures(request, patient_id):  # noqa: ANN001, ANN201
    return HttpResponse("disclosures")
