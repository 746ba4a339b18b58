from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("office/values/", views.office_values, name="office_values"),
    path("office/values/<int:pk>/confirm/", views.office_value_confirm, name="office_value_confirm"),
    path("<slug:code>/", views.scheme_detail, name="scheme_detail"),
]
