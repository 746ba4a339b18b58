from django.urls import path

from . import views_exports

app_name = "application_exports"

urlpatterns = [
    path("editions/<int:edition_id>/statistics.xlsx", views_exports.statistics_xlsx, name="statistics_xlsx"),
    path("applications/<int:pk>/package.zip", views_exports.application_package, name="application_package"),
]
