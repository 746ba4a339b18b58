from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("<slug:code>/", views.scheme_detail, name="scheme_detail"),
]
