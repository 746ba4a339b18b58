"""The office's review pages: stages and their boards, assignment runs, ranking, candidate list, score export,
assignment changes, sheet re-opening and conflict overrides."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, Role
from accounts.rules import has_any_role, role_required
from accounts.services import audit_record
from applications.models import Application
from awards.enums import Category, QuotaScope, Tier
from awards.models import Edition

from .. import scoring
from .. import selectors as select
from ..assigning import (
    assign_optimal,
    assign_random,
    assignment_replace,
    conflict_override_approve,
    conflict_override_request,
    may_assign,
)
from ..candidates import (
    CATEGORY_ORDER,
    OUTSIDE,
    TIER_ORDER,
    candidate_change,
    candidate_list_propose,
    edition_ranking,
    scored_edition_stages,
)
from ..enums import AssignmentMethod, ConflictDecision, SheetState
from ..exports import XLSX_CONTENT_TYPE, build_scores_xlsx, scores_filename
from ..forms import (
    AssignForm,
    AssignmentReplaceForm,
    CandidateChangeForm,
    EditionStageForm,
    OverrideRequestForm,
    SheetReopenForm,
)
from ..models import Assignment, EditionStage
from ..results import stage_results
from ..selectors import experts_assignable
from ..stages import edition_stage_create
from ._common import RECORD_PAGES, _declaration, _errors, _sheet
from .undertaking import gate as undertaking_gate

# --- the office ------------------------------------------------------------------------------------------


@role_required(Role.OFFICE_STAFF)
@require_GET
def stages(request):
    rows = list(select.edition_stages_overview())
    for row in rows:
        row.record_page = RECORD_PAGES.get(row.stage.kind)
    return render(request, "reviews/stages.html", {"rows": rows})


@role_required(Role.OFFICE_STAFF)
@require_http_methods(["GET", "POST"])
def stage_create(request):
    form = EditionStageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition_stage = edition_stage_create(**form.service_arguments(), by=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review stage has been set up."))
            return redirect("reviews:board", pk=edition_stage.pk)
    return render(request, "reviews/stage_create.html", {"form": form})


def _board(request, edition_stage, *, assign_form=None, status=200):
    applications = list(select.board_applications(edition_stage=edition_stage))
    assignments = list(select.board_assignments(edition_stage=edition_stage))
    results = stage_results(edition_stage=edition_stage)
    today = timezone.localdate()
    overdue_day = edition_stage.sheets_due < today
    per_application = {
        a.pk: {"application": a, "assigned": 0, "declared": 0, "submitted": 0, "recused": 0} for a in applications
    }
    per_expert: dict[int, dict] = {}
    experts = {}
    for assignment in assignments:
        row = per_application.get(assignment.application_id)
        declaration, sheet = _declaration(assignment), _sheet(assignment)
        submitted = sheet is not None and sheet.state == SheetState.SUBMITTED
        experts[assignment.expert_id] = assignment.expert
        if assignment.withdrawn_at is not None:
            if row is not None and getattr(declaration, "decision", None) == ConflictDecision.RECUSE:
                row["recused"] += 1
            continue
        expert_row = per_expert.setdefault(
            assignment.expert_id,
            {"expert": assignment.expert, "assigned": 0, "declared": 0, "submitted": 0, "overdue": 0},
        )
        for target in (row, expert_row):
            if target is None:
                continue
            target["assigned"] += 1
            target["declared"] += declaration is not None
            target["submitted"] += submitted
        expert_row["overdue"] += overdue_day and not submitted
    for application_id, row in per_application.items():
        result = results.get(application_id)
        row["result"] = result
        row["outliers"] = [experts[pk] for pk in sorted(result.outliers)] if result and result.outliers else []
    live = any(a.withdrawn_at is None for a in assignments)
    return render(
        request,
        "reviews/board.html",
        {
            "edition_stage": edition_stage,
            "applications": list(per_application.values()),
            "experts": list(per_expert.values()),
            "can_assign": not live,
            "assign_form": assign_form or AssignForm(),
            "Method": AssignmentMethod,
            "overdue_day": overdue_day,
            "is_office": has_any_role(request.user, Role.OFFICE_STAFF),
            "record_page": RECORD_PAGES.get(edition_stage.stage.kind),
        },
        status=status,
    )


def _edition_stage(pk: int) -> EditionStage:
    return select.edition_stage_for_office(pk=pk)


def _assignable_stage(request, pk: int) -> EditionStage:
    """The stage, if the user runs its assignment (the office, or the agency the stage is given to)."""
    edition_stage = _edition_stage(pk)
    if not may_assign(request.user, edition_stage):
        raise PermissionDenied("only the office or the agency that runs the stage assigns its experts")
    return edition_stage


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_GET
def board(request, pk: int):
    edition_stage = _assignable_stage(request, pk)
    # The agency's staff see the applicants once they have signed the undertaking (Linyi art. 24 and the like).
    if not has_any_role(request.user, Role.OFFICE_STAFF) and (
        blocked := undertaking_gate(request, edition_stage.edition)
    ):
        return blocked
    return _board(request, edition_stage)


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_POST
def board_assign(request, pk: int):
    edition_stage = _assignable_stage(request, pk)
    form = AssignForm(request.POST)
    method = request.POST.get("method")
    if method not in (AssignmentMethod.OPTIMAL, AssignmentMethod.RANDOM) or not form.is_valid():
        if method not in (AssignmentMethod.OPTIMAL, AssignmentMethod.RANDOM):
            form.add_error(None, _("Choose the optimal assignment or a random draw."))
        return _board(request, edition_stage, assign_form=form, status=400)
    try:
        if method == AssignmentMethod.RANDOM:
            rows = assign_random(
                edition_stage=edition_stage, seed=form.cleaned_data["seed"], by=request.user, request=request
            )
        else:
            rows = assign_optimal(edition_stage=edition_stage, by=request.user, request=request)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext("%(count)d assignment has been made.", "%(count)d assignments have been made.", len(rows))
            % {"count": len(rows)},
        )
    return redirect("reviews:board", pk=edition_stage.pk)


# --- the office: ranking, candidate list, export, assignments, conflict overrides ----------------------------


def _edition(edition_id: int) -> Edition:
    return select.edition_for_office(pk=edition_id)


def _by_category(rows, category_of) -> list[dict]:
    """Rows grouped by category, units first, keeping their order within a category."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(category_of(row), []).append(row)
    order = [c for c in CATEGORY_ORDER if c in groups] + sorted(c for c in groups if c not in CATEGORY_ORDER)
    return [{"category": c, "label": Category(c).label, "rows": groups[c]} for c in order]


