"""Score sheets: the expert saves as they go, submits once; the office re-opens with a reason.

Every write checks its permission before the transaction, so that a refusal's audit row is kept.

Stage windows (issue 10, item 3): a sheet is saved or submitted only from the day its stage opens until the
office closes the stage (``reviews.progress.stage_close``). An on-site review sheet is submitted only on or after
the day of the application's site visit, an oral-defence sheet only on or after the day of its defence session;
drafts may be prepared before. Late sheets: after ``sheets_due`` a sheet is still accepted until the stage is
closed (the review cannot rank an application without it), and the lateness goes on the expert's credit record.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult, Role
from accounts.rules import has_any_role
from accounts.services import audit_record
from awards.confirmations import problem as office_value_problem
from awards.confirmations import score_sheet_key
from awards.enums import StageKind

from .enums import ConflictDecision, CreditRecordKind, SheetState
from .models import (
    Assignment,
    DefenceSession,
    EditionStage,
    ExpertCreditRecord,
    ItemScore,
    ScoreItem,
    ScoreSheet,
    SiteVisit,
)
from .undertakings import undertaking_problem


def _refuse(by, obj, reason: str, request=None):
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


@dataclass(frozen=True)
class SheetWindow:
    """Whether a sheet may be saved and submitted today; `reason` says why not and from when, `late_notice` that
    a sheet submitted now is late (and still accepted)."""

    can_save: bool
    can_submit: bool
    reason: str = ""
    late_notice: str = ""

    @property
    def notice(self) -> str:
        return self.reason or self.late_notice


def _event_day(edition_stage: EditionStage, application_id: int) -> tuple[str, date | None] | None:
    """For an on-site review or an oral defence: which event the sheet waits for, and its day (None: not
    scheduled yet). None for the other stages. One query."""
    kind = edition_stage.stage.kind
    if kind == StageKind.ONSITE_REVIEW:
        day = (
            SiteVisit.objects.filter(edition_stage=edition_stage, application_id=application_id)
            .values_list("scheduled_on", flat=True)
            .first()
        )
        return kind, day
    if kind == StageKind.ORAL_DEFENCE:
        starts = (
            DefenceSession.objects.filter(edition_stage=edition_stage, applications__pk=application_id)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        return kind, (timezone.localtime(starts).date() if starts else None)
    return None


def sheet_window(*, assignment: Assignment, today: date | None = None) -> SheetWindow:
    """Whether the expert may save and submit the sheet of `assignment` today (Beijing time).

    Closed stage: neither. Before the stage opens: neither. On-site review before the day of the visit (or with no
    visit scheduled), oral defence before the day of the session (or with none): the draft may be saved, not
    submitted. After the due date, while the stage is open: accepted, marked late (see the module's docstring).
    Reads at most one row (the visit or the session)."""
    edition_stage = assignment.edition_stage
    today = today or timezone.localdate()
    stage_name = edition_stage.stage.get_kind_display()
    if edition_stage.closed_at is not None:
        return SheetWindow(
            can_save=False,
            can_submit=False,
            reason=_("The %(stage)s was closed on %(date)s; it takes no more score sheets.")
            % {"stage": stage_name, "date": edition_stage.closed_on},
        )
    if today < edition_stage.opens:
        return SheetWindow(
            can_save=False,
            can_submit=False,
            reason=_("The %(stage)s opens on %(date)s; the score sheet can be filled in and submitted from then.")
            % {"stage": stage_name, "date": edition_stage.opens.isoformat()},
        )
    event = _event_day(edition_stage, assignment.application_id)
    if event is not None:
        kind, day = event
        reason = ""
        if kind == StageKind.ONSITE_REVIEW and day is None:
            reason = _(
                "The site visit of this application has not been scheduled yet; the score sheet can be submitted "
                "on or after the day of the visit."
            )
        elif kind == StageKind.ONSITE_REVIEW and today < day:
            reason = _("The on-site review is scheduled for %(date)s; the score sheet can be submitted from then.") % {
                "date": day.isoformat()
            }
        elif kind == StageKind.ORAL_DEFENCE and day is None:
            reason = _(
                "No defence session of this application has been scheduled yet; the score sheet can be submitted "
                "on or after the day of the session."
            )
        elif kind == StageKind.ORAL_DEFENCE and today < day:
            reason = _("The oral defence is scheduled for %(date)s; the score sheet can be submitted from then.") % {
                "date": day.isoformat()
            }
        if reason:
            return SheetWindow(can_save=True, can_submit=False, reason=reason)
    late_notice = ""
    if today > edition_stage.sheets_due:
        late_notice = _(
            "The score sheets were due on %(due)s. A late sheet is still accepted until the award office closes "
            "the stage, and it is noted on your credit record."
        ) % {"due": edition_stage.sheets_due.isoformat()}
    return SheetWindow(can_save=True, can_submit=True, late_notice=late_notice)


def sheet_applicability_problem(*, template, rulebook) -> str:
    """Why the stage's sheet cannot be scored on for an edition of `rulebook`: the sheet is not one the rulebook
    uses (its ``rulebooks`` data), or its points are the office's value still unconfirmed (awards.confirmations,
    e.g. the national sheet's 35/35/30, which art. 8 does not give). Empty when it can be. At most two queries."""
    if not template.rulebooks.filter(pk=rulebook.pk).exists():
        return _("The score sheet “%(sheet)s” is not one that %(rulebook)s uses; the office must choose another.") % {
            "sheet": template.name,
            "rulebook": rulebook.title,
        }
    return office_value_problem(rulebook, score_sheet_key(template.code)) or ""


def _comments_problem(sheet: ScoreSheet, edition_stage: EditionStage) -> str:
    """National art. 19 (material review) and 20 (defence): the experts write comments and score."""
    if not sheet.template.requires_comments or sheet.comments.strip():
        return ""
    stage = edition_stage.stage
    return _("%(scheme)s %(article)s: the %(stage)s asks for written comments with the scores; write them.") % {
        "scheme": edition_stage.edition.scheme.name,
        "article": stage.article or edition_stage.edition.rulebook.title,
        "stage": stage.get_kind_display(),
    }


def _is_assigned_expert(by, assignment: Assignment) -> bool:
    return has_any_role(by, Role.EXPERT) and assignment.expert.user_id == by.pk and assignment.withdrawn_at is None


def _declared_no_conflict(assignment: Assignment) -> bool:
    declaration = getattr(assignment, "declaration", None)
    return declaration is not None and declaration.decision == ConflictDecision.NO_CONFLICT


def _parse_points(raw) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw})
    return value.quantize(Decimal("0.01"))


