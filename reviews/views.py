"""Pages of experts (queue, declaration, application, score sheet) and of the office (review stages and their
board). Thin: parse the form, call a service or a read, render.

An expert who may not open an application (not assigned, not declared, recused, or conflicted) gets a 404 on
every page that shows it, its files or its scores, as if it did not exist; the attempt is audited.
"""

import io
import json
import string
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Prefetch, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, AuditResult, Role
from accounts.rules import has_any_role, role_required
from accounts.services import audit_record
from applications import formspec
from applications.models import Application, ApplicationFile
from applications.rules import can_run_stage
from awards.enums import Category, QuotaScope, StageKind, Tier
from awards.models import Edition, Quota

from . import scoring
from .assigning import (
    assign_optimal,
    assign_random,
    assignment_replace,
    conflict_declare,
    conflict_override_approve,
    conflict_override_request,
    edition_stage_applications,
    expert_may_open,
)
from .candidates import (
    CATEGORY_ORDER,
    OUTSIDE,
    TIER_ORDER,
    candidate_change,
    candidate_list_propose,
    edition_ranking,
    scored_edition_stages,
)
from .conflicts import conflict_reasons, conflicted_pairs
from .enums import AssignmentMethod, ConflictDecision, MemberRole, SheetState
from .exports import XLSX_CONTENT_TYPE, build_scores_xlsx, scores_filename
from .forms import (
    AssignForm,
    AssignmentReplaceForm,
    CandidateChangeForm,
    ConsensusForm,
    DeclarationForm,
    DefenceSessionForm,
    EditionStageForm,
    GateRecordForm,
    OverrideRequestForm,
    ScoreSheetForm,
    SheetReopenForm,
    SignOffForm,
    SiteVisitForm,
    StageDepartmentsForm,
    points_text,
)
from .models import (
    Assignment,
    CandidateProposal,
    ConflictOverride,
    DefenceSession,
    DepartmentSignOff,
    EditionStage,
    ExpertProfile,
    GateRecord,
    ReviewBodyMember,
    ScoreItem,
    SiteVisit,
)
from .results import _leads_a_body as leads_a_body  # the service's own test of standing, so page and service agree
from .results import consensus_record, stage_results
from .selectors import experts_assignable
from .stage_records import (
    GATE_STAGES,
    SURVEY_STAGES,
    defence_session_schedule,
    department_sign_off,
    gate_record,
    site_visit_schedule,
    stage_departments_set,
)
from .stages import edition_stage_create

# What the queue shows in its "state" column; the values are also the rows' data-state attributes.
TO_DECLARE, CONFLICTED, SCORING, SUBMITTED = "to_declare", "conflicted", "scoring", "submitted"


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _declaration(assignment):
    return getattr(assignment, "declaration", None)


def _sheet(assignment):
    return getattr(assignment, "sheet", None)


def _hidden(request, detail: str):
    """The object exists but is not the user's to see: a 404 that admits nothing, and a refusal in the trail."""
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=request.user,
        detail=detail,
        request=request,
    )
    raise Http404


# --- reads, scoped to the expert who asks ------------------------------------------------------------------
# These are the selectors of the expert pages; they stay here until reviews/selectors.py takes them.

_ASSIGNMENT_RELATED = (
    "edition_stage__edition__scheme",
    "edition_stage__stage",
    "edition_stage__score_sheet",
    "application__organisation",
    "application__individual",
    "expert",
    "declaration",
    "sheet",
)


def _expert_assignments(user):
    """The user's live assignments, with everything the queue shows, in due-date order."""
    return (
        Assignment.objects.filter(expert__user=user, withdrawn_at__isnull=True)
        .select_related(*_ASSIGNMENT_RELATED)
        .order_by("edition_stage__sheets_due", "edition_stage_id", "application__number", "pk")
    )


def _own_assignment(request, pk: int) -> Assignment:
    assignment = _expert_assignments(request.user).filter(pk=pk).first()
    if assignment is None:
        _hidden(request, f"reviews.Assignment #{pk} is not a live assignment of the user")
    return assignment


