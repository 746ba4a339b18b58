from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assignments/<int:pk>/declare/", views.declare, name="declare"),
    path("assignments/<int:pk>/sheet/", views.sheet, name="sheet"),
    path("assignments/<int:pk>/sheet/autosave/", views.sheet_autosave, name="sheet_autosave"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("stages/", views.stages, name="stages"),
    path("stages/new/", views.stage_create, name="stage_create"),
    path("stages/<int:pk>/", views.board, name="board"),
    path("stages/<int:pk>/assign/", views.board_assign, name="board_assign"),
]

urlpatterns += [
    path("editions/<int:edition_id>/ranking/", views.ranking, name="ranking"),
    path("editions/<int:edition_id>/ranking/propose/", views.ranking_propose, name="ranking_propose"),
    path("editions/<int:edition_id>/candidates/", views.candidates, name="candidates"),
    path("candidates/<int:pk>/change/", views.candidate_change_view, name="candidate_change"),
    path("editions/<int:edition_id>/scores.xlsx", views.scores_xlsx, name="scores_xlsx"),
    path("stages/<int:pk>/applications/<int:application_id>/", views.assignments, name="assignments"),
    path("assignments/<int:pk>/replace/", views.assignment_replace_view, name="assignment_replace"),
    path("assignments/<int:pk>/reopen/", views.sheet_reopen_view, name="sheet_reopen"),
    path("overrides/", views.overrides, name="overrides"),
    path("overrides/<int:pk>/approve/", views.override_approve, name="override_approve"),
    path("stages/<int:pk>/consensus/", views.consensus, name="consensus"),
]

urlpatterns += [
    path("stages/<int:pk>/gate/", views.gate, name="gate"),
    path("stages/<int:pk>/signoff/", views.signoff, name="signoff"),
    path("stages/<int:pk>/visits/", views.visits, name="visits"),
    path("stages/<int:pk>/defence/", views.defence, name="defence"),
]