def _band_problem(item: ScoreItem, points: Decimal, bands: list) -> str | None:
    if points < 0 or points > item.points:
        return _("%(code)s %(label)s: %(points)s is outside 0 to %(max)s points.") % {
            "code": item.code,
            "label": item.label,
            "points": points,
            "max": item.points,
        }
    if not bands or item.points == 0:
        return None
    percent = points / item.points * 100
    if any(Decimal(low) <= percent <= Decimal(high) for low, high in bands):
        return None
    allowed = "、".join(f"{low}–{high}%" for low, high in bands)
    return _("%(code)s %(label)s: %(points)s points is %(percent)s%% of the item, outside the bands %(bands)s.") % {
        "code": item.code,
        "label": item.label,
        "points": points,
        "percent": percent.quantize(Decimal("0.1")),
        "bands": allowed,
    }


def sheet_save(*, assignment: Assignment, by, scores: dict, comments: str | None = None, request=None) -> ScoreSheet:
    """Save the expert's draft as it is (missing items are allowed until submission).

    `scores` maps a ScoreItem id to {"points": str|number|None, "strengths": str, "opportunities": str}.
    `comments` (None: left as they are) are the sheet's written comments (评语).
    Refuses: someone other than the assigned expert; an expert who has not declared no conflict; a stage that
    is closed or not yet open (``sheet_window``); an expert who has not signed the edition's undertaking of
    confidentiality (``reviews.undertakings``); a sheet the edition's rulebook does not use or whose points are
    an unconfirmed office value (``sheet_applicability_problem``); a submitted sheet; points outside the item or
    its bands; items of another sheet. Nothing is saved when one value is bad.
    Side effects: creates or updates the sheet and its item rows, recomputes the running total.
    """
    if not _is_assigned_expert(by, assignment):
        _refuse(by, assignment, "not the assigned expert", request)
    if not _declared_no_conflict(assignment):
        raise ValidationError(_("Declare that you have no conflict of interest before scoring."))
    unsigned = undertaking_problem(user=by, edition=assignment.edition_stage.edition)
    if unsigned:
        raise ValidationError(unsigned)
    # A fresh read of the stage's closing: the assignment's copy may be older than the office's close.
    assignment.edition_stage.closed_at = (
        EditionStage.objects.filter(pk=assignment.edition_stage_id).values_list("closed_at", flat=True).first()
    )
    window = sheet_window(assignment=assignment)
    if not window.can_save:
        raise ValidationError(window.reason)
    template = assignment.edition_stage.score_sheet
    if template is None:
        raise ValidationError(_("This stage has no score sheet."))
    reason = sheet_applicability_problem(template=template, rulebook=assignment.edition_stage.edition.rulebook)
    if reason:
        raise ValidationError(reason)
    items = {item.pk: item for item in ScoreItem.objects.filter(template=template)}
    parsed, errors = {}, []
    for key, entry in scores.items():
        item = items.get(int(key))
        if item is None:
            errors.append(_("An item that is not on this score sheet was sent."))
            continue
        try:
            points = _parse_points(entry.get("points"))
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        is_leaf = not any(other.parent_id == item.pk for other in items.values())
        if points is not None and not is_leaf:
            errors.append(_("%(code)s is a category: score its items.") % {"code": item.code})
            continue
        if points is not None:
            problem = _band_problem(item, points, template.bands)
            if problem:
                errors.append(problem)
                continue
        parsed[item.pk] = (points, (entry.get("strengths") or "").strip(), (entry.get("opportunities") or "").strip())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
            assignment=assignment, defaults={"template": template}
        )
        if sheet.state != SheetState.DRAFT:
            raise ValidationError(_("This score sheet has been submitted and is locked."))
        for item_id, (points, strengths, opportunities) in parsed.items():
            ItemScore.objects.update_or_create(
                sheet=sheet,
                item_id=item_id,
                defaults={"points": points, "strengths": strengths, "opportunities": opportunities},
            )
        sheet.total = sum((s.points for s in sheet.scores.all() if s.points is not None), Decimal(0))
        fields = ["total", "updated_at"]
        if comments is not None:
            sheet.comments = comments.strip()
            fields.append("comments")
        sheet.save(update_fields=fields)
    return sheet


