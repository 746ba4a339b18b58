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
