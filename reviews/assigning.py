"""Assigning experts to applications at a review stage (issue 4, item 5), their conflict declarations and the
office's conflict overrides (item 4), and the reminder sweep before the score sheets are due.

The solvers are pure (``reviews.assignment``); this module reads the stage, builds the problem, writes the rows,
the django-guardian object permissions that let an expert see an application, the audit rows and the mails.

Permission checks and their PERMISSION_REFUSED audit rows happen before any transaction opens, so a refusal's
audit row survives the exception.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from guardian.shortcuts import assign_perm, remove_perm

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import User
from accounts.rules import has_any_role, is_office
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import can_run_stage

from .assignment import AssignmentInfeasible, AssignmentProblem, AssignmentResult, random_draw, solve_optimal
from .conflicts import conflict_reasons, conflicted_pairs
from .enums import AssignmentMethod, ConflictDecision, ConflictReason
from .models import Assignment, ConflictDeclaration, ConflictOverride, EditionStage, ExpertProfile
from .selectors import experts_assignable
from .tasks import send_assigned_mail, send_reminder_mail, send_withdrawn_mail

VIEW_APPLICATION = "applications.view_application"

# Affinity of an expert for an application (see ``_affinity``).
INDUSTRY_MATCH = 10
FIELD_MATCH = 2

# The reminder goes out when the score sheets are due within this many days (today included).
REMIND_DAYS_BEFORE = 2

# Seeds drawn for a random draw when the office gives none; kept in every row and in the audit detail.
_SEED_RANGE = 2**31
_SEED_MAX = 2**63 - 1  # Assignment.draw_seed is a BigIntegerField


def _refuse(by, obj, reason: str, request=None):
    """Audit the refusal, then refuse. Called before any transaction opens, so the audit row survives."""
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def _live() -> Q:
    return Q(withdrawn_at__isnull=True)


def _closed(edition_stage: EditionStage) -> ValidationError:
    return ValidationError(
        _("This stage was closed on %(date)s; no expert is assigned or changed any more.")
        % {"date": edition_stage.closed_on}
    )


# --- what the problem is made of ----------------------------------------------------------------------------


def edition_stage_applications(edition_stage: EditionStage) -> QuerySet[Application]:
    """The applications in review at this stage of this edition, in a stable order (by id)."""
    return Application.objects.filter(
        edition_id=edition_stage.edition_id,
        state=ApplicationState.IN_REVIEW,
        current_stage_id=edition_stage.stage_id,
    ).order_by("pk")


def _industry(application: Application) -> str:
    """The applicant unit's industry; individuals have none (their employer's industry is not recorded)."""
    if application.organisation_id is None:
        return ""
    try:
        return (application.organisation.unit_profile.industry or "").strip()
    except ObjectDoesNotExist:
        return ""


def _affinity(expert: ExpertProfile, industry: str) -> int:
    """How well the expert fits an applicant of `industry`; the assignment maximises the sum.

    INDUSTRY_MATCH when the industry is one of the expert's industries (exact text, as both are picked from the
    same list), plus FIELD_MATCH for every field of expertise that shares a word with the industry: one text
    contains the other ("制造" and "装备制造"). Chinese has no spaces to split words on, so containment is the
    plain rule here; a finer match would need a shared vocabulary of industries and fields. 0 for individuals.
    """
    if not industry:
        return 0
    score = INDUSTRY_MATCH if industry in {str(item).strip() for item in expert.industries} else 0
    folded = industry.casefold()
    for field in expert.fields:
        word = str(field).strip().casefold()
        if word and (word in folded or folded in word):
            score += FIELD_MATCH
    return score


def _approved_overrides(applications, experts) -> set[tuple[int, int]]:
    return set(
        ConflictOverride.objects.filter(
            approved_by__isnull=False, application__in=applications, expert__in=experts
        ).values_list("application_id", "expert_id")
    )


def _recused_pairs(applications, experts) -> set[tuple[int, int]]:
    """An expert who recused for an application is not assigned to it again, at any stage (no override)."""
    return set(
        ConflictDeclaration.objects.filter(
            decision=ConflictDecision.RECUSE,
            assignment__application__in=applications,
            assignment__expert__in=experts,
        ).values_list("assignment__application_id", "assignment__expert_id")
    )


def _load(edition_id: int, experts) -> dict[int, int]:
    """Live assignments per expert in the whole edition.

    ``max_load`` is read as a limit on the expert's open work in an edition: every live assignment of the edition
    counts against it, whatever its stage. (Counting only the stages whose sheets are still open would need the
    score sheets, which are not stored yet.)
    """
    rows = (
        Assignment.objects.filter(_live(), edition_stage__edition_id=edition_id, expert__in=experts)
        .values("expert_id")
        .annotate(n=Count("pk"))
    )
    return {row["expert_id"]: row["n"] for row in rows}


def _problem(edition_stage: EditionStage) -> tuple[AssignmentProblem, dict[int, Application], dict[int, ExpertProfile]]:
    applications = list(edition_stage_applications(edition_stage).select_related("organisation__unit_profile"))
    if not applications:
        raise ValidationError(_("No application is in review at this stage; there is nobody to assign."))
    experts = list(experts_assignable().order_by("pk"))
    load = _load(edition_stage.edition_id, experts)
    conflicts = conflicted_pairs(
        experts=experts, applications=applications, same_district=edition_stage.same_district_conflict
    )
    conflicts = (set(conflicts) - _approved_overrides(applications, experts)) | _recused_pairs(applications, experts)
    affinity = {}
    for application in applications:
        industry = _industry(application)
        for expert in experts:
            score = _affinity(expert, industry)
            if score:
                affinity[(application.pk, expert.pk)] = score
    problem = AssignmentProblem(
        applications=[application.pk for application in applications],
        experts=[expert.pk for expert in experts],
        per_application=edition_stage.experts_per_application,
        capacity={expert.pk: max(expert.max_load - load.get(expert.pk, 0), 0) for expert in experts},
        affinity=affinity,
        conflicts=frozenset(conflicts),
    )
    return (
        problem,
        {application.pk: application for application in applications},
        {expert.pk: expert for expert in experts},
    )


def _infeasible_message(exc: AssignmentInfeasible, applications: dict[int, Application], k: int) -> str:
    if exc.applications:
        numbers = ", ".join(applications[pk].number or f"#{pk}" for pk in exc.applications)
        return ngettext(
            "Application %(numbers)s cannot get %(k)d experts without a conflict and within the experts' load "
            "limits: it needs %(needed)d places, and its eligible experts can offer only %(available)d.",
            "Applications %(numbers)s cannot get %(k)d experts each without a conflict and within the experts' "
            "load limits: they need %(needed)d places, and their eligible experts can offer only %(available)d.",
            len(exc.applications),
        ) % {"numbers": numbers, "k": k, "needed": exc.needed, "available": exc.available}
    return _(
        "The expert pool is too small: %(needed)d places are needed (%(count)d applications × %(k)d experts), "
        "but the experts' load limits leave only %(available)d."
    ) % {"needed": exc.needed, "count": len(applications), "k": k, "available": exc.available}


# --- running a stage ----------------------------------------------------------------------------------------


def _assign(*, edition_stage: EditionStage, method: str, seed: int | None, by: User, request) -> list[Assignment]:
    with transaction.atomic():
        stage = EditionStage.objects.select_for_update().select_related("edition", "stage").get(pk=edition_stage.pk)
        if stage.closed_at is not None:
            raise _closed(stage)
        if Assignment.objects.filter(_live(), edition_stage=stage).exists():
            raise ValidationError(
                _(
                    "Experts are already assigned at this stage. Change single assignments by hand; "
                    "the stage is not assigned a second time."
                )
            )
        problem, applications, experts = _problem(stage)
        try:
            if method == AssignmentMethod.RANDOM:
                result: AssignmentResult = random_draw(problem, seed=seed)
            else:
                result = solve_optimal(problem)
        except AssignmentInfeasible as exc:
            raise ValidationError(_infeasible_message(exc, applications, problem.per_application)) from None
        rows = Assignment.objects.bulk_create(
            [
                Assignment(
                    edition_stage=stage,
                    application_id=application_id,
                    expert_id=expert_id,
                    method=method,
                    draw_seed=seed,
                    assigned_by=by,
                )
                for application_id, expert_id in result.pairs
            ]
        )
        by_expert: dict[int, list[Assignment]] = defaultdict(list)
        for row in rows:
            by_expert[row.expert_id].append(row)
        for expert_id, expert_rows in by_expert.items():
            granted = [applications[row.application_id] for row in expert_rows]
            assign_perm(VIEW_APPLICATION, experts[expert_id].user, granted)
        detail = f"{method}: {len(rows)} assignments, total affinity {result.total_affinity}"
        if seed is not None:
            detail += f", seed {seed}"
        audit_record(action=AuditAction.CREATE, actor=by, obj=stage, detail=detail, request=request)
        for expert_rows in by_expert.values():
            _queue_assigned_mail([row.pk for row in expert_rows])
    return rows


def may_assign(user, edition_stage: EditionStage) -> bool:
    """Who runs the assignment of a stage: the office, or the staff of the third-party agency the office gave the
    stage to (``EditionStage.run_by``), where a rulebook gives the technical review and its experts to a third
    party (Zibo art. 10-11, Linyi art. 8)."""
    if is_office(user):
        return True
    return (
        has_any_role(user, Role.AGENCY_STAFF)
        and edition_stage.run_by_id is not None
        and can_run_stage(user, edition_stage)
    )


def assign_optimal(*, edition_stage: EditionStage, by: User, request=None) -> list[Assignment]:
    """Assign ``experts_per_application`` experts to every application in review at the stage, maximising the
    total affinity (an exact min-cost flow), with no computed conflict (unless an approved override sets it
    aside), no expert who recused for the application, and no expert above their load limit.

    The office, or the agency that runs the stage (``may_assign``). Refuses a closed stage, a stage that already
    has live assignments (change them one by one with ``assignment_replace``) and an infeasible problem (the
    message names the applications and the shortfall).

    Side effects: locks the stage row; inserts one Assignment (method OPTIMAL) per pair; grants each expert the
    django-guardian ``applications.view_application`` permission on their applications; one CREATE audit row for
    the run (count and total affinity); one mail per expert on commit. A refusal appends a PERMISSION_REFUSED
    audit row.
    """
    if not may_assign(by, edition_stage):
        _refuse(by, edition_stage, "only the office or the agency that runs the stage assigns experts", request)
    return _assign(edition_stage=edition_stage, method=AssignmentMethod.OPTIMAL, seed=None, by=by, request=request)


def assign_random(*, edition_stage: EditionStage, seed: int | None, by: User, request=None) -> list[Assignment]:
    """Like ``assign_optimal``, but a recorded random draw (``reviews.assignment.random_draw``) that ignores
    affinity. Without a seed one is drawn from ``secrets``; the seed is stored in every row and in the audit
    detail, and the same seed on the same data reproduces the draw.

    Side effects: as ``assign_optimal`` (method RANDOM, draw_seed set).
    """
    if not may_assign(by, edition_stage):
        _refuse(by, edition_stage, "only the office or the agency that runs the stage assigns experts", request)
    if seed is None:
        seed = secrets.randbelow(_SEED_RANGE)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= _SEED_MAX:
        raise ValidationError(_("The seed must be a whole number from 0 to %(max)d.") % {"max": _SEED_MAX})
    return _assign(edition_stage=edition_stage, method=AssignmentMethod.RANDOM, seed=seed, by=by, request=request)


# --- changing one assignment --------------------------------------------------------------------------------


def _revoke_if_unassigned(expert: ExpertProfile, application_id: int) -> None:
    """Take back the view permission unless the expert still has a live assignment for the application."""
    if not Assignment.objects.filter(_live(), expert=expert, application_id=application_id).exists():
        remove_perm(VIEW_APPLICATION, expert.user, Application.objects.get(pk=application_id))


def _overridden(expert: ExpertProfile, application: Application) -> bool:
    return ConflictOverride.objects.filter(expert=expert, application=application, approved_by__isnull=False).exists()


def _conflicts(expert: ExpertProfile, application: Application, same_district: bool) -> list:
    reasons = (
        []
        if _overridden(expert, application)
        else conflict_reasons(expert=expert, application=application, same_district=same_district)
    )
    if ConflictDeclaration.objects.filter(
        decision=ConflictDecision.RECUSE, assignment__application=application, assignment__expert=expert
    ).exists():
        reasons.append(ConflictReason.RECUSED)
    return reasons


def assignment_replace(
    *, assignment: Assignment, expert: ExpertProfile, reason: str, by: User, request=None
) -> Assignment:
    """Replace the expert of one assignment by hand, with a written reason. Office staff only.

    The new expert must be assignable (available, active, not barred), not conflicted for the application (a
    computed conflict counts unless an approved override sets it aside; a past recusal always counts), not
    already assigned to the application at this stage, and below their load limit.

    A live assignment is withdrawn (kept, with the reason) and replaced. An assignment already withdrawn (an
    expert who recused) can be "replaced" too: its place is filled by a new row, as long as the application has
    fewer live experts at the stage than the stage asks for.

    Refuses a closed stage (its row is locked, so a change waits for a close under way).

    Side effects: locks the assignment and its stage; sets withdrawn_at and withdrawn_reason on a live one;
    removes the old expert's view permission when they have no other live assignment for the application;
    inserts a MANUAL Assignment; grants the new expert the view permission; an UPDATE audit row; mails both
    experts on commit. A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, assignment, "only office staff change assignments", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the assignment is changed."))
    if len(reason) > Assignment._meta.get_field("withdrawn_reason").max_length:
        raise ValidationError(_("The reason is too long; keep it under 300 characters."))
    with transaction.atomic():
        old = (
            Assignment.objects.select_for_update()
            .select_related("edition_stage", "application", "expert__user")
            .get(pk=assignment.pk)
        )
        # The stage's row lock queues a change behind the office closing the stage.
        stage = EditionStage.objects.select_for_update().get(pk=old.edition_stage_id)
        if stage.closed_at is not None:
            raise _closed(stage)
        application = old.application
        new_expert = experts_assignable().filter(pk=expert.pk).first()
        if new_expert is None:
            raise ValidationError(
                _("%(expert)s cannot be assigned: unavailable, inactive or barred from review work.")
                % {"expert": expert}
            )
        if Assignment.objects.filter(_live(), edition_stage=stage, application=application, expert=new_expert).exists():
            raise ValidationError(
                _("%(expert)s is already assigned to this application at this stage.") % {"expert": new_expert}
            )
        reasons = _conflicts(new_expert, application, stage.same_district_conflict)
        if reasons:
            raise ValidationError(
                _("%(expert)s has a conflict of interest with this application: %(reasons)s.")
                % {"expert": new_expert, "reasons": ", ".join(str(ConflictReason(r).label) for r in reasons)}
            )
        load = _load(stage.edition_id, [new_expert]).get(new_expert.pk, 0)
        if load >= new_expert.max_load:
            raise ValidationError(
                _("%(expert)s already has %(load)d assignments in this edition, their limit.")
                % {"expert": new_expert, "load": load}
            )
        if old.withdrawn_at is None:
            old.withdrawn_at = timezone.now()
            old.withdrawn_reason = reason
            old.save(update_fields=["withdrawn_at", "withdrawn_reason"])
            _revoke_if_unassigned(old.expert, application.pk)
            replaced = True
        else:
            live = Assignment.objects.filter(_live(), edition_stage=stage, application=application).count()
            if live >= stage.experts_per_application:
                raise ValidationError(
                    _("This assignment was withdrawn and the application already has its %(k)d experts.")
                    % {"k": stage.experts_per_application}
                )
            replaced = False
        try:
            with transaction.atomic():
                new = Assignment.objects.create(
                    edition_stage=stage,
                    application=application,
                    expert=new_expert,
                    method=AssignmentMethod.MANUAL,
                    assigned_by=by,
                )
        except IntegrityError:  # assigned concurrently
            raise ValidationError(
                _("%(expert)s is already assigned to this application at this stage.") % {"expert": new_expert}
            ) from None
        assign_perm(VIEW_APPLICATION, new_expert.user, application)
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=new,
            detail=f"assignment #{old.pk} ({old.expert}) -> #{new.pk} ({new_expert}): {reason}",
            request=request,
        )
        _queue_assigned_mail([new.pk])
        if replaced:
            _queue_withdrawn_mail(old.pk)
    assignment.withdrawn_at, assignment.withdrawn_reason = old.withdrawn_at, old.withdrawn_reason
    return new