@role_required(Role.OFFICE_STAFF)
@require_GET
def ranking(request, edition_id: int):
    edition = _edition(edition_id)
    stages = scored_edition_stages(edition)
    errors: list[str] = []
    try:
        entries = edition_ranking(edition=edition)
    except ValidationError as error:  # the rulebook's weights do not add up: the office fixes the rulebook
        entries, errors = [], _errors(error)
    for entry in entries:
        entry["stage_finals"] = [entry["finals"].get(es.stage.kind) for es in stages]
    return render(
        request,
        "reviews/ranking.html",
        {
            "edition": edition,
            "stages": stages,
            "groups": _by_category(entries, lambda entry: entry["category"]),
            "errors": errors,
            "proposed": select.candidate_list_proposed(edition=edition),
        },
    )


@role_required(Role.OFFICE_STAFF)
@require_POST
def ranking_propose(request, edition_id: int):
    edition = _edition(edition_id)
    try:
        proposals = candidate_list_propose(edition=edition, by=request.user, request=request)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("reviews:ranking", edition_id=edition.pk)
    messages.success(
        request,
        ngettext(
            "The candidate list has been proposed: %(count)d line.",
            "The candidate list has been proposed: %(count)d lines.",
            len(proposals),
        )
        % {"count": len(proposals)},
    )
    tied = [p.application.number for p in proposals if p.tied_at_cut]
    if tied:
        messages.warning(
            request,
            _("Tied at a cut, left out of the tier: %(numbers)s. Decide with a written reason.")
            % {"numbers": "、".join(tied)},
        )
    return redirect("reviews:candidates", edition_id=edition.pk)


