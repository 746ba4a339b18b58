"""The office's page of one application (its "dossier"): the form, the current files, the history, the district's
opinions, the review's records and scores per stage, where it stands in its rulebook's pipeline, and who acts
next on which page. The office starts the review from here; the auditor reads it without the buttons."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.enums import Role
from accounts.rules import has_any_role, role_required
from applications import formspec, pipeline, services
from applications.enums import FileKind

from .. import next_action, selectors
from .worklist import READERS, worklist_url


def _url(name: str, arg) -> str | None:
    """The page of an action, or None where the page does not exist (yet) or needs an id the application does
    not have: the dossier then names the step without a link instead of failing."""
    if not name:
        return None
    try:
        return reverse(name, args=[arg] if arg is not None else [])
    except NoReverseMatch:
        return None


def _actions(application, review) -> list[dict]:
    current = application.current_stage
    edition_stage = review.edition_stage_of(current)
    actions = next_action.next_actions(
        state=application.state,
        stage_kind=current.kind if current else None,
        edition_stage=edition_stage is not None,
        departments=bool(edition_stage is not None and edition_stage.departments_count),
    )
    args = {
        next_action.EDITION_STAGE: edition_stage.pk if edition_stage is not None else None,
        next_action.EDITION: application.edition_id,
        next_action.NO_ARG: None,
    }
    rows = []
    for action in actions:
        arg = args[action.url_arg]
        missing = action.url_arg != next_action.NO_ARG and arg is None
        rows.append({"action": action, "url": None if missing else _url(action.url_name, arg)})
    return rows


def _files(application) -> list[dict]:
    files = application.current_files
    return [
        {"kind": kind, "files": [f for f in files if f.kind == kind]}
        for kind in FileKind
        if any(f.kind == kind for f in files)
    ]


@role_required(*READERS)
@require_GET
def application(request, pk: int):
    application = selectors.office_application(user=request.user, pk=pk)
    review = selectors.application_review(application=application)
    list_query = request.GET.get("list", "")
    stages = pipeline.stages(application.edition.rulebook)
    return render(
        request,
        "office/application.html",
        {
            "application": application,
            "review": review,
            "form_content": [
                (label, application.form_data.get(name, ""))
                for name, label, _required, _max in formspec.fields_for(application.category)
            ],
            "files": _files(application),
            "transitions": application.transitions.all(),
            "recommendations": application.recommendations.all(),
            "standing": next_action.standing(
                state=application.state, current_stage=application.current_stage, stages=stages
            ),
            "actions": _actions(application, review),
            "can_act": has_any_role(request.user, Role.OFFICE_STAFF),
            "list_query": list_query,
            "back_url": worklist_url(list_query),
        },
    )


@role_required(Role.OFFICE_STAFF)
@require_POST
def application_start_review(request, pk: int):
    application = selectors.office_application(user=request.user, pk=pk)
    try:
        application = services.application_start_review(application=application, by=request.user, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(number)s has entered the review at the stage “%(stage)s”.")
            % {"number": application.number, "stage": application.current_stage.get_kind_display()},
        )
    target = reverse("office:application", args=[pk])
    list_query = request.POST.get("list", "")
    return redirect(f"{target}?list={quote(list_query, safe='')}" if list_query else target)
