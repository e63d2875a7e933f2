from django.urls import path

from remit.accounts import views, views_clinic, views_passkeys

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mfa/", views.mfa, name="mfa"),
    path("mfa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("reauth/", views.reauth, name="reauth"),
    path("settings/", views.account_settings, name="settings"),
    path("password/", views.password_change, name="password_change"),
    path("passkeys/new/", views_passkeys.passkey_add, name="passkey_add"),
    path("passkeys/<int:pk>/remove/", views_passkeys.passkey_remove, name="passkey_remove"),
    path("clinics/<int:pk>/", views_clinic.clinic, name="clinic"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/reset-mfa/", views.user_reset_mfa, name="user_reset_mfa"),
]
