"""The stages that are not scored on a sheet (issue 4, item 3): gate results (public-opinion check, the office's
formal or qualification check, Linyi's social satisfaction survey, Zibo's supervision-group opinions), the
qualification departments' sign-offs (Linyi art. 15), on-site visits and oral-defence sessions.

A gate's result moves the application through the lifecycle's own services (``application_pass_stage`` and
``application_fail_stage``), in the same transaction as the record, so a record never exists without its move.
Permission checks and their PERMISSION_REFUSED audit rows happen before any transaction opens, so a refusal's
audit row survives the exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.bulk import BulkResult, bulk_apply
from accounts.enums import AuditAction, AuditResult, Role
from accounts.rules import has_any_role, is_office
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import can_run_stage
from applications.services import application_fail_stage, application_pass_stage
from awards.enums import StageKind
from awards.models import Stage

from .enums import GateOutcome, SignOffDecision
from .models import (
    Assignment,
    DefenceSession,
    DepartmentSignOff,
    EditionStage,
    ExpertProfile,
    GateRecord,
    SiteVisit,
    StageDepartment,
)

# Stages whose result is recorded rather than scored.
GATE_STAGES = frozenset(
    {
        StageKind.PUBLIC_OPINION,
        StageKind.QUALIFICATION_CHECK,
        StageKind.FORMAL_CHECK,
        StageKind.SATISFACTION_SURVEY,
        StageKind.SUPERVISION_OPINIONS,
    }
)
# The supervision group gives opinions the office takes into account (Zibo art. 17); they are not a gate.
NOTED_ONLY_STAGES = frozenset({StageKind.SUPERVISION_OPINIONS})
# The social satisfaction survey records a score (Linyi art. 16).
SURVEY_STAGES = frozenset({StageKind.SATISFACTION_SURVEY})
SURVEY_MIN, SURVEY_MAX = Decimal(0), Decimal(100)

# Where a noted record may still be added: the application is still in the selection.
IN_SELECTION = frozenset({ApplicationState.IN_REVIEW, ApplicationState.CANDIDATE})


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


def _runs_stage(by, stage: EditionStage) -> bool:
    """The office or the agency; a qualification department signs off through ``department_sign_off`` only."""
    return has_any_role(by, Role.OFFICE_STAFF, Role.AGENCY_STAFF) and can_run_stage(by, stage)


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).get(pk=application.pk)


def _not_at_stage(stage: Stage) -> ValidationError:
    return ValidationError(
        _("This application is not at the stage “%(stage)s” any more; reload the page.")
        % {"stage": stage.get_kind_display()}
    )


def _at_stage(application: Application, stage: Stage) -> bool:
    return application.state == ApplicationState.IN_REVIEW and application.current_stage_id == stage.pk


def _label(application: Application) -> str:
    return application.number or f"#{application.pk}"


def _other_edition(edition_stage: EditionStage, application: Application) -> str | None:
    if application.edition_id != edition_stage.edition_id:
        return _("This application belongs to another edition than the stage.")
    return None


def _window_problem(edition_stage: EditionStage, day: date) -> str | None:
    if edition_stage.opens <= day <= edition_stage.sheets_due:
        return None
    return _("%(day)s is outside the stage's dates, %(opens)s to %(due)s.") % {
        "day": day.isoformat(),
        "opens": edition_stage.opens.isoformat(),
        "due": edition_stage.sheets_due.isoformat(),
    }


def _closed_for_records(edition_stage: EditionStage) -> str | None:
    if edition_stage.closed_at is None:
        return None
    return _("This stage was closed on %(date)s; no more results are recorded.") % {"date": edition_stage.closed_on}


def _closed_for_scheduling(edition_stage: EditionStage) -> str | None:
    if edition_stage.closed_at is None:
        return None
    return _("This stage was closed on %(date)s; nothing more is scheduled at it.") % {"date": edition_stage.closed_on}


def _parse_score(raw) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw})
    return value.quantize(Decimal("0.01"))


# --- gates --------------------------------------------------------------------------------------------------


def gate_record(
    *, edition_stage: EditionStage, application: Application, outcome: str, note: str, score=None, by, request=None
) -> GateRecord:
    """Record the result of a gate stage for one application. Office or agency staff.

    PASS moves the application to the next stage (``application_pass_stage``); FAIL disqualifies it with `note`
    as the reason the applicant reads (``application_fail_stage``; the note is required). NOTED only records:
    the supervision group's opinions (Zibo art. 17) accept nothing else and never move the application. The
    satisfaction survey needs a score from 0 to 100; no other stage takes one. A qualification check with
    listed departments is decided by their sign-offs, not here. A closed stage takes no record.

    Side effects: inserts the GateRecord, a CREATE audit row, and the transition with its history, audit and
    mail. A refusal appends a PERMISSION_REFUSED audit row.
    """
    stage = edition_stage.stage
    if not _runs_stage(by, edition_stage):
        _refuse(by, application, "only the office or the agency records a gate stage", request)
    note = (note or "").strip()
    errors = []
    if outcome not in GateOutcome.values:
        errors.append(_("Choose the outcome."))
    if stage.kind not in GATE_STAGES:
        errors.append(
            _("“%(stage)s” is not a stage whose result is recorded; experts score it.")
            % {"stage": stage.get_kind_display()}
        )
    elif stage.kind in NOTED_ONLY_STAGES and outcome != GateOutcome.NOTED:
        errors.append(
            _("“%(stage)s” are taken into account, not passed or failed: record them as noted.")
            % {"stage": stage.get_kind_display()}
        )
    elif stage.kind not in NOTED_ONLY_STAGES and outcome == GateOutcome.NOTED:
        errors.append(_("“%(stage)s” is a gate: record a pass or a fail.") % {"stage": stage.get_kind_display()})
    if outcome == GateOutcome.FAIL and not note:
        errors.append(_("Write the reason the applicant will read."))
    if outcome == GateOutcome.NOTED and not note:
        errors.append(_("Write the opinions."))
    try:
        score = _parse_score(score)
    except ValidationError as error:
        errors.extend(error.messages)
        score = None
    if stage.kind in SURVEY_STAGES:
        if score is None:
            errors.append(_("Enter the survey's score."))
        elif not SURVEY_MIN <= score <= SURVEY_MAX:
            errors.append(
                _("The survey's score must be from %(min)s to %(max)s.") % {"min": SURVEY_MIN, "max": SURVEY_MAX}
            )
    elif score is not None:
        errors.append(_("Only the social satisfaction survey records a score."))
    if stage.kind == StageKind.QUALIFICATION_CHECK and edition_stage.departments.exists():
        errors.append(_("The listed departments sign off this qualification check; their decisions pass or fail it."))
    if problem := _other_edition(edition_stage, application):
        errors.append(problem)
    if problem := _closed_for_records(edition_stage):
        errors = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = _locked(application)
        if GateRecord.objects.filter(edition_stage=edition_stage, application=application).exists():
            raise ValidationError(
                _("A result of “%(stage)s” is already recorded for this application.")
                % {"stage": stage.get_kind_display()}
            )
        if outcome == GateOutcome.NOTED:
            if application.state not in IN_SELECTION:
                raise ValidationError(_("This application is no longer in the selection."))
        elif not _at_stage(application, stage):
            raise _not_at_stage(stage)
        record = GateRecord.objects.create(
            edition_stage=edition_stage,
            application=application,
            outcome=outcome,
            score=score,
            note=note,
            recorded_by=by,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=record,
            detail=f"{stage.kind} {outcome}" + (f", score {score}" if score is not None else ""),
            request=request,
        )
        if outcome == GateOutcome.PASS:
            # The note stays with the record: a pass note is the office's, not a message to the applicant.
            application_pass_stage(application=application, by=by, stage=stage, request=request)
        elif outcome == GateOutcome.FAIL:
            application_fail_stage(application=application, by=by, stage=stage, reason=note, request=request)
    return record


def gate_record_bulk(
    *, edition_stage: EditionStage, outcome: str, entries: Iterable[tuple[Application, str, object]], by, request=None
) -> BulkResult:
    """Record the same `outcome` for several applications of a gate stage, each with its own note (a failure's
    reason) and score: one ``gate_record`` per application through ``bulk_apply``, so each is recorded and moved
    whole or not at all, and the refused ones come back with the reason. Items are the `entries` tuples
    (application, note, score). Side effects: those of ``gate_record``, per application."""

    def record(entry):
        application, note, score = entry
        return gate_record(
            edition_stage=edition_stage,
            application=application,
            outcome=outcome,
            note=note,
            score=score,
            by=by,
            request=request,
        )

    return bulk_apply(list(entries), record)


# --- qualification departments (Linyi art. 15) ------------------------------------------------------------

_TRAILING_REMARK = re.compile(r"[（(][^）)]*[）)]\s*$")


def default_departments(stage: Stage) -> list[str]:
    """The departments the rulebook names for a qualification check, read from the stage's "who acts" text
    (Linyi art. 15: "市发改委、市经信委、…（强市办组织）"). Empty unless it lists several, separated by "、".
    The office copies them into the edition stage with ``stage_departments_set`` and changes them there."""
    if stage.kind != StageKind.QUALIFICATION_CHECK:
        return []
    names = [name.strip() for name in _TRAILING_REMARK.sub("", stage.body or "").split("、")]
    names = [name for name in names if name]
    return names if len(names) > 1 else []


def stage_departments_set(*, edition_stage: EditionStage, names: Iterable[str], by, request=None):
    """The office sets the departments that must sign off the qualification check of `edition_stage`, in order.

    Refused once a department has signed off at this stage (the list decides which sign-offs complete it).
    Side effects: replaces the StageDepartment rows, UPDATE audit row.
    """
    if not is_office(by):
        _refuse(by, edition_stage, "only the office sets the signing departments", request)
    cleaned = []
    for name in names:
        name = (name or "").strip()
        if name and name not in cleaned:
            cleaned.append(name)
    if edition_stage.stage.kind != StageKind.QUALIFICATION_CHECK:
        raise ValidationError(_("Departments sign off only a qualification check."))
    with transaction.atomic():
        edition_stage = EditionStage.objects.select_for_update().get(pk=edition_stage.pk)
        if DepartmentSignOff.objects.filter(edition_stage=edition_stage).exists():
            raise ValidationError(
                _("Departments have already signed off at this stage; the list can no longer change.")
            )
        edition_stage.departments.all().delete()
        rows = StageDepartment.objects.bulk_create(
            StageDepartment(edition_stage=edition_stage, name=name, position=position)
            for position, name in enumerate(cleaned, start=1)
        )
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=edition_stage,
            detail="signing departments: " + "、".join(cleaned),
            request=request,
        )
    return rows


def department_sign_off(
    *,
    edition_stage: EditionStage,
    application: Application,
    department: str,
    decision: str,
    note: str,
    by,
    request=None,
) -> DepartmentSignOff:
    """A qualification department (or the office on its behalf) approves or refuses an application's
    qualification check (Linyi art. 15).

    `department` must be one of the edition stage's StageDepartment names, and each signs once. A department
    account signs only for the department it is bound to (``User.department``, of the scheme's region, matched
    by name); the office may sign for any. When every listed department has approved, the application passes
    the check; one refusal fails it, with the department's note as the reason the applicant reads (the note is
    required for a refusal).

    Side effects: inserts the DepartmentSignOff and a CREATE audit row; on the last approval or a refusal also a
    GateRecord and the transition with its history, audit and mail. A refusal of the user appends a
    PERMISSION_REFUSED audit row.
    """
    stage = edition_stage.stage
    if not has_any_role(by, Role.QUALIFICATION_DEPARTMENT, Role.OFFICE_STAFF):
        _refuse(by, application, "only a qualification department or the office signs off", request)
    department = (department or "").strip()
    if not is_office(by):
        own = by.department
        if own is None:
            _refuse(by, application, "this department account is bound to no department", request)
        if own.name != department or not own.serves(edition_stage.edition.scheme.region_id):
            _refuse(by, application, f"{own} signs only for itself, not for {department or '-'}", request)
    note = (note or "").strip()
    errors = []
    if decision not in SignOffDecision.values:
        errors.append(_("Choose approve or refuse."))
    if stage.kind != StageKind.QUALIFICATION_CHECK:
        errors.append(_("Departments sign off only a qualification check."))
    names = list(edition_stage.departments.values_list("name", flat=True))
    if department not in names:
        errors.append(
            _("%(department)s is not one of the departments that sign off this check: %(names)s.")
            % {"department": department or "—", "names": "、".join(names) or "—"}
        )
    if decision == SignOffDecision.REFUSE and not note:
        errors.append(_("Write the reason the applicant will read."))
    if problem := _other_edition(edition_stage, application):
        errors.append(problem)
    if problem := _closed_for_records(edition_stage):
        errors = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The application's lock queues the departments, so two last approvals cannot both miss each other.
        application = _locked(application)
        if not _at_stage(application, stage):
            raise _not_at_stage(stage)
        if DepartmentSignOff.objects.filter(
            edition_stage=edition_stage, application=application, department=department
        ).exists():
            raise ValidationError(
                _("%(department)s has already signed off this application.") % {"department": department}
            )
        sign_off = DepartmentSignOff.objects.create(
            edition_stage=edition_stage,
            application=application,
            department=department,
            decision=decision,
            note=note,
            signed_by=by,
        )
        audit_record(
            action=AuditAction.CREATE, actor=by, obj=sign_off, detail=f"{department} {decision}", request=request
        )
        if decision == SignOffDecision.REFUSE:
            reason = f"{department}：{note}"
            GateRecord.objects.create(
                edition_stage=edition_stage,
                application=application,
                outcome=GateOutcome.FAIL,
                note=reason,
                recorded_by=by,
            )
            application_fail_stage(application=application, by=by, stage=stage, reason=reason, request=request)
        else:
            approved = set(
                DepartmentSignOff.objects.filter(
                    edition_stage=edition_stage, application=application, decision=SignOffDecision.APPROVE
                ).values_list("department", flat=True)
            )
            if approved >= set(names):
                GateRecord.objects.create(
                    edition_stage=edition_stage,
                    application=application,
                    outcome=GateOutcome.PASS,
                    note=_("Approved by every department: %(names)s.") % {"names": "、".join(names)},
                    recorded_by=by,
                )
                application_pass_stage(application=application, by=by, stage=stage, request=request)
    return sign_off


# --- on-site review and oral defence --------------------------------------------------------------------------


def _checklist(lines) -> list[dict]:
    """[{"item": str, "done": bool}, …] from lines given as texts or as such dicts."""
    cleaned = []
    for line in lines or []:
        if isinstance(line, str):
            item, done = line.strip(), False
        elif isinstance(line, dict):
            item, done = str(line.get("item") or "").strip(), bool(line.get("done", False))
        else:
            item, done = "", False
        if not item:
            raise ValidationError(_("Each line of the checklist needs its item."))
        cleaned.append({"item": item, "done": done})
    return cleaned


def site_visit_schedule(
    *,
    edition_stage: EditionStage,
    application: Application,
    scheduled_on: date,
    place: str,
    team: Iterable[ExpertProfile],
    checklist=(),
    note: str = "",
    by,
    request=None,
) -> SiteVisit:
    """Schedule (or re-schedule) the on-site review of one application. Office or agency staff.

    Refuses, naming every reason: a stage other than an on-site review, a date outside the stage's dates
    (opens to score sheets due), no place, no team, a team member who is not assigned to this application at
    this stage, a bad checklist line, and an application not at the stage.
    Side effects: inserts or updates the SiteVisit and its team, CREATE or UPDATE audit row.
    """
    stage = edition_stage.stage
    if not _runs_stage(by, edition_stage):
        _refuse(by, application, "only the office or the agency schedules a site visit", request)
    team = list(team)
    place = (place or "").strip()
    errors = []
    if stage.kind != StageKind.ONSITE_REVIEW:
        errors.append(_("Site visits belong to an on-site review stage."))
    if problem := _window_problem(edition_stage, scheduled_on):
        errors.append(problem)
    if not place:
        errors.append(_("Enter the place of the visit."))
    if not team:
        errors.append(_("Name the experts of the team."))
    assigned = set(
        Assignment.objects.filter(
            edition_stage=edition_stage, application_id=application.pk, withdrawn_at__isnull=True
        ).values_list("expert_id", flat=True)
    )
    strangers = [expert.full_name for expert in team if expert.pk not in assigned]
    if strangers:
        errors.append(_("Not assigned to this application at this stage: %(names)s.") % {"names": "、".join(strangers)})
    try:
        checklist = _checklist(checklist)
    except ValidationError as error:
        errors.extend(error.messages)
    if problem := _other_edition(edition_stage, application):
        errors.append(problem)
    if problem := _closed_for_scheduling(edition_stage):
        errors = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = _locked(application)
        if not _at_stage(application, stage):
            raise _not_at_stage(stage)
        visit, created = SiteVisit.objects.update_or_create(
            edition_stage=edition_stage,
            application=application,
            defaults={
                "scheduled_on": scheduled_on,
                "place": place,
                "checklist": checklist,
                "note": (note or "").strip(),
                "scheduled_by": by,
            },
        )
        visit.team.set(team)
        audit_record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=by,
            obj=visit,
            detail=f"site visit {scheduled_on.isoformat()}, team {sorted(expert.pk for expert in team)}",
            request=request,
        )
    return visit


def defence_session_schedule(
    *,
    edition_stage: EditionStage,
    starts_at: datetime,
    place: str,
    applications: Iterable[Application],
    note: str = "",
    by,
    request=None,
) -> DefenceSession:
    """Schedule a session of the oral defence for several applications. Office or agency staff.

    Refuses, naming every reason: a stage other than an oral defence, a time without a time zone or on a day
    outside the stage's dates, no place, no application, applications not at the stage, and applications
    already in another session of the stage.
    Side effects: inserts the DefenceSession and its applications, CREATE audit row.
    """
    stage = edition_stage.stage
    if not _runs_stage(by, edition_stage):
        _refuse(by, edition_stage, "only the office or the agency schedules a defence session", request)
    place = (place or "").strip()
    ids = sorted({application.pk for application in applications})
    errors = []
    if stage.kind != StageKind.ORAL_DEFENCE:
        errors.append(_("Defence sessions belong to an oral-defence stage."))
    if timezone.is_naive(starts_at):
        errors.append(_("Give the session's starting time with its time zone."))
    elif problem := _window_problem(edition_stage, timezone.localtime(starts_at).date()):
        errors.append(problem)
    if not place:
        errors.append(_("Enter the place of the session."))
    if not ids:
        errors.append(_("Choose the applications heard in this session."))
    if problem := _closed_for_scheduling(edition_stage):
        errors = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = list(Application.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
        away = [
            _label(application)
            for application in locked
            if application.edition_id != edition_stage.edition_id or not _at_stage(application, stage)
        ]
        if away:
            raise ValidationError(
                _("Not at the stage “%(stage)s” of this edition: %(numbers)s.")
                % {"stage": stage.get_kind_display(), "numbers": ", ".join(away)}
            )
        # Several sessions may hear different applications; one application is heard once per stage.
        heard = set(
            DefenceSession.applications.through.objects.filter(
                defencesession__edition_stage=edition_stage, application_id__in=ids
            ).values_list("application_id", flat=True)
        )
        taken = [_label(application) for application in locked if application.pk in heard]
        if taken:
            raise ValidationError(
                _("Already in another session of this stage: %(numbers)s.") % {"numbers": ", ".join(taken)}
            )
        session = DefenceSession.objects.create(
            edition_stage=edition_stage, starts_at=starts_at, place=place, note=(note or "").strip(), scheduled_by=by
        )
        session.applications.set(locked)
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=session,
            detail=f"defence session {timezone.localtime(starts_at):%Y-%m-%d %H:%M}, applications {ids}",
            request=request,
        )
    return session
