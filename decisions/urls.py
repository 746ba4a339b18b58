from django.urls import include, path

from . import views

app_name = "decisions"

urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("certificates/<int:pk>/download/", views.download, name="certificate_download"),
    path("certificates/batches/<int:pk>/", views.batch_progress, name="batch_progress"),
    path("editions/<int:edition_id>/certificates/", views.batch, name="batch"),
    path("", include("decisions.urls_items")),
    path("", include("decisions.urls_objections")),
]