# --- the expert's declaration -------------------------------------------------------------------------------


def conflict_declare(
    *, assignment: Assignment, decision: str, note: str = "", by: User, request=None
) -> ConflictDeclaration:
    """The assigned expert declares, once, before first opening the application: no conflict, or recusal.

    Only the assigned expert may declare. A recusal withdraws the assignment (reason "recused"), takes back the
    view permission unless the expert has another live assignment for the application, and keeps the expert off
    the application at later stages; the office fills the place with ``assignment_replace``.

    Side effects: locks the assignment; inserts the ConflictDeclaration; on recusal saves withdrawn_at and
    withdrawn_reason and may remove the guardian permission; a CREATE audit row. A refusal appends a
    PERMISSION_REFUSED audit row.
    """
    if not (has_any_role(by, Role.EXPERT) and by.pk == assignment.expert.user_id):
        _refuse(by, assignment, "only the assigned expert declares a conflict of interest", request)
    if decision not in ConflictDecision.values:
        raise ValidationError(_("Unknown decision: %(decision)s.") % {"decision": decision})
    note = (note or "").strip()
    if len(note) > ConflictDeclaration._meta.get_field("note").max_length:
        raise ValidationError(_("The note is too long; keep it under 300 characters."))
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().select_related("expert__user").get(pk=assignment.pk)
        if ConflictDeclaration.objects.filter(assignment=locked).exists():
            raise ValidationError(_("You have already declared for this assignment; a declaration is made once."))
        if locked.withdrawn_at is not None:
            raise ValidationError(_("This assignment was withdrawn; there is nothing to declare."))
        declaration = ConflictDeclaration.objects.create(assignment=locked, decision=decision, note=note)
        if decision == ConflictDecision.RECUSE:
            locked.withdrawn_at = timezone.now()
            locked.withdrawn_reason = ConflictReason.RECUSED.value
            locked.save(update_fields=["withdrawn_at", "withdrawn_reason"])
            _revoke_if_unassigned(locked.expert, locked.application_id)
            assignment.withdrawn_at, assignment.withdrawn_reason = locked.withdrawn_at, locked.withdrawn_reason
        audit_record(action=AuditAction.CREATE, actor=by, obj=declaration, detail=decision, request=request)
    return declaration


