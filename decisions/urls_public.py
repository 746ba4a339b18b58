from django.urls import path
from django.views.generic import RedirectView

from . import views_public

app_name = "public"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="public:notice_list", permanent=False), name="index"),
    path("notices/", views_public.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views_public.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/objection/", views_public.objection_create, name="objection_create"),
    path("notices/<int:pk>/objection/received/", views_public.objection_receipt, name="objection_receipt"),
    path("results/", views_public.results_list, name="results_list"),
    path("results/<int:edition_id>/", views_public.results_detail, name="results_detail"),
    path("honour-roll/", views_public.honour_roll, name="honour_roll"),
]