def _conflicted(assignments) -> set[int]:
    """Ids of the assignments whose expert the data now shows conflicted (ties declared since, say), unless an
    approved override sets the conflict aside. A few queries per value of same_district, whatever the count."""
    by_flag = defaultdict(list)
    for assignment in assignments:
        by_flag[assignment.edition_stage.same_district_conflict].append(assignment)
    if not by_flag:
        return set()
    expert = assignments[0].expert
    overrides = set(
        ConflictOverride.objects.filter(expert=expert, approved_by__isnull=False).values_list(
            "application_id", flat=True
        )
    )
    conflicted = set()
    for flag, rows in by_flag.items():
        pairs = conflicted_pairs(experts=[expert], applications=[a.application_id for a in rows], same_district=flag)
        conflicted |= {
            a.pk for a in rows if (a.application_id, expert.pk) in pairs and a.application_id not in overrides
        }
    return conflicted


def _openable_application(request, pk: int) -> Application:
    application = (
        Application.objects.select_related(
            "edition__scheme", "organisation", "individual", "recommender", "current_stage"
        )
        .prefetch_related(
            Prefetch(
                "files", queryset=ApplicationFile.objects.filter(superseded_at__isnull=True).order_by("kind", "pk")
            )
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not expert_may_open(user=request.user, application=application):
        _hidden(request, f"applications.Application #{pk} is not open to the expert")
    return application


def _sheet_assignment(request, pk: int) -> Assignment:
    """The user's live assignment, declared free of conflict, whose application the user may open; else 404."""
    assignment = _expert_assignments(request.user).filter(pk=pk).first()
    if (
        assignment is None
        or getattr(_declaration(assignment), "decision", None) != ConflictDecision.NO_CONFLICT
        or not expert_may_open(user=request.user, application=assignment.application)
    ):
        _hidden(request, f"reviews.Assignment #{pk}: score sheet not open to the user")
    return assignment


# --- the expert ------------------------------------------------------------------------------------------


@role_required(Role.EXPERT)
@require_GET
def queue(request):
    assignments = list(_expert_assignments(request.user))
    conflicted = _conflicted(assignments)
    today = timezone.localdate()
    groups: dict[int, dict] = {}
    for assignment in assignments:
        declaration, sheet = _declaration(assignment), _sheet(assignment)
        if declaration is None:
            state = TO_DECLARE
        elif assignment.pk in conflicted:
            state = CONFLICTED
        elif sheet is not None and sheet.state == SheetState.SUBMITTED:
            state = SUBMITTED
        else:
            state = SCORING
        stage = assignment.edition_stage
        days_left = (stage.sheets_due - today).days
        group = groups.setdefault(
            stage.pk, {"stage": stage, "days_left": days_left, "days_overdue": -days_left, "rows": []}
        )
        group["rows"].append({"assignment": assignment, "application": assignment.application, "state": state})
    # Leaders and chairs of a confirmed body record the consensus where scores spread too far (one query).
    led = set(
        ReviewBodyMember.objects.filter(
            expert__user=request.user,
            role__in=[MemberRole.LEADER, MemberRole.CHAIR],
            body__confirmed_at__isnull=False,
            body__edition_id__in={group["stage"].edition_id for group in groups.values()},
        ).values_list("body__edition_id", flat=True)
    )
    for group in groups.values():
        group["leads"] = group["stage"].edition_id in led
    return render(request, "reviews/queue.html", {"groups": list(groups.values())})


@role_required(Role.EXPERT)
@require_http_methods(["GET", "POST"])
def declare(request, pk: int):
    assignment = _own_assignment(request, pk)
    if _declaration(assignment) is not None:
        messages.info(request, _("You have already declared for this assignment."))
        return redirect("reviews:application", pk=assignment.application_id)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            conflict_declare(
                assignment=assignment,
                decision=decision,
                note=form.cleaned_data["note"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if decision == ConflictDecision.RECUSE:
                messages.success(request, _("You have recused yourself; the award office will assign another expert."))
                return redirect("reviews:queue")
            messages.success(request, _("Your declaration has been recorded. You can read and score the application."))
            return redirect("reviews:application", pk=assignment.application_id)
    application = assignment.application
    return render(
        request,
        "reviews/declare.html",
        {
            "assignment": assignment,
            "application": application,
            "form": form,
            "reasons": conflict_reasons(
                expert=assignment.expert,
                application=application,
                same_district=assignment.edition_stage.same_district_conflict,
            ),
            "same_district": assignment.edition_stage.same_district_conflict,
        },
    )


@role_required(Role.EXPERT)
@require_GET
def application(request, pk: int):
    application = _openable_application(request, pk)
    assignments = [
        a
        for a in _expert_assignments(request.user).filter(application=application)
        if getattr(_declaration(a), "decision", None) == ConflictDecision.NO_CONFLICT
    ]
    return render(
        request,
        "reviews/application.html",
        {
            "application": application,
            "assignments": assignments,
            "form_content": [
                (label, application.form_data.get(name, ""))
                for name, label, _required, _max in formspec.fields_for(application.category)
            ],
            "files": list(application.files.all()),
        },
    )


@role_required(Role.EXPERT)
@require_GET
def file_download(request, pk: int):
    file = (
        ApplicationFile.objects.select_related("application__organisation", "application__individual")
        .filter(pk=pk, superseded_at__isnull=True)
        .first()
    )
    if file is None or not expert_may_open(user=request.user, application=file.application):
        _hidden(request, f"applications.ApplicationFile #{pk} is not open to the expert")
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(action=AuditAction.EXPORT, obj=file, detail=f"expert download {file.sha256}", request=request)
    response = FileResponse(handle, as_attachment=True, filename=file.name, content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _categories(template) -> list[dict]:
    """Top-level items with the items an expert scores under them; a flat sheet's items score themselves."""
    items = list(ScoreItem.objects.filter(template=template).order_by("position"))
    children = defaultdict(list)
    for item in items:
        if item.parent_id:
            children[item.parent_id].append(item)
    for item in items:
        item.band_hints = [
            f"{points_text(Decimal(low) * item.points / 100)}–{points_text(Decimal(high) * item.points / 100)}"
            for low, high in template.bands or []
        ]
    return [{"item": top, "items": children.get(top.pk) or [top]} for top in items if top.parent_id is None]


def _others(request, assignment) -> list[dict]:
    """The other experts' submitted totals, once the user's own sheet is in; named 专家A, 专家B, … only."""
    sheets = scoring.sheets_visible_to_expert(user=request.user, assignment=assignment).order_by("assignment_id")
    letters = string.ascii_uppercase
    return [
        {"label": _("Expert %(letter)s") % {"letter": letters[i % 26]}, "total": sheet.total}
        for i, sheet in enumerate(sheets)
    ]


@role_required(Role.EXPERT)
@require_http_methods(["GET", "POST"])
def sheet(request, pk: int):
    assignment = _sheet_assignment(request, pk)
    template = assignment.edition_stage.score_sheet
    if template is None:
        return render(request, "reviews/sheet.html", {"assignment": assignment, "template": None})
    sheet = _sheet(assignment)
    locked = sheet is not None and sheet.state == SheetState.SUBMITTED
    if request.method == "POST" and locked:
        messages.error(request, _("This score sheet has been submitted and is locked."))
        return redirect("reviews:sheet", pk=assignment.pk)
    categories = _categories(template)
    scores = {score.item_id: score for score in sheet.scores.all()} if sheet is not None else {}
    form = ScoreSheetForm(
        request.POST if request.method == "POST" else None,
        template=template,
        categories=categories,
        scores=scores,
        locked=locked,
    )
    errors: list[str] = []
    total = sheet.total if sheet is not None else Decimal(0)
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        saved = False
        try:
            sheet = scoring.sheet_save(assignment=assignment, by=request.user, scores=form.scores(), request=request)
            saved, total = True, sheet.total
            if submitting:
                scoring.sheet_submit(sheet=sheet, by=request.user, request=request)
                messages.success(
                    request,
                    _("Your score sheet has been submitted. Total: %(total)s.") % {"total": points_text(sheet.total)},
                )
                return redirect("reviews:sheet", pk=assignment.pk)
        except ValidationError as error:
            errors = _errors(error)
            if saved:
                errors.insert(0, _("Your draft has been saved, but it cannot be submitted yet:"))
        else:
            messages.success(request, _("Your draft has been saved."))
            return redirect("reviews:sheet", pk=assignment.pk)
    return render(
        request,
        "reviews/sheet.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            "template": template,
            "form": form,
            "rows": list(form.rows()),
            "errors": errors,
            "sheet": sheet,
            "state": SheetState.SUBMITTED if locked else SheetState.DRAFT,
            "total": points_text(total),
            "others": _others(request, assignment) if locked else [],
            "days_left": (assignment.edition_stage.sheets_due - timezone.localdate()).days,
        },
        status=400 if errors else 200,
    )


def _parse_autosave(body: bytes) -> dict:
    payload = json.loads(body or b"{}")
    scores = payload["scores"]
    if not isinstance(scores, dict):
        raise TypeError
    parsed = {}
    for key, entry in scores.items():
        if not (isinstance(key, str) and key.isdigit() and isinstance(entry, dict)):
            raise TypeError
        parsed[int(key)] = {
            part: "" if entry.get(part) is None else str(entry[part])
            for part in ("points", "strengths", "opportunities")
            if part in entry
        }
    return parsed


@role_required(Role.EXPERT)
@require_POST
def sheet_autosave(request, pk: int):
    assignment = _sheet_assignment(request, pk)
    try:
        scores = _parse_autosave(request.body)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"errors": [_("The saved values could not be read.")]}, status=400)
    try:
        sheet = scoring.sheet_save(assignment=assignment, by=request.user, scores=scores, request=request)
    except ValidationError as error:
        return JsonResponse({"errors": _errors(error)}, status=400)
    return JsonResponse(
        {"total": points_text(sheet.total), "saved_at": timezone.localtime(sheet.updated_at).strftime("%H:%M:%S")}
    )


# --- the office ------------------------------------------------------------------------------------------


@role_required(Role.OFFICE_STAFF)
@require_GET
def stages(request):
    rows = (
        EditionStage.objects.select_related("edition__scheme", "stage", "score_sheet")
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__withdrawn_at__isnull=True)),
            submitted=Count(
                "assignments",
                filter=Q(assignments__withdrawn_at__isnull=True, assignments__sheet__state=SheetState.SUBMITTED),
            ),
        )
        .order_by("-edition__year", "edition__scheme__code", "stage__position")
    )
    rows = list(rows)
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
    applications = list(
        Application.objects.filter(
            Q(pk__in=edition_stage_applications(edition_stage).values("pk"))
            | Q(pk__in=Assignment.objects.filter(edition_stage=edition_stage).values("application_id"))
        )
        .select_related("organisation", "individual")
        .order_by("number", "pk")
    )
    assignments = list(
        Assignment.objects.filter(edition_stage=edition_stage)
        .select_related("expert", "declaration", "sheet")
        .order_by("expert__full_name", "pk")
    )
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
            "record_page": RECORD_PAGES.get(edition_stage.stage.kind),
        },
        status=status,
    )


