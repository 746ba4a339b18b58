"""The expert's pages: queue, declaration, application and files, score sheet with autosave, and the group
leader's consensus page.

An expert who may not open an application (not assigned, not declared, recused, or conflicted) gets a 404 on
every page that shows it, its files or its scores, as if it did not exist; the attempt is audited.
"""

import json
import string
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.enums import AuditAction, Role
from accounts.rules import role_required
from accounts.services import audit_record
from applications import formspec

from .. import scoring
from .. import selectors as select
from ..assigning import conflict_declare
from ..conflicts import conflict_reasons
from ..enums import ConflictDecision, SheetState
from ..forms import (
    ConsensusForm,
    DeclarationForm,
    ScoreSheetForm,
    points_text,
)
from ..models import Assignment, EditionStage, ExpertProfile
from ..results import consensus_record, stage_results
from ._common import CONFLICTED, SCORING, SUBMITTED, TO_DECLARE, _declaration, _errors, _hidden, _sheet
from .undertaking import gate as undertaking_gate

# --- reads, scoped to the expert who asks (reviews.selectors); what is not the user's is an audited 404 ---------


def _own_assignment(request, pk: int) -> Assignment:
    assignment = select.expert_assignment(user=request.user, pk=pk)
    if assignment is None:
        _hidden(request, f"reviews.Assignment #{pk} is not a live assignment of the user")
    return assignment


def _openable_application(request, pk: int):
    application = select.expert_application(user=request.user, pk=pk)
    if application is None:
        _hidden(request, f"applications.Application #{pk} is not open to the expert")
    return application


def _sheet_assignment(request, pk: int) -> Assignment:
    """The user's live assignment, declared free of conflict, whose application the user may open; else 404."""
    assignment = select.expert_sheet_assignment(user=request.user, pk=pk)
    if assignment is None:
        _hidden(request, f"reviews.Assignment #{pk}: score sheet not open to the user")
    return assignment


# --- the expert ------------------------------------------------------------------------------------------


@role_required(Role.EXPERT)
@require_GET
def queue(request):
    assignments = list(select.expert_assignments(user=request.user))
    conflicted = select.assignments_conflicted(assignments=assignments)
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
    led = select.editions_led_by(
        user=request.user, edition_ids={group["stage"].edition_id for group in groups.values()}
    )
    # The editions whose undertaking of confidentiality is still to sign (two queries).
    signed = select.undertakings_signed(user=request.user, edition_ids={g["stage"].edition_id for g in groups.values()})
    asking = select.rulebooks_asking_undertaking(
        rulebook_ids={group["stage"].edition.rulebook_id for group in groups.values()}
    )
    for group in groups.values():
        group["leads"] = group["stage"].edition_id in led
        edition = group["stage"].edition
        group["undertaking_article"] = (
            asking.get(edition.rulebook_id, "") if edition.pk not in signed else ""
        )
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
    if blocked := undertaking_gate(request, application.edition):
        return blocked
    assignments = [
        a
        for a in select.expert_assignments(user=request.user, application=application)
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
    file = select.expert_file(user=request.user, pk=pk)
    if file is None:
        _hidden(request, f"applications.ApplicationFile #{pk} is not open to the expert")
    if blocked := undertaking_gate(request, file.application.edition):
        return blocked
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
    items = select.score_items(template=template)
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
    if blocked := undertaking_gate(request, assignment.edition_stage.edition):
        return blocked
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
        comments=sheet.comments if sheet is not None else "",
    )
    errors: list[str] = []
    total = sheet.total if sheet is not None else Decimal(0)
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        saved = False
        try:
            sheet = scoring.sheet_save(
                assignment=assignment,
                by=request.user,
                scores=form.scores(),
                comments=form.comments(),
                request=request,
            )
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
            "window": scoring.sheet_window(assignment=assignment),
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


# --- the group leader: consensus --------------------------------------------------------------------------


def _leader_stage(request, pk: int) -> tuple[EditionStage, ExpertProfile]:
    """The stage, if the user leads (or chairs) a confirmed review body of its edition; else 404, audited."""
    found = select.consensus_stage(user=request.user, pk=pk)
    if found is None:
        _hidden(request, f"reviews.EditionStage #{pk}: consensus page not open to the user")
    return found


def _consensus_rows(edition_stage, expert) -> list[dict]:
    """The applications whose scores spread beyond the threshold, except those the leader may not see (a
    conflict not set aside, or a recusal): for them the leader has no standing, and the page says nothing."""
    results = {pk: r for pk, r in stage_results(edition_stage=edition_stage).items() if r.needs_consensus}
    if not results:
        return []
    applications = select.consensus_applications(edition_stage=edition_stage, expert=expert, application_ids=results)
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
        for application in applications
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
