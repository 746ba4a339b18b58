"""The office's objection pages, included from decisions/urls.py without a prefix (names in the decisions namespace)."""

from django.urls import path

from . import views_objections

urlpatterns = [
    path("office/notices/<int:pk>/objections/", views_objections.objection_list, name="objection_list"),
    path("office/objections/<int:pk>/", views_objections.objection_detail, name="objection_detail"),
    path("office/objections/<int:pk>/evidence/", views_objections.objection_evidence, name="objection_evidence"),
    path(
        "office/objections/<int:pk>/deliberation/",
        views_objections.objection_deliberation,
        name="objection_deliberation",
    ),
]
