from django.urls import include, path

from . import views

app_name = "decisions"

urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("certificates/<int:pk>/download/", views.download, name="certificate_download"),
    path("certificates/batches/<int:pk>/", views.batch_progress, name="batch_progress"),
    path("editions/<int:edition_id>/certificates/", views.batch, name="batch"),
    path("office/decisions/", views.editions, name="editions"),
    path("office/editions/<int:edition_id>/decisions/", views.board, name="board"),
    path("office/editions/<int:edition_id>/decisions/<int:stage_id>/", views.step, name="step"),
    path("office/editions/<int:edition_id>/decisions/<int:stage_id>/approve/", views.approve, name="approve"),
    path(
        "office/editions/<int:edition_id>/decisions/<int:stage_id>/not-approved/<int:application_id>/",
        views.not_approved,
        name="not_approved",
    ),
    path("office/decision-documents/<int:pk>/", views.step_document, name="step_document"),
    path("office/notices/<int:pk>/publications/", views.notice_publications, name="notice_publications"),
    path("office/editions/<int:edition_id>/onward/", views.onward_page, name="onward"),
    path("office/onward/<int:pk>/<str:kind>/", views.onward_download, name="onward_download"),
    path("", include("decisions.urls_items")),
    path("", include("decisions.urls_objections")),
]