def expert_may_open(*, user: User, application: Application) -> bool:
    """May `user`, as an expert, open `application` (its pages, files and scores)? Pages give 404 otherwise.

    True only when the user is an active expert, not barred, with a live assignment to the application for which
    they declared no conflict, and the data shows no conflict now (ties may have been declared since the
    assignment) unless an approved override sets it aside.
    """
    if not (user.is_authenticated and user.is_active and has_any_role(user, Role.EXPERT)):
        return False
    try:
        expert = user.expert_profile
    except ObjectDoesNotExist:
        return False
    if expert.barred:
        return False
    assignment = (
        Assignment.objects.filter(
            _live(),
            expert=expert,
            application=application,
            declaration__decision=ConflictDecision.NO_CONFLICT,
        )
        .select_related("edition_stage")
        .order_by("-assigned_at")
        .first()
    )
    if assignment is None:
        return False
    if _overridden(expert, application):
        return True
    return not conflict_reasons(
        expert=expert, application=application, same_district=assignment.edition_stage.same_district_conflict
    )


# --- the office's override ----------------------------------------------------------------------------------


def conflict_override_request(
    *, application: Application, expert: ExpertProfile, reason: str, by: User, request=None
) -> ConflictOverride:
    """Ask to set aside a computed conflict of one expert for one application, with a reason. Office staff only;
    a second office member approves it (``conflict_override_approve``).

    Side effects: inserts the ConflictOverride and a CREATE audit row. A refusal appends a PERMISSION_REFUSED
    audit row.
    """
    if not is_office(by):
        _refuse(by, application, "only office staff request a conflict override", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the conflict should be set aside."))
    with transaction.atomic():
        if ConflictOverride.objects.filter(application=application, expert=expert).exists():
            raise ValidationError(_("An override for this expert and application has already been requested."))
        override = ConflictOverride.objects.create(
            application=application, expert=expert, reason=reason, requested_by=by
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=override, detail=reason, request=request)
    return override


def conflict_override_approve(*, override: ConflictOverride, by: User, request=None) -> ConflictOverride:
    """A second office member approves an override. The requester cannot approve their own request (the
    database refuses it too).

    Side effects: locks the override; saves approved_by and approved_at; an UPDATE audit row. A refusal (wrong
    role, or the requester approving) appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, override, "only office staff approve a conflict override", request)
    if by.pk == override.requested_by_id:
        audit_record(
            action=AuditAction.PERMISSION_REFUSED,
            result=AuditResult.REFUSED,
            actor=by,
            obj=override,
            detail="the requester cannot approve their own conflict override",
            request=request,
        )
        raise ValidationError(_("Another member of the office must approve this override, not the one who asked."))
    with transaction.atomic():
        locked = ConflictOverride.objects.select_for_update().get(pk=override.pk)
        if locked.approved_by_id is not None:
            raise ValidationError(_("This override has already been approved."))
        locked.approved_by = by
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail="approved", request=request)
    override.approved_by, override.approved_at = locked.approved_by, locked.approved_at
    return locked


# --- reminders ----------------------------------------------------------------------------------------------


def remind_due(*, today: date | None = None) -> int:
    """The daily sweep: remind every expert whose score sheet is due within REMIND_DAYS_BEFORE days (not past).

    Takes live assignments of applications still in review at that stage, not yet reminded. Each row is claimed
    with a compare-and-set on ``reminded_at``, so a second run, or a second worker, reminds nobody again.
    Returns how many assignments were reminded.

    Side effects: sets reminded_at; one reminder mail per assignment, queued on commit.
    """
    today = today or timezone.localdate()
    due = (
        Assignment.objects.filter(
            _live(),
            reminded_at__isnull=True,
            edition_stage__sheets_due__gte=today,
            edition_stage__sheets_due__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
            application__state=ApplicationState.IN_REVIEW,
            application__current_stage=F("edition_stage__stage"),
        )
        .exclude(sheet__state="submitted")
        .values_list("pk", flat=True)
    )  # a submitted sheet needs no reminder
    reminded = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Assignment.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=timezone.now())
            if claimed == 1:
                reminded += 1
                _queue_reminder_mail(pk)
    return reminded


# --- mail ---------------------------------------------------------------------------------------------------


def _queue_assigned_mail(assignment_ids: list[int]) -> None:
    transaction.on_commit(lambda: send_assigned_mail.delay(assignment_ids))


def _queue_withdrawn_mail(assignment_id: int) -> None:
    transaction.on_commit(lambda: send_withdrawn_mail.delay(assignment_id))


def _queue_reminder_mail(assignment_id: int) -> None:
    transaction.on_commit(lambda: send_reminder_mail.delay(assignment_id))
