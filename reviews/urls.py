from django.urls import path

from .views import expert, office, records

app_name = "reviews"

urlpatterns = [
    path("", expert.queue, name="queue"),
    path("assignments/<int:pk>/declare/", expert.declare, name="declare"),
    path("assignments/<int:pk>/sheet/", expert.sheet, name="sheet"),
    path("assignments/<int:pk>/sheet/autosave/", expert.sheet_autosave, name="sheet_autosave"),
    path("applications/<int:pk>/", expert.application, name="application"),
    path("files/<int:pk>/", expert.file_download, name="file"),
    path("stages/", office.stages, name="stages"),
    path("stages/new/", office.stage_create, name="stage_create"),
    path("stages/<int:pk>/", office.board, name="board"),
    path("stages/<int:pk>/assign/", office.board_assign, name="board_assign"),
]

urlpatterns += [
    path("editions/<int:edition_id>/ranking/", office.ranking, name="ranking"),
    path("editions/<int:edition_id>/ranking/propose/", office.ranking_propose, name="ranking_propose"),
    path("editions/<int:edition_id>/candidates/", office.candidates, name="candidates"),
    path("candidates/<int:pk>/change/", office.candidate_change_view, name="candidate_change"),
    path("editions/<int:edition_id>/scores.xlsx", office.scores_xlsx, name="scores_xlsx"),
    path("stages/<int:pk>/applications/<int:application_id>/", office.assignments, name="assignments"),
    path("assignments/<int:pk>/replace/", office.assignment_replace_view, name="assignment_replace"),
    path("assignments/<int:pk>/reopen/", office.sheet_reopen_view, name="sheet_reopen"),
    path("overrides/", office.overrides, name="overrides"),
    path("overrides/<int:pk>/approve/", office.override_approve, name="override_approve"),
    path("stages/<int:pk>/consensus/", expert.consensus, name="consensus"),
]

urlpatterns += [
    path("stages/<int:pk>/gate/", records.gate, name="gate"),
    path("stages/<int:pk>/signoff/", records.signoff, name="signoff"),
    path("stages/<int:pk>/visits/", records.visits, name="visits"),
    path("stages/<int:pk>/defence/", records.defence, name="defence"),
]

# The worklists of the qualification departments and the third-party agencies (issue 10, item 5).
from .views import worklists  # noqa: E402

urlpatterns += [
    path("signatures/", worklists.signatures, name="signatures"),
    path("agency/", worklists.agency, name="agency_stages"),
]

# The expert pool kept by the office in the portal (issue 10, item 4).
from .views import experts as expert_pool  # noqa: E402

urlpatterns += [
    path("experts/", expert_pool.experts, name="experts"),
    path("experts/new/", expert_pool.expert_create, name="expert_create"),
    path("experts/import/", expert_pool.expert_import, name="expert_import"),
    path("experts/import/template.xlsx", expert_pool.expert_import_template, name="expert_import_template"),
    path("experts/<int:pk>/", expert_pool.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/edit/", expert_pool.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/credit/", expert_pool.expert_credit_add, name="expert_credit_add"),
    path("experts/<int:pk>/ties/", expert_pool.expert_tie_add, name="expert_tie_add"),
    path("experts/<int:pk>/deactivate/", expert_pool.expert_deactivate, name="expert_deactivate"),
    path("experts/<int:pk>/reactivate/", expert_pool.expert_reactivate, name="expert_reactivate"),
    path("experts/<int:pk>/password-link/", expert_pool.expert_password_link, name="expert_password_link"),
    path("experts/welcome/<uidb64>/<token>/", expert_pool.expert_password_set, name="expert_password_set"),
]

from .views import progress as stage_progress  # noqa: E402 - appended block of the stage-progress pages

urlpatterns += [
    path("stages/<int:pk>/progress/", stage_progress.stage_progress_page, name="stage_progress"),
    path("stages/<int:pk>/progress/not-needed/", stage_progress.stage_not_needed_page, name="stage_not_needed"),
]

from .views import bodies as review_bodies  # noqa: E402 - appended block of the review-body pages

urlpatterns += [
    path("editions/<int:edition_id>/bodies/", review_bodies.bodies, name="bodies"),
    path("editions/<int:edition_id>/bodies/new/", review_bodies.body_new, name="body_new"),
    path("editions/<int:edition_id>/bodies/<int:pk>/members/", review_bodies.body_member_new, name="body_member_new"),
    path(
        "editions/<int:edition_id>/bodies/<int:pk>/members/<int:expert_id>/remove/",
        review_bodies.body_member_off,
        name="body_member_remove",
    ),
    path("editions/<int:edition_id>/bodies/<int:pk>/confirm/", review_bodies.body_confirm_view, name="body_confirm"),
    path("editions/<int:edition_id>/bodies/<int:pk>/approval/", review_bodies.body_approval_view, name="body_approval"),
]

from .views import undertaking as review_undertaking  # noqa: E402 - appended block of the undertaking page

urlpatterns += [
    path("editions/<int:edition_id>/undertaking/", review_undertaking.undertaking, name="undertaking"),
]