def _tier_choices(quotas: dict) -> list[tuple[str, str]]:
    """The tiers the rulebook has places in (the award tier always), then "outside the quotas"."""
    tiers = [t for t in TIER_ORDER if t == Tier.AWARD or any(tier == t for _scope, tier in quotas)]
    return [(t.value, t.label) for t in tiers] + [(OUTSIDE, _("Outside the quotas"))]


def _change_form(line, choices, data=None) -> CandidateChangeForm:
    return CandidateChangeForm(
        data, prefix=f"line-{line.pk}", tiers=[(value, label) for value, label in choices if value != line.tier]
    )


def _candidates_page(request, edition, *, bound=None, status=200):
    """The proposed list per category and tier, with the places each quota leaves empty; `bound` is the form of
    a line whose change was refused, shown again with what was typed."""
    lines = list(select.candidate_lines(edition=edition))
    quotas = select.rulebook_quotas(rulebook_id=edition.rulebook_id)
    choices = _tier_choices(quotas)
    for line in lines:
        line.form = bound if bound is not None and bound.line_pk == line.pk else _change_form(line, choices)
    groups = _by_category(lines, lambda line: line.category)
    for group in groups:
        group["tiers"] = []
        for value, label in choices:
            rows = [line for line in group["rows"] if line.tier == value]
            quota = quotas.get((group["category"], value)) if value != OUTSIDE else None
            group["tiers"].append(
                {
                    "tier": value or "outside",
                    "label": label,
                    "lines": rows,
                    "quota": quota,
                    "empty": range(max(quota.max_count - len(rows), 0)) if quota else range(0),
                }
            )
    totals = [
        {"label": label, "quota": quotas[(QuotaScope.TOTAL, value)], "used": sum(line.tier == value for line in lines)}
        for value, label in choices
        if (QuotaScope.TOTAL, value) in quotas
    ]
    return render(
        request,
        "reviews/candidates.html",
        {"edition": edition, "groups": groups, "totals": totals, "changed": any(line.changed_by_id for line in lines)},
        status=status,
    )


@role_required(Role.OFFICE_STAFF)
@require_GET
def candidates(request, edition_id: int):
    return _candidates_page(request, _edition(edition_id))


