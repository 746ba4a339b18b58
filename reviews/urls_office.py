"""The office's worklists across the lifecycle, mounted at /office/ (namespace "office")."""

from django.urls import path

from .views import dossier, worklist

app_name = "office"

urlpatterns = [
    path("applications/", worklist.applications, name="applications"),
    path("applications/export.xlsx", worklist.applications_export, name="applications_export"),
    path("applications/start-review/", worklist.applications_start_review, name="applications_start_review"),
    path("applications/<int:pk>/", dossier.application, name="application"),
    path("applications/<int:pk>/start-review/", dossier.application_start_review, name="application_start_review"),
]
