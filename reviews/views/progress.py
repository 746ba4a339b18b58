"""Moving applications on: closing a scored stage against its ranking, and recording several gate results at once.

The services decide (``reviews.progress.stage_close``, ``reviews.stage_records.gate_record_bulk``); these pages
parse what was ticked and typed and show the refusals, item by item.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.enums import Role
from accounts.rules import has_any_role, role_required

from .. import selectors
from ..enums import GateOutcome
from ..forms import ProgressSelectForm, StageCloseForm
from ..progress import (
    Selection,
    may_close,
    select_at_or_above,
    select_top,
    split_ties,
    stage_close,
    stage_not_needed,
    stage_progress,
)
from ..stage_records import NOTED_ONLY_STAGES, gate_record_bulk


def _ints(values) -> list[int]:
    try:
        return [int(value) for value in values]
    except (TypeError, ValueError):
        raise Http404 from None


def _page(request, edition_stage, progress, *, passing, reasons, tied, select_form, close_form, errors=(), status=200):
    rows = []
    tied_ids = {row.pk for row in tied}
    for row in progress.rows:
        rows.append(
            {
                "row": row,
                "passes": row.pk in passing,
                "reason": reasons.get(row.pk, row.default_reason),
                "tied": row.pk in tied_ids,
            }
        )
    at_stage = progress.at_stage
    passing_here = [row for row in at_stage if row.pk in passing]
    return render(
        request,
        "reviews/progress.html",
        {
            "edition_stage": edition_stage,
            "progress": progress,
            "rows": rows,
            "at_stage_count": len(at_stage),
            "passing_count": len(passing_here),
            "failing_count": len(at_stage) - len(passing_here),
            "tied": tied,
            "problems": progress.problems() if at_stage else [],
            "select_form": select_form,
            "close_form": close_form,
            "errors": list(errors),
            "is_office": has_any_role(request.user, Role.OFFICE_STAFF),
            "articles": "、".join(
                article
                for article in (edition_stage.stage.article, getattr(progress.next_stage, "article", ""))
                if article
            ),
        },
        status=status,
    )


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_http_methods(["GET", "POST"])
def stage_progress_page(request, pk: int):
    edition_stage = selectors.scored_edition_stage(pk=pk)
    if not may_close(request.user, edition_stage):
        raise PermissionDenied("only the office or the agency closes a review stage")
    if request.method == "POST":
        return _close(request, edition_stage)
    progress = stage_progress(edition_stage=edition_stage)
    select_form = ProgressSelectForm(request.GET if "mode" in request.GET else None)
    selection = Selection()
    if select_form.is_bound and select_form.is_valid():
        data = select_form.cleaned_data
        if data["mode"] == ProgressSelectForm.TOP:
            selection = select_top(progress, data["top"])
        elif data["mode"] == ProgressSelectForm.SCORE:
            selection = select_at_or_above(progress, data["min_score"])
    return _page(
        request,
        edition_stage,
        progress,
        passing=selection.passing,
        reasons={},
        tied=selection.tied,
        select_form=select_form,
        close_form=StageCloseForm(),
    )


def _close(request, edition_stage):
    decided = _ints(request.POST.getlist("shown"))
    passing = set(_ints(request.POST.getlist("pass")))
    reasons = {pk: request.POST[f"reason-{pk}"] for pk in decided if f"reason-{pk}" in request.POST}
    close_form = StageCloseForm(request.POST)
    close_form.is_valid()  # two optional fields: always valid, or cut to their length
    data = getattr(close_form, "cleaned_data", {})
    try:
        result = stage_close(
            edition_stage=edition_stage,
            decided=decided,
            passing=passing,
            reasons=reasons,
            missing_reason=data.get("missing_reason", ""),
            ties_decided=data.get("ties_decided", False),
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        progress = stage_progress(edition_stage=edition_stage)
        return _page(
            request,
            edition_stage,
            progress,
            passing=passing,
            reasons=reasons,
            tied=split_ties(progress.at_stage, passing),
            select_form=ProgressSelectForm(),
            close_form=close_form,
            errors=error.messages,
            status=400,
        )
    for row, reason in result.bulk.refused:
        messages.error(request, _("%(number)s was not moved: %(reason)s") % {"number": row.label, "reason": reason})
    if result.closed:
        messages.success(
            request,
            _("The stage has been closed: %(passed)d passed on, %(not_selected)d not selected.")
            % {"passed": len(result.passed), "not_selected": len(result.not_selected)},
        )
    else:
        messages.warning(
            request,
            _(
                "%(moved)d applications have moved; %(remaining)d are still at this stage (refused, or arrived after "
                "the page was loaded). Decide them and close the stage again."
            )
            % {"moved": len(result.bulk.done), "remaining": result.remaining},
        )
    return redirect("reviews:stage_progress", pk=edition_stage.pk)


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_POST
def stage_not_needed_page(request, pk: int):
    """The ticked applications pass on without a stage the rulebook runs only where needed."""
    edition_stage = selectors.scored_edition_stage(pk=pk)
    if not may_close(request.user, edition_stage):
        raise PermissionDenied("only the office or the agency decides that a stage is not needed")
    try:
        result = stage_not_needed(
            edition_stage=edition_stage,
            application_ids=_ints(request.POST.getlist("pass")),
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reviews:stage_progress", pk=edition_stage.pk)
    if result.done:
        messages.success(
            request,
            _("%(count)d applications pass on without “%(stage)s”.")
            % {"count": len(result.done), "stage": edition_stage.stage.get_kind_display()},
        )
    for item, reason in result.refused:
        messages.error(request, _("%(number)s was not moved: %(reason)s") % {"number": item, "reason": reason})
    return redirect("reviews:stage_progress", pk=edition_stage.pk)


# --- several gate results at once ------------------------------------------------------------------------------

BULK_PASS, BULK_FAIL = "bulk_pass", "bulk_fail"
GATE_BULK_ACTIONS = frozenset({BULK_PASS, BULK_FAIL})


def gate_bulk_post(request, edition_stage, context):
    """The gate page's bulk buttons: the ticked applications that wait for a result all pass (or, for the
    supervision group's opinions, are noted), or all fail, each with the note typed in its own row (a failure's
    note is the reason the applicant reads). Each is recorded whole or not at all; the refused ones are listed
    with the reason and stay in the list."""
    if not context["can_record"]:
        raise Http404
    action = request.POST.get("action")
    kind = edition_stage.stage.kind
    if kind in NOTED_ONLY_STAGES:
        if action != BULK_PASS:
            raise Http404
        outcome = GateOutcome.NOTED
    else:
        outcome = GateOutcome.PASS if action == BULK_PASS else GateOutcome.FAIL
    selected = set(_ints(request.POST.getlist("selected")))
    chosen = [application for application in context["pending"] if application.pk in selected]
    if not chosen:
        messages.error(request, _("Tick the applications first."))
        return redirect("reviews:gate", pk=edition_stage.pk)
    entries = [
        (
            application,
            request.POST.get(f"gate-{application.pk}-note", ""),
            request.POST.get(f"gate-{application.pk}-score"),
        )
        for application in chosen
    ]
    result = gate_record_bulk(
        edition_stage=edition_stage, outcome=outcome, entries=entries, by=request.user, request=request
    )
    if result.done:
        messages.success(
            request,
            _("%(count)d results have been recorded: %(numbers)s.")
            % {"count": len(result.done), "numbers": "、".join(_number(entry[0]) for entry in result.done)},
        )
    for entry, reason in result.refused:
        messages.error(
            request, _("%(number)s was not recorded: %(reason)s") % {"number": _number(entry[0]), "reason": reason}
        )
    return redirect("reviews:gate", pk=edition_stage.pk)


def _number(application) -> str:
    return application.number or f"#{application.pk}"
