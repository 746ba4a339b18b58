from django.urls import path

from . import views

app_name = "revocation"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/received/", views.report_done, name="report_done"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/<str:reference>/", views.announcement, name="announcement"),
    path("mine/", views.mine, name="mine"),
    path("office/cases/", views.case_list, name="case_list"),
    path("office/cases/new/", views.case_open, name="case_open"),
    path("office/cases/<int:pk>/", views.case_detail, name="case"),
    path("office/cases/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("office/cases/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("office/cases/<int:pk>/decision-document/", views.decision_download, name="decision_download"),
    path("office/cases/<int:pk>/recovery/<int:item_pk>/", views.recovery_update, name="recovery_update"),
    path("office/cases/<int:pk>/<slug:step>/", views.case_step, name="case_step"),
    path("office/spot-checks/", views.spot_checks, name="spot_checks"),
]
