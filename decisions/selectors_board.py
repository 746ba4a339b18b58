"""Reads of the office's decision board: where every candidate of an edition stands, what waits for whom, and the
notice's countdown in working days. A constant number of queries, whatever the number of candidates."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from applications.enums import ApplicationState
from applications.models import Application
from awards.calendar import CalendarError, working_days_between
from awards.enums import StageKind, StagePhase
from awards.models import Edition, Stage

from .enums import ObjectionState
from .models import DecisionStep, Objection, PublicNotice
from .services import APPROVAL_KINDS, STEP_KINDS, tiers_of

S = ApplicationState
DONE, CURRENT, LATER = "done", "current", "later"


@dataclass
class BoardStage:
    stage: Stage
    status: str
    waiting: int = 0
    step: DecisionStep | None = None
    notice: PublicNotice | None = None
    actions: list[str] = field(default_factory=list)


def board_edition(edition_id: int) -> Edition:
    return get_object_or_404(Edition.objects.select_related("scheme", "rulebook"), pk=edition_id)


def board_candidates(edition: Edition) -> list[Application]:
    """Every application of the edition that reached the decision phase, with its open objections counted."""
    open_objections = (
        Objection.objects.filter(entry__application=OuterRef("pk"), state=ObjectionState.OPEN)
        .values("entry__application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    decision_kinds = [s.kind for s in edition.rulebook.stages.all() if s.phase == StagePhase.DECISION]
    rows = list(
        Application.objects.filter(edition=edition)
        .filter(
            Q(state__in=[S.CANDIDATE, S.IN_NOTICE, S.APPROVED, S.AWARDED, S.REVOKED])
            | Q(state=S.NOT_SELECTED, current_stage__kind__in=decision_kinds)
        )
        .select_related("current_stage", "organisation", "individual", "recommender")
        .annotate(open_objections=Coalesce(Subquery(open_objections, output_field=IntegerField()), Value(0)))
        .order_by("category", "number", "pk")
    )
    tiers = tiers_of(edition)
    for row in rows:
        row.tier = tiers.get(row.pk, "award")
    return rows


def notice_countdown(notice: PublicNotice | None, today: date) -> int | None:
    """Working days still to run (0 once ended); None when the calendar cannot say."""
    if notice is None:
        return None
    try:
        return working_days_between(max(today, notice.starts_on), notice.ends_on)
    except CalendarError:
        return None


def board_stages(edition: Edition, candidates: list[Application]) -> list[BoardStage]:
    stages = [s for s in sorted(edition.rulebook.stages.all(), key=lambda s: s.position) if s.phase == "decision"]
    steps = {step.stage_id: step for step in DecisionStep.objects.filter(edition=edition)}
    notices = {n.stage_id: n for n in PublicNotice.objects.filter(edition=edition)}
    waiting: dict[int, int] = {}
    for row in candidates:
        if row.state in (S.CANDIDATE, S.IN_NOTICE, S.APPROVED) and row.current_stage_id:
            waiting[row.current_stage_id] = waiting.get(row.current_stage_id, 0) + 1
    first_waiting = min((s.position for s in stages if waiting.get(s.pk)), default=None)
    result = []
    for stage in stages:
        step, notice = steps.get(stage.pk), notices.get(stage.pk)
        count = waiting.get(stage.pk, 0)
        if stage.kind == StageKind.PUBLIC_NOTICE:
            done = notice is not None and notice.closed_at is not None
        elif stage.kind in APPROVAL_KINDS:
            done = step is not None and not count
        else:
            done = step is not None
        status = DONE if done else CURRENT if first_waiting is not None and stage.position == first_waiting else LATER
        item = BoardStage(stage=stage, status=status, waiting=count, step=step, notice=notice)
        if status == CURRENT:
            item.actions = [_action(stage, step, notice)]
        result.append(item)
    return result


def _action(stage: Stage, step: DecisionStep | None, notice: PublicNotice | None) -> str:
    if stage.kind in STEP_KINDS:
        return "record"
    if stage.kind == StageKind.PUBLIC_NOTICE:
        return "objections" if notice else "publish"
    if stage.kind in APPROVAL_KINDS:
        return "approve" if step else "record_approval"
    return "announce"


def editions_overview():
    """Every edition with how many of its applications are in the decision phase or decided, newest first."""
    decided = [S.CANDIDATE, S.IN_NOTICE, S.APPROVED, S.AWARDED, S.REVOKED]
    return (
        Edition.objects.select_related("scheme")
        .annotate(
            in_decision=Count("applications", filter=Q(applications__state__in=decided[:3])),
            winners=Count("applications", filter=Q(applications__state__in=decided[3:])),
        )
        .order_by("-year", "scheme__id")
    )