def sheet_submit(*, sheet: ScoreSheet, by, request=None) -> ScoreSheet:
    """Submit a complete sheet; it is locked afterwards.

    Refuses, naming them, items without points and (where the sheet asks for them) categories without
    strengths and opportunities for improvement, and a sheet without the written comments its template requires
    (national art. 19, 20, citing the stage's article); a sheet the rulebook does not use or whose points are an
    unconfirmed office value; and outside the stage's window (``sheet_window``: a closed or
    not yet open stage, an on-site review before the visit, an oral defence before the session).
    Side effects: locks the stage row; transition to SUBMITTED, audit row; a sheet submitted after the due date
    (still accepted until the stage is closed) adds a "late sheet" entry to the expert's credit record.
    """
    assignment = sheet.assignment
    if not _is_assigned_expert(by, assignment):
        _refuse(by, sheet, "not the assigned expert", request)
    with transaction.atomic():
        # The stage's row lock queues a submission behind the office closing the stage (and the other way
        # round), so no sheet comes in after the close has counted them.
        edition_stage = (
            EditionStage.objects.select_for_update(of=("self",))
            .select_related("stage", "edition__rulebook", "edition__scheme")
            .get(pk=assignment.edition_stage_id)
        )
        assignment.edition_stage = edition_stage
        window = sheet_window(assignment=assignment)
        if not window.can_submit:
            raise ValidationError(window.reason)
        sheet = ScoreSheet.objects.select_for_update().select_related("template").get(pk=sheet.pk)
        if sheet.state != SheetState.DRAFT:
            raise ValidationError(_("This score sheet has been submitted and is locked."))
        reason = sheet_applicability_problem(template=sheet.template, rulebook=edition_stage.edition.rulebook)
        if reason:
            raise ValidationError(reason)
        items = list(ScoreItem.objects.filter(template=sheet.template).order_by("position"))
        parents = {item.parent_id for item in items if item.parent_id}
        given = {score.item_id: score for score in sheet.scores.all()}
        errors = []
        missing = [
            item.code
            for item in items
            if item.pk not in parents and getattr(given.get(item.pk), "points", None) is None
        ]
        if missing:
            errors.append(_("Score every item: %(items)s.") % {"items": "、".join(missing)})
        if sheet.template.asks_strengths:
            categories = [item for item in items if item.parent_id is None and item.pk in parents] or [
                item for item in items if item.parent_id is None
            ]
            bare = [
                item.code
                for item in categories
                if not (
                    getattr(given.get(item.pk), "strengths", "") and getattr(given.get(item.pk), "opportunities", "")
                )
            ]
            if bare:
                errors.append(
                    _("Write the strengths and the opportunities for improvement of: %(items)s.")
                    % {"items": "、".join(bare)}
                )
        comments_problem = _comments_problem(sheet, edition_stage)
        if comments_problem:
            errors.append(comments_problem)
        if errors:
            raise ValidationError(errors)
        sheet.submit()
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["state", "submitted_at", "updated_at"])
        due = assignment.edition_stage.sheets_due
        if (
            timezone.localdate() > due
            and not ExpertCreditRecord.objects.filter(
                expert=assignment.expert, kind=CreditRecordKind.LATE_SHEET, note__startswith=f"#{sheet.pk} "
            ).exists()
        ):
            # A late sheet goes on the expert's credit record by itself; a re-opened and re-submitted sheet once.
            ExpertCreditRecord.objects.create(
                expert=assignment.expert,
                kind=CreditRecordKind.LATE_SHEET,
                note=f"#{sheet.pk} {assignment.edition_stage}: due {due.isoformat()}, "
                f"submitted {timezone.localdate().isoformat()}",
                recorded_by=by,
            )
        audit_record(
            action=AuditAction.STATE_CHANGE,
            actor=by,
            obj=sheet,
            detail=f"sheet submitted, total {sheet.total}",
            request=request,
        )
    return sheet


