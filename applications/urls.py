from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/", views.start, name="start"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/route/", views.route, name="route"),
    path("proposals/", views.proposals, name="proposals"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("city-submissions/", views.city_submissions, name="city_submissions"),
    path("city-submissions/<int:pk>/<slug:part>/", views.city_submission_file, name="city_submission_file"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("files/<int:pk>/remove/", views.file_remove, name="file_remove"),
]

# Public registration, mounted at /register/ under the namespace "register".
register_urlpatterns = [
    path("", views.register, name="index"),
    path("unit/", views.register_unit, name="unit"),
    path("individual/", views.register_individual, name="individual"),
]
