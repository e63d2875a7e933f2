from django.urls import path

from remit.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mfa/", views.mfa, name="mfa"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("reauth/", views.reauth, name="reauth"),
    path("settings/", views.account_settings, name="settings"),
    path("users/", views.users, name="users"),
]
