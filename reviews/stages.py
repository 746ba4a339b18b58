"""The office sets up a review stage of an edition: which stage of the rulebook, its dates, how many experts per
application and, for a stage that experts score, which score sheet."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.rules import is_office
from accounts.services import audit_record
from awards.enums import SCORED_STAGES, StageKind

from .models import EditionStage
from .stage_records import GATE_STAGES, default_departments, stage_departments_set

# The stages the review pages run: scored on a sheet (material, on-site, oral defence) or recorded (gates).
REVIEW_STAGES = SCORED_STAGES | GATE_STAGES


def edition_stage_create(
    *, edition, stage, opens, sheets_due, experts_per_application, score_sheet=None, run_by=None, by, request=None
) -> EditionStage:
    """Create the review stage `stage` (a scored or a gate stage of the edition's rulebook) for `edition`.
    Office only.

    Validation is the model's own (``full_clean``: same rulebook, due date not before opening, one row per
    edition and stage, 1 to 30 experts), plus: the stage must be scored or a gate; a scored stage needs its
    score sheet, a gate stage takes none.

    Side effects: inserts the EditionStage and a CREATE audit row; for a qualification check whose rulebook names
    several departments, also the StageDepartment rows (``stage_departments_set``, with its UPDATE audit row). A
    refusal appends a PERMISSION_REFUSED audit row (written before any transaction, so it is kept).
    """
    if not is_office(by):
        audit_record(
            action=AuditAction.PERMISSION_REFUSED,
            result=AuditResult.REFUSED,
            actor=by,
            obj=edition,
            detail="only office staff set up review stages",
            request=request,
        )
        raise PermissionDenied("only office staff set up review stages")
    if stage.kind not in REVIEW_STAGES:
        raise ValidationError({"stage": _("This stage is neither scored nor recorded by the review; choose another.")})
    if stage.kind in SCORED_STAGES and score_sheet is None:
        raise ValidationError({"score_sheet": _("Experts score this stage: choose its score sheet.")})
    if stage.kind not in SCORED_STAGES and score_sheet is not None:
        raise ValidationError(
            {"score_sheet": _("The result of this stage is recorded, not scored on a sheet: leave the sheet empty.")}
        )
    if score_sheet is not None and not score_sheet.rulebooks.filter(pk=edition.rulebook_id).exists():
        raise ValidationError(
            {
                "score_sheet": _("The score sheet “%(sheet)s” is not one that %(rulebook)s uses; choose another.")
                % {"sheet": score_sheet.name, "rulebook": edition.rulebook.title}
            }
        )
    edition_stage = EditionStage(
        edition=edition,
        stage=stage,
        opens=opens,
        sheets_due=sheets_due,
        experts_per_application=experts_per_application,
        score_sheet=score_sheet,
        run_by=run_by,
    )
    edition_stage.full_clean()
    with transaction.atomic():
        edition_stage.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=edition_stage,
            detail=f"review stage {stage.kind}, due {sheets_due.isoformat()}, k={experts_per_application}"
            + (f", run by {run_by.credit_code}" if run_by is not None else ""),
            request=request,
        )
        if stage.kind == StageKind.QUALIFICATION_CHECK and (names := default_departments(stage)):
            stage_departments_set(edition_stage=edition_stage, names=names, by=by, request=request)
    return edition_stage
