from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from remit.accounts.decorators import staff_required


@staff_required()
def today(request: HttpRequest) -> HttpResponse:
    if request.user.can_in_any_clinic("today.view"):  # type: ignore[union-attr]
        from remit.treatment.views_today import today as board  # the Today board

        return board(request)
    return render(request, "web/today.html", {})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", {"reason": str(exception or "")}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", {}, status=404)