@role_required(Role.OFFICE_STAFF)
@require_POST
def candidate_change_view(request, pk: int):
    line = select.candidate_line_for_office(pk=pk)
    edition = line.edition
    quotas = select.rulebook_quotas(rulebook_id=edition.rulebook_id)
    form = _change_form(line, _tier_choices(quotas), request.POST)
    form.line_pk = line.pk
    if form.is_valid():
        try:
            changed = candidate_change(
                proposal=line,
                tier=form.cleaned_data["tier"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(number)s has been moved: %(tier)s.")
                % {"number": line.application.number, "tier": dict(_tier_choices(quotas))[changed.tier]},
            )
            return redirect(f"{reverse('reviews:candidates', args=[edition.pk])}#line-{line.pk}")
    return _candidates_page(request, edition, bound=form, status=400)


@role_required(Role.OFFICE_STAFF)
@require_GET
def scores_xlsx(request, edition_id: int):
    """The review's scores with the experts' names: office only (item 9), never cached on the way."""
    edition = _edition(edition_id)
    data = build_scores_xlsx(edition=edition)
    filename = scores_filename(edition)
    audit_record(action=AuditAction.EXPORT, obj=edition, detail=filename, request=request)
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


def _stage_application(edition_stage, application_id: int) -> Application:
    """An application with at least one assignment (live or withdrawn) at the stage, else 404."""
    return select.stage_application(edition_stage=edition_stage, application_id=application_id)


def _assignments_page(request, edition_stage, application, *, bound=None, status=200):
    """The application's experts at the stage, each with a form to replace them and, for a submitted sheet, one
    to re-open it; `bound` is a refused form, shown again with what was typed."""
    rows = list(select.stage_application_assignments(edition_stage=edition_stage, application=application))
    experts = list(experts_assignable().order_by("full_name", "pk"))
    for row in rows:
        sheet = _sheet(row)
        row.submitted = sheet is not None and sheet.state == SheetState.SUBMITTED
        prefix = f"replace-{row.pk}"
        row.replace_form = (
            bound
            if bound is not None and bound.prefix == prefix
            else AssignmentReplaceForm(prefix=prefix, experts=experts)
        )
        prefix = f"reopen-{row.pk}"
        row.reopen_form = bound if bound is not None and bound.prefix == prefix else SheetReopenForm(prefix=prefix)
        # A refused re-opening stays in view with its error, even when the sheet is no longer submitted.
        row.reopenable = (row.submitted and row.withdrawn_at is None) or row.reopen_form is bound
    return render(
        request,
        "reviews/assignment_replace.html",
        {"edition_stage": edition_stage, "application": application, "rows": rows},
        status=status,
    )


@role_required(Role.OFFICE_STAFF)
@require_GET
def assignments(request, pk: int, application_id: int):
    edition_stage = _edition_stage(pk)
    return _assignments_page(request, edition_stage, _stage_application(edition_stage, application_id))


def _office_assignment(pk: int) -> Assignment:
    return select.assignment_for_office(pk=pk)


@role_required(Role.OFFICE_STAFF)
@require_POST
def assignment_replace_view(request, pk: int):
    assignment = _office_assignment(pk)
    edition_stage = assignment.edition_stage
    form = AssignmentReplaceForm(
        request.POST, prefix=f"replace-{assignment.pk}", experts=experts_assignable().order_by("full_name", "pk")
    )
    if form.is_valid():
        try:
            new = assignment_replace(
                assignment=assignment,
                expert=select.expert_for_office(pk=form.cleaned_data["expert"]),
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(expert)s has been assigned.") % {"expert": new.expert})
            return redirect("reviews:assignments", pk=edition_stage.pk, application_id=assignment.application_id)
    application = _stage_application(edition_stage, assignment.application_id)
    return _assignments_page(request, edition_stage, application, bound=form, status=400)


@role_required(Role.OFFICE_STAFF)
@require_POST
def sheet_reopen_view(request, pk: int):
    assignment = _office_assignment(pk)
    sheet = _sheet(assignment)
    if sheet is None:
        raise Http404
    form = SheetReopenForm(request.POST, prefix=f"reopen-{assignment.pk}")
    if form.is_valid():
        try:
            scoring.sheet_reopen(sheet=sheet, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The score sheet of %(expert)s has been re-opened.") % {"expert": assignment.expert}
            )
            return redirect(
                "reviews:assignments", pk=assignment.edition_stage_id, application_id=assignment.application_id
            )
    application = _stage_application(assignment.edition_stage, assignment.application_id)
    return _assignments_page(request, assignment.edition_stage, application, bound=form, status=400)


def _overrides_page(request, form, *, status=200):
    overrides = list(select.conflict_overrides())
    return render(request, "reviews/overrides.html", {"overrides": overrides, "form": form}, status=status)


@role_required(Role.OFFICE_STAFF)
@require_http_methods(["GET", "POST"])
def overrides(request):
    if request.method == "GET":
        return _overrides_page(request, OverrideRequestForm(initial=request.GET.dict()))
    form = OverrideRequestForm(request.POST)
    if form.is_valid():
        try:
            conflict_override_request(
                application=form.cleaned_data["application"],
                expert=form.cleaned_data["expert"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The override has been requested; another member of the office approves it."))
            return redirect("reviews:overrides")
    return _overrides_page(request, form, status=400)


@role_required(Role.OFFICE_STAFF)
@require_POST
def override_approve(request, pk: int):
    override = select.conflict_override_for_office(pk=pk)
    try:
        conflict_override_approve(override=override, by=request.user, request=request)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The override for %(expert)s and %(number)s has been approved.")
            % {"expert": override.expert, "number": override.application.number},
        )
    return redirect("reviews:overrides")
