"""Stage results: the submitted sheets of a stage aggregated per application (reviews.aggregation), with the
flags the office and the group leader act on, and the consensus record where one was needed."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record

from . import aggregation
from .enums import MemberRole, SheetState
from .models import ConsensusRecord, EditionStage, ReviewBodyMember, ScoreSheet


@dataclass
class StageResult:
    application_id: int
    scores: dict  # expert id -> Decimal total
    mean: Decimal | None = None
    trimmed_mean: Decimal | None = None
    normalised: Decimal | None = None
    outliers: set = field(default_factory=set)
    spread: Decimal | None = None
    needs_consensus: bool = False
    consensus: ConsensusRecord | None = None

    @property
    def final(self) -> Decimal | None:
        """The score the ranking uses: the agreed score where a consensus was recorded, else the normalised
        trimmed mean where the stage normalises, else the trimmed mean."""
        if self.consensus is not None:
            return self.consensus.agreed_score
        return self.normalised if self.normalised is not None else self.trimmed_mean


def stage_results(*, edition_stage: EditionStage) -> dict[int, StageResult]:
    """Every application of the stage with at least one submitted sheet. Two queries, whatever the size."""
    sheets = ScoreSheet.objects.filter(
        assignment__edition_stage=edition_stage, assignment__withdrawn_at__isnull=True, state=SheetState.SUBMITTED
    ).values_list("assignment__application_id", "assignment__expert_id", "total")
    by_application: dict[int, dict] = {}
    by_expert: dict[int, dict] = {}
    for application_id, expert_id, total in sheets:
        by_application.setdefault(application_id, {})[expert_id] = total
        by_expert.setdefault(expert_id, {})[application_id] = total
    normalised = aggregation.normalised_scores(by_expert) if edition_stage.normalise else None
    consensus = {c.application_id: c for c in ConsensusRecord.objects.filter(edition_stage=edition_stage)}
    results = {}
    for application_id, scores in by_application.items():
        values = list(scores.values())
        result = StageResult(application_id=application_id, scores=scores)
        result.mean = aggregation.to_points(aggregation.mean(values))
        result.trimmed_mean = aggregation.to_points(aggregation.trimmed_mean(values))
        result.spread = aggregation.to_points(aggregation.spread(values))
        result.outliers = aggregation.outliers(scores)
        if normalised is not None:
            points = [normalised[expert][application_id] for expert in scores]
            result.normalised = aggregation.to_points(aggregation.trimmed_mean(points))
        if edition_stage.consensus_spread is not None:
            result.needs_consensus = aggregation.needs_consensus(values, max_spread=edition_stage.consensus_spread)
        result.consensus = consensus.get(application_id)
        results[application_id] = result
    return results


def _leads_a_body(user, edition_stage: EditionStage) -> bool:
    return ReviewBodyMember.objects.filter(
        body__edition_id=edition_stage.edition_id,
        body__confirmed_at__isnull=False,
        expert__user=user,
        role__in=[MemberRole.LEADER, MemberRole.CHAIR],
    ).exists()


def consensus_record(*, edition_stage: EditionStage, application, agreed_score, rationale: str, by, request=None):
    """The leader (or chair) of a confirmed review body of the edition records the agreed score of an
    application whose scores spread beyond the stage's threshold. Side effects: inserts the record, audit row."""
    if not _leads_a_body(by, edition_stage):
        audit_record(
            action=AuditAction.PERMISSION_REFUSED,
            result=AuditResult.REFUSED,
            actor=by,
            obj=edition_stage,
            detail="only a group leader records a consensus",
            request=request,
        )
        raise PermissionDenied("only a group leader records a consensus")
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError(_("Write the rationale of the agreed score."))
    try:
        score = Decimal(str(agreed_score)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": agreed_score}) from None
    template = edition_stage.score_sheet
    if template is not None and not (0 <= score <= template.total_points):
        raise ValidationError(_("The agreed score must lie between 0 and %(max)s.") % {"max": template.total_points})
    result = stage_results(edition_stage=edition_stage).get(application.pk)
    if result is None or not result.needs_consensus:
        raise ValidationError(_("The scores of this application do not spread beyond the stage's threshold."))
    with transaction.atomic():
        if (
            ConsensusRecord.objects.select_for_update()
            .filter(edition_stage=edition_stage, application=application)
            .exists()
        ):
            raise ValidationError(_("A consensus has already been recorded for this application at this stage."))
        record = ConsensusRecord.objects.create(
            edition_stage=edition_stage,
            application=application,
            agreed_score=score,
            rationale=rationale,
            recorded_by=by,
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=record, detail=f"agreed score {score}", request=request)
    return record
