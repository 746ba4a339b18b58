"""The office sets up a review stage of an edition: which scored stage of the rulebook, its dates, how many
experts per application and which score sheet."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.rules import is_office
from accounts.services import audit_record
from awards.enums import SCORED_STAGES

from .models import EditionStage


def edition_stage_create(
    *, edition, stage, opens, sheets_due, experts_per_application, score_sheet, by, request=None
) -> EditionStage:
    """Create the review stage `stage` (a scored stage of the edition's rulebook) for `edition`. Office only.

    Validation is the model's own (``full_clean``: same rulebook, due date not before opening, one row per
    edition and stage, 1 to 30 experts), plus: the stage must be one that experts score.

    Side effects: inserts the EditionStage and a CREATE audit row. A refusal appends a PERMISSION_REFUSED audit
    row (written before any transaction, so it is kept).
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
    if stage.kind not in SCORED_STAGES:
        raise ValidationError({"stage": _("Experts do not score this stage; choose a scored stage.")})
    edition_stage = EditionStage(
        edition=edition,
        stage=stage,
        opens=opens,
        sheets_due=sheets_due,
        experts_per_application=experts_per_application,
        score_sheet=score_sheet,
    )
    edition_stage.full_clean()
    with transaction.atomic():
        edition_stage.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=edition_stage,
            detail=f"review stage {stage.kind}, due {sheets_due.isoformat()}, k={experts_per_application}",
            request=request,
        )
    return edition_stage