def _edition_stage(pk: int) -> EditionStage:
    return get_object_or_404(EditionStage.objects.select_related("edition__scheme", "stage", "score_sheet"), pk=pk)


@role_required(Role.OFFICE_STAFF)
@require_GET
def board(request, pk: int):
    return _board(request, _edition_stage(pk))


@role_required(Role.OFFICE_STAFF)
@require_POST
def board_assign(request, pk: int):
    edition_stage = _edition_stage(pk)
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
    return get_object_or_404(Edition.objects.select_related("scheme", "rulebook"), pk=edition_id)


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
            "proposed": CandidateProposal.objects.filter(edition=edition).exists(),
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
    lines = list(
        CandidateProposal.objects.filter(edition=edition)
        .select_related("application__organisation", "application__individual", "changed_by")
        .order_by("rank", "application__number", "pk")
    )
    quotas = {(q.scope, q.tier): q for q in Quota.objects.filter(rulebook_id=edition.rulebook_id)}
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
    line = get_object_or_404(CandidateProposal.objects.select_related("edition__scheme", "edition__rulebook"), pk=pk)
    edition = line.edition
    quotas = {(q.scope, q.tier): q for q in Quota.objects.filter(rulebook_id=edition.rulebook_id)}
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
    application = (
        Application.objects.select_related("organisation", "individual")
        .filter(pk=application_id, pk__in=Assignment.objects.filter(edition_stage=edition_stage).values("application"))
        .first()
    )
    if application is None:
        raise Http404
    return application


