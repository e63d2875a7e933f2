# Placeholder views replaced by the accounts work in progress.
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

login_view = auth_views.LoginView.as_view(template_name="accounts/login.html")
logout_view = auth_views.LogoutView.as_view()


def mfa(request):  # noqa: ANN001, ANN201
    return HttpResponse("mfa")


def keepalive(request):  # noqa: ANN001, ANN201
    return HttpResponse("ok")


def reauth(request):  # noqa: ANN001, ANN201
    return HttpResponse("reauth")


def account_settings(request):  # noqa: ANN001, ANN201
    return HttpResponse("settings")


def users(request):  # noqa: ANN001, ANN201
    return HttpResponse("users")
