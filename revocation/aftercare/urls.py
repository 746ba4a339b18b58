"""Periodic evaluation, supervision group and experience-sharing events."""

from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("evaluations/<int:pk>/report/", views.evaluation_report, name="report"),
    path("evaluations/<int:pk>/assess/", views.evaluation_assess, name="assess"),
    path("evaluations/<int:pk>/file/", views.evaluation_file, name="report_file"),
    path("groups/", views.groups, name="groups"),
    path("editions/<int:edition_id>/supervision/", views.group, name="group"),
    path("editions/<int:edition_id>/supervision/members/", views.member_add, name="member_add"),
    path("editions/<int:edition_id>/supervision/confirm/", views.group_confirm, name="group_confirm"),
    path("editions/<int:edition_id>/supervision/dissolve/", views.group_dissolve, name="group_dissolve"),
    path("editions/<int:edition_id>/supervision/opinions/new/", views.opinion_new, name="opinion_new"),
    path("editions/<int:edition_id>/supervision/misconduct/new/", views.misconduct_new, name="misconduct_new"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("opinions/<int:pk>/answer/", views.opinion_answer, name="opinion_answer"),
    path("misconduct/<int:pk>/decide/", views.misconduct_decide, name="misconduct_decide"),
    path("removals/", views.removals, name="removals"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("invitations/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("holders/", views.holders, name="holders"),
    path("holders/<int:application_id>/", views.holder, name="holder"),
]
