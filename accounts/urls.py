from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("audit/", views.audit_log, name="audit_log"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/", views.user, name="user"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("users/<int:pk>/districts/grant/", views.user_district_grant, name="user_district_grant"),
    path("users/<int:pk>/districts/revoke/", views.user_district_revoke, name="user_district_revoke"),
    path("users/<int:pk>/department/", views.user_department, name="user_department"),
    path("users/<int:pk>/agency/", views.user_agency, name="user_agency"),
]
