"""What every page module of the reviews app shares."""

from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record
from awards.enums import StageKind

from ..stage_records import GATE_STAGES

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


# The page on which each recorded (not scored) stage is kept.
RECORD_PAGES = {
    **dict.fromkeys(sorted(GATE_STAGES), "reviews:gate"),
    StageKind.ONSITE_REVIEW: "reviews:visits",
    StageKind.ORAL_DEFENCE: "reviews:defence",
}