def _assignments_page(request, edition_stage, application, *, bound=None, status=200):
    """The application's experts at the stage, each with a form to replace them and, for a submitted sheet, one
    to re-open it; `bound` is a refused form, shown again with what was typed."""
    rows = list(
        Assignment.objects.filter(edition_stage=edition_stage, application=application)
        .select_related("expert", "declaration", "sheet", "assigned_by")
        .order_by(F("withdrawn_at").asc(nulls_first=True), "expert__full_name", "pk")
    )
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
    return get_object_or_404(
        Assignment.objects.select_related("edition_stage__edition__scheme", "edition_stage__stage", "sheet"), pk=pk
    )


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
                expert=get_object_or_404(ExpertProfile, pk=form.cleaned_data["expert"]),
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
    overrides = list(
        ConflictOverride.objects.select_related(
            "application__organisation", "application__individual", "expert", "requested_by", "approved_by"
        ).order_by(F("approved_at").desc(nulls_first=True), "-requested_at", "-pk")
    )
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
    override = get_object_or_404(ConflictOverride.objects.select_related("expert", "application"), pk=pk)
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


# --- the group leader: consensus --------------------------------------------------------------------------


def _leader_stage(request, pk: int) -> tuple[EditionStage, ExpertProfile]:
    """The stage, if the user leads (or chairs) a confirmed review body of its edition; else 404, audited."""
    edition_stage = EditionStage.objects.select_related("edition__scheme", "stage", "score_sheet").filter(pk=pk).first()
    expert = ExpertProfile.objects.filter(user=request.user).first()
    if edition_stage is None or expert is None or expert.barred or not leads_a_body(request.user, edition_stage):
        _hidden(request, f"reviews.EditionStage #{pk}: consensus page not open to the user")
    return edition_stage, expert