def sheet_reopen(*, sheet: ScoreSheet, by, reason: str, request=None) -> ScoreSheet:
    """The office re-opens a submitted sheet with a reason. Side effects: transition to DRAFT, audit row."""
    if not has_any_role(by, Role.OFFICE_STAFF):
        _refuse(by, sheet, "only the office re-opens a score sheet", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the sheet is re-opened."))
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().select_related("assignment__edition_stage").get(pk=sheet.pk)
        edition_stage = sheet.assignment.edition_stage
        if edition_stage.closed_at is not None:
            raise ValidationError(
                _("This stage was closed on %(date)s; its score sheets can no longer be re-opened.")
                % {"date": edition_stage.closed_on}
            )
        if sheet.state != SheetState.SUBMITTED:
            raise ValidationError(_("Only a submitted score sheet can be re-opened."))
        sheet.reopen()
        sheet.reopened_reason = reason[:300]
        sheet.save(update_fields=["state", "reopened_reason", "updated_at"])
        audit_record(
            action=AuditAction.STATE_CHANGE, actor=by, obj=sheet, detail=f"sheet re-opened: {reason}", request=request
        )
    return sheet


def sheets_visible_to_expert(*, user, assignment: Assignment):
    """The other experts' sheets for the same application and stage: none until the user's own is submitted,
    and then only submitted ones."""
    own = ScoreSheet.objects.filter(assignment=assignment, state=SheetState.SUBMITTED).exists()
    if not own or assignment.expert.user_id != user.pk:
        return ScoreSheet.objects.none()
    return ScoreSheet.objects.filter(
        assignment__edition_stage=assignment.edition_stage,
        assignment__application_id=assignment.application_id,
        state=SheetState.SUBMITTED,
    ).exclude(assignment=assignment)