def _consensus_rows(edition_stage, expert) -> list[dict]:
    """The applications whose scores spread beyond the threshold, except those the leader may not see (a
    conflict not set aside, or a recusal): for them the leader has no standing, and the page says nothing."""
    results = {pk: r for pk, r in stage_results(edition_stage=edition_stage).items() if r.needs_consensus}
    if not results:
        return []
    hidden = {
        pk
        for pk, _e in conflicted_pairs(
            experts=[expert], applications=list(results), same_district=edition_stage.same_district_conflict
        )
    }
    hidden -= set(
        ConflictOverride.objects.filter(expert=expert, approved_by__isnull=False).values_list(
            "application_id", flat=True
        )
    )
    hidden |= set(
        Assignment.objects.filter(
            expert=expert, application_id__in=list(results), declaration__decision=ConflictDecision.RECUSE
        ).values_list("application_id", flat=True)
    )
    applications = Application.objects.select_related("organisation", "individual").filter(
        pk__in=[pk for pk in results if pk not in hidden]
    )
    letters = string.ascii_uppercase
    return [
        {
            "application": application,
            "result": results[application.pk],
            "scores": [
                {"label": _("Expert %(letter)s") % {"letter": letters[i % 26]}, "total": total}
                for i, total in enumerate(sorted(results[application.pk].scores.values(), reverse=True))
            ],
        }
        for application in applications.order_by("number", "pk")
    ]


@role_required(Role.EXPERT)
@require_http_methods(["GET", "POST"])
def consensus(request, pk: int):
    edition_stage, expert = _leader_stage(request, pk)
    rows = _consensus_rows(edition_stage, expert)
    bound = None
    if request.method == "POST":
        try:
            application_id = int(request.POST.get("application", ""))
        except ValueError:
            raise Http404 from None
        row = next((row for row in rows if row["application"].pk == application_id), None)
        if row is None or row["result"].consensus is not None:
            raise Http404
        bound = ConsensusForm(request.POST, prefix=f"consensus-{application_id}")
        if bound.is_valid():
            try:
                consensus_record(
                    edition_stage=edition_stage,
                    application=row["application"],
                    agreed_score=bound.cleaned_data["agreed_score"],
                    rationale=bound.cleaned_data["rationale"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                bound.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The agreed score of %(number)s has been recorded.") % {"number": row["application"].number},
                )
                return redirect("reviews:consensus", pk=edition_stage.pk)
    for row in rows:
        prefix = f"consensus-{row['application'].pk}"
        row["form"] = bound if bound is not None and bound.prefix == prefix else ConsensusForm(prefix=prefix)
    return render(
        request,
        "reviews/consensus.html",
        {"edition_stage": edition_stage, "rows": rows},
        status=400 if bound is not None else 200,
    )


# --- the stages recorded rather than scored: gates, department sign-offs, site visits, defence sessions ------------

# The page that records each kind of stage; the stage list and the board link to it.
RECORD_PAGES = {
    **dict.fromkeys(sorted(GATE_STAGES), "reviews:gate"),
    StageKind.ONSITE_REVIEW: "reviews:visits",
    StageKind.ORAL_DEFENCE: "reviews:defence",
}
_APPLICANT = ("organisation", "individual")


def _stage_of_kind(pk: int, kinds) -> EditionStage:
    """The edition stage if it is of one of `kinds`; any other stage has no such page: 404."""
    return get_object_or_404(
        EditionStage.objects.select_related("edition__scheme", "stage").filter(stage__kind__in=sorted(kinds)), pk=pk
    )


def _posted_pk(request, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None


def _gate_context(edition_stage, user) -> dict:
    """The applications still to record (at the stage, no record yet) and the recorded ones, read-only."""
    records = list(
        GateRecord.objects.filter(edition_stage=edition_stage)
        .select_related("application__organisation", "application__individual", "recorded_by")
        .order_by("application__number", "application_id")
    )
    recorded = {record.application_id for record in records}
    pending = [
        application
        for application in edition_stage_applications(edition_stage).select_related(*_APPLICANT)
        if application.pk not in recorded
    ]
    signed_by_departments = (
        edition_stage.stage.kind == StageKind.QUALIFICATION_CHECK and edition_stage.departments.exists()
    )
    return {
        "edition_stage": edition_stage,
        "pending": pending,
        "records": records,
        "signed_by_departments": signed_by_departments,
        "can_record": has_any_role(user, Role.OFFICE_STAFF, Role.AGENCY_STAFF) and not signed_by_departments,
        "is_survey": edition_stage.stage.kind in SURVEY_STAGES,
    }


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF, Role.QUALIFICATION_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def gate(request, pk: int):
    edition_stage = _stage_of_kind(pk, GATE_STAGES)
    if not can_run_stage(request.user, edition_stage.stage):
        raise PermissionDenied("only the office, the agency or, for a qualification check, its departments")
    context = _gate_context(edition_stage, request.user)
    kind = edition_stage.stage.kind
    bound = None
    if request.method == "POST":
        application_id = _posted_pk(request, "application")
        application = next((a for a in context["pending"] if a.pk == application_id), None)
        if application is None or not context["can_record"]:
            raise Http404
        bound = GateRecordForm(request.POST, kind=kind, prefix=f"gate-{application_id}")
        if bound.is_valid():
            try:
                gate_record(
                    edition_stage=edition_stage,
                    application=application,
                    outcome=bound.cleaned_data["outcome"],
                    note=bound.cleaned_data["note"],
                    score=bound.cleaned_data.get("score"),
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                bound.add_error(None, error)
            else:
                messages.success(
                    request, _("The result of %(number)s has been recorded.") % {"number": _number(application)}
                )
                return redirect("reviews:gate", pk=edition_stage.pk)
    context["rows"] = [
        {
            "application": application,
            "form": bound
            if bound is not None and bound.prefix == f"gate-{application.pk}"
            else GateRecordForm(kind=kind, prefix=f"gate-{application.pk}"),
        }
        for application in context["pending"]
    ]
    return render(request, "reviews/gate.html", context, status=400 if bound is not None else 200)


def _number(application) -> str:
    return application.number or f"#{application.pk}"


def _signoff_page(request, edition_stage, *, bound=None, departments_form=None, status=200):
    departments = [department.name for department in edition_stage.departments.all()]
    pending_ids = set(edition_stage_applications(edition_stage).values_list("pk", flat=True))
    sign_offs = list(
        DepartmentSignOff.objects.filter(edition_stage=edition_stage).select_related("signed_by").order_by("signed_at")
    )
    by_application = defaultdict(dict)
    for sign_off in sign_offs:
        by_application[sign_off.application_id][sign_off.department] = sign_off
    applications = (
        Application.objects.filter(pk__in=pending_ids | set(by_application))
        .select_related(*_APPLICANT)
        .order_by("number", "pk")
    )
    rows = []
    for application in applications:
        prefix = f"signoff-{application.pk}"
        signed = by_application.get(application.pk, {})
        rows.append(
            {
                "application": application,
                "cells": [(name, signed.get(name)) for name in departments],
                "at_stage": application.pk in pending_ids,
                "form": bound
                if bound is not None and bound.prefix == prefix
                else SignOffForm(departments=[n for n in departments if n not in signed], prefix=prefix),
            }
        )
    is_office_user = has_any_role(request.user, Role.OFFICE_STAFF)
    return render(
        request,
        "reviews/signoff.html",
        {
            "edition_stage": edition_stage,
            "departments": departments,
            "rows": rows,
            "can_edit_departments": is_office_user and not sign_offs,
            "departments_form": departments_form or StageDepartmentsForm(initial={"names": "\n".join(departments)}),
        },
        status=status,
    )


@role_required(Role.OFFICE_STAFF, Role.QUALIFICATION_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def signoff(request, pk: int):
    edition_stage = _stage_of_kind(pk, {StageKind.QUALIFICATION_CHECK})
    if request.method == "GET":
        return _signoff_page(request, edition_stage)
    if request.POST.get("action") == "departments":
        form = StageDepartmentsForm(request.POST)
        form.is_valid()  # one optional text field: always valid
        try:
            stage_departments_set(
                edition_stage=edition_stage, names=form.names_list(), by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
            return _signoff_page(request, edition_stage, departments_form=form, status=400)
        messages.success(request, _("The departments that sign off have been saved."))
        return redirect("reviews:signoff", pk=edition_stage.pk)
    application_id = _posted_pk(request, "application")
    application = edition_stage_applications(edition_stage).filter(pk=application_id).first()
    if application is None:
        raise Http404
    departments = list(edition_stage.departments.values_list("name", flat=True))
    bound = SignOffForm(request.POST, departments=departments, prefix=f"signoff-{application_id}")
    if bound.is_valid():
        try:
            department_sign_off(
                edition_stage=edition_stage,
                application=application,
                department=bound.cleaned_data["department"],
                decision=bound.cleaned_data["decision"],
                note=bound.cleaned_data["note"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            bound.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(department)s's decision on %(number)s has been recorded.")
                % {"department": bound.cleaned_data["department"], "number": _number(application)},
            )
            return redirect("reviews:signoff", pk=edition_stage.pk)
    return _signoff_page(request, edition_stage, bound=bound, status=400)


def _visit_form(edition_stage, data=None) -> SiteVisitForm:
    experts = ExpertProfile.objects.filter(
        pk__in=Assignment.objects.filter(edition_stage=edition_stage, withdrawn_at__isnull=True).values("expert_id")
    ).order_by("full_name", "pk")
    return SiteVisitForm(
        data,
        applications=edition_stage_applications(edition_stage).select_related(*_APPLICANT),
        experts=experts,
    )


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_http_methods(["GET", "POST"])
def visits(request, pk: int):
    edition_stage = _stage_of_kind(pk, {StageKind.ONSITE_REVIEW})
    form = _visit_form(edition_stage, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            site_visit_schedule(edition_stage=edition_stage, **arguments, by=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The visit to %(number)s has been scheduled.") % {"number": _number(arguments["application"])},
            )
            return redirect("reviews:visits", pk=edition_stage.pk)
    scheduled = (
        SiteVisit.objects.filter(edition_stage=edition_stage)
        .select_related("application__organisation", "application__individual")
        .prefetch_related(Prefetch("team", queryset=ExpertProfile.objects.order_by("full_name", "pk")))
        .order_by("scheduled_on", "pk")
    )
    return render(
        request,
        "reviews/visits.html",
        {"edition_stage": edition_stage, "form": form, "visits": scheduled},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.OFFICE_STAFF, Role.AGENCY_STAFF)
@require_http_methods(["GET", "POST"])
def defence(request, pk: int):
    edition_stage = _stage_of_kind(pk, {StageKind.ORAL_DEFENCE})
    form = DefenceSessionForm(
        request.POST if request.method == "POST" else None,
        applications=edition_stage_applications(edition_stage).select_related(*_APPLICANT),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = defence_session_schedule(
                edition_stage=edition_stage, **form.service_arguments(), by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The defence session of %(time)s has been scheduled.")
                % {"time": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("reviews:defence", pk=edition_stage.pk)
    sessions = (
        DefenceSession.objects.filter(edition_stage=edition_stage)
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related(*_APPLICANT).order_by("number", "pk"),
            )
        )
        .order_by("starts_at", "pk")
    )
    return render(
        request,
        "reviews/defence.html",
        {"edition_stage": edition_stage, "form": form, "sessions": sessions},
        status=400 if request.method == "POST" else 200,
    )
