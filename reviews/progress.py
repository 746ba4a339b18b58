"""Closing a scored stage (material review, on-site review, oral defence) and moving on the applications that
pass (issue 10, item 2).

The office sees the applications still at the stage against their ranking there (``reviews.results``), chooses
who passes on (the top N, all at or above a score, or by hand) and closes the stage: each chosen application
moves on through ``applications.services.application_pass_stage`` (to the next review stage, or after the last
one onto the candidate list), each other one is "not selected" (``application_not_selected_at_stage``) with the
reason the applicant reads. Where the next stage is the oral defence, those passed on are the defence list
(national benchmark art. 19-20).

One transaction holds the stage's row lock for the whole close, so two office users pressing "close" at once
queue: the second finds the stage closed. Each application moves in its own savepoint through ``bulk_apply``,
whole or not at all; one that may not move is listed with the reason and stays at the stage, which then stays
open. The stage is marked closed once no application is left at it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.bulk import BulkResult, bulk_apply
from accounts.enums import AuditAction, AuditResult, Role
from accounts.rules import has_any_role
from accounts.services import audit_record
from applications import pipeline
from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import can_run_stage
from applications.services import application_not_selected_at_stage, application_pass_stage
from awards.enums import SCORED_STAGES, StageKind, StagePhase

from .assigning import edition_stage_applications
from .enums import SheetState
from .models import Assignment, EditionStage
from .results import StageResult, stage_results


def _points(value: Decimal | None) -> str:
    """Points as a person writes them: 812.5, 790, 0."""
    if value is None:
        return "—"
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".")


@dataclass
class ProgressRow:
    application: Application
    result: StageResult | None
    assigned: int
    submitted: int
    at_stage: bool
    rank: int | None = None
    default_reason: str = ""

    @property
    def pk(self) -> int:
        return self.application.pk

    @property
    def final(self) -> Decimal | None:
        return self.result.final if self.result is not None else None

    @property
    def missing(self) -> int:
        return max(self.assigned - self.submitted, 0)

    @property
    def consensus_pending(self) -> bool:
        return self.result is not None and self.result.needs_consensus and self.result.consensus is None

    @property
    def label(self) -> str:
        return self.application.number or f"#{self.application.pk}"


@dataclass
class StageProgress:
    edition_stage: EditionStage
    rows: list[ProgressRow]
    next_stage: object | None  # awards.Stage, or None after the last stage of the rulebook
    next_edition_stage: EditionStage | None = None  # where the next stage is set up in this edition

    @property
    def at_stage(self) -> list[ProgressRow]:
        return [row for row in self.rows if row.at_stage]

    @property
    def defence_list(self) -> bool:
        """Those passed on go to the oral defence: they are its list (national benchmark art. 19-20)."""
        return self.next_stage is not None and self.next_stage.kind == StageKind.ORAL_DEFENCE

    @property
    def to_candidates(self) -> bool:
        return self.next_stage is None or self.next_stage.phase != StagePhase.REVIEW

    @property
    def missing_sheets(self) -> int:
        return sum(row.missing for row in self.at_stage)

    @property
    def assigned_sheets(self) -> int:
        return sum(row.assigned for row in self.at_stage)

    @property
    def submitted_sheets(self) -> int:
        return sum(min(row.submitted, row.assigned) for row in self.at_stage)

    @property
    def unscored(self) -> list[ProgressRow]:
        return [row for row in self.at_stage if row.final is None]

    @property
    def consensus_pending(self) -> list[ProgressRow]:
        return [row for row in self.at_stage if row.consensus_pending]

    def problems(self) -> list[str]:
        """What is missing for a ranking the office can stand by; closing all the same needs a written reason."""
        problems = []
        if self.missing_sheets:
            problems.append(
                _("%(missing)d of the %(assigned)d score sheets of the applications at this stage are not submitted.")
                % {"missing": self.missing_sheets, "assigned": self.assigned_sheets}
            )
        if self.unscored:
            problems.append(
                _("No submitted score sheet at all: %(numbers)s.")
                % {"numbers": "、".join(row.label for row in self.unscored)}
            )
        if self.consensus_pending:
            problems.append(
                _("The scores spread beyond the stage's threshold and no consensus is recorded: %(numbers)s.")
                % {"numbers": "、".join(row.label for row in self.consensus_pending)}
            )
        return problems


def _rank(rows: list[ProgressRow]) -> None:
    """Competition ranking on the final score (1, 2, 2, 4); rows without a score have no rank."""
    scored = sorted((row for row in rows if row.final is not None), key=lambda row: row.final, reverse=True)
    previous, rank = None, 0
    for position, row in enumerate(scored, start=1):
        if row.final != previous:
            rank, previous = position, row.final
        row.rank = rank


def _default_reason(row: ProgressRow, *, defence_list: bool, count: int) -> str:
    if row.final is None:
        return _("Not passed on to the next stage: no score sheet was submitted.")
    values = {"score": _points(row.final), "rank": row.rank, "count": count}
    if defence_list:
        return _("Not on the defence list: score %(score)s, rank %(rank)s of %(count)s.") % values
    return _("Not passed on to the next stage: score %(score)s, rank %(rank)s of %(count)s.") % values


def _pass_comment(row: ProgressRow, *, defence_list: bool) -> str:
    if row.final is None:
        return _("Passed on by the office's choice, without a score.")
    values = {"score": _points(row.final), "rank": row.rank}
    if defence_list:
        return _("On the defence list: score %(score)s, rank %(rank)s.") % values
    return _("Passed on: score %(score)s, rank %(rank)s.") % values


def stage_progress(*, edition_stage: EditionStage) -> StageProgress:
    """The applications of a scored stage: those still at it and those scored there that have moved on, each with
    its result, its sheets submitted of those assigned, its rank and the default reason if not passed on; the next
    stage and, where it is a review stage set up in the edition, its edition stage.

    Sorted by rank (unscored last), then number. Six queries at most, whatever the number of applications."""
    at_stage_ids = edition_stage_applications(edition_stage).values("pk")
    live = Assignment.objects.filter(edition_stage=edition_stage, withdrawn_at__isnull=True)
    applications = list(
        Application.objects.filter(Q(pk__in=at_stage_ids) | Q(pk__in=live.values("application_id")))
        .select_related("organisation", "individual", "current_stage")
        .order_by("number", "pk")
    )
    counts = {
        row["application_id"]: row
        for row in live.values("application_id").annotate(
            assigned=Count("pk"), submitted=Count("pk", filter=Q(sheet__state=SheetState.SUBMITTED))
        )
    }
    results = stage_results(edition_stage=edition_stage)
    rows = [
        ProgressRow(
            application=application,
            result=results.get(application.pk),
            assigned=counts.get(application.pk, {}).get("assigned", 0),
            submitted=counts.get(application.pk, {}).get("submitted", 0),
            at_stage=application.state == ApplicationState.IN_REVIEW
            and application.current_stage_id == edition_stage.stage_id
            and application.edition_id == edition_stage.edition_id,
        )
        for application in applications
    ]
    _rank(rows)
    following = pipeline.next_stage(edition_stage.edition.rulebook, edition_stage.stage)
    next_edition_stage = (
        EditionStage.objects.filter(edition_id=edition_stage.edition_id, stage=following).first()
        if following is not None and following.phase == StagePhase.REVIEW
        else None
    )
    progress = StageProgress(
        edition_stage=edition_stage, rows=rows, next_stage=following, next_edition_stage=next_edition_stage
    )
    ranked = sum(row.rank is not None for row in rows)
    for row in rows:
        row.default_reason = _default_reason(row, defence_list=progress.defence_list, count=ranked)
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.application.number or "", row.pk))
    return progress


# --- choosing who passes ------------------------------------------------------------------------------------


@dataclass
class Selection:
    passing: set[int] = field(default_factory=set)
    tied: list[ProgressRow] = field(default_factory=list)  # tied at the cut: the office chooses among them


def select_top(progress: StageProgress, count: int) -> Selection:
    """The `count` best-ranked applications at the stage. Where the cut falls inside a tie, the tied ones are
    left for the office to choose (none of them is ticked) and returned in `tied`."""
    ranked = [row for row in progress.at_stage if row.final is not None]
    if count <= 0:
        return Selection()
    if count >= len(ranked):
        return Selection(passing={row.pk for row in ranked})
    cut = ranked[count - 1].final
    if ranked[count].final != cut:
        return Selection(passing={row.pk for row in ranked[:count]})
    tied = [row for row in ranked if row.final == cut]
    return Selection(passing={row.pk for row in ranked if row.final > cut}, tied=tied)


def select_at_or_above(progress: StageProgress, score: Decimal) -> Selection:
    """Every application at the stage whose final score is at or above `score` (a tie is never split)."""
    return Selection(passing={row.pk for row in progress.at_stage if row.final is not None and row.final >= score})


def split_ties(rows: Iterable[ProgressRow], passing: set[int]) -> list[ProgressRow]:
    """The rows whose final score equals that of a row on the other side of the choice."""
    sides: dict[Decimal, set[bool]] = {}
    rows = [row for row in rows if row.final is not None]
    for row in rows:
        sides.setdefault(row.final, set()).add(row.pk in passing)
    return [row for row in rows if len(sides[row.final]) == 2]


# --- closing ------------------------------------------------------------------------------------------------


@dataclass
class StageCloseResult:
    bulk: BulkResult  # items are ProgressRow
    passed: list[ProgressRow]
    not_selected: list[ProgressRow]
    remaining: int  # applications still at the stage after the close (arrived since, or refused)

    @property
    def closed(self) -> bool:
        return self.remaining == 0


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


def may_close(user, edition_stage: EditionStage) -> bool:
    """The office; the staff of the third-party agency that runs this edition stage (``EditionStage.run_by``)."""
    return has_any_role(user, Role.OFFICE_STAFF, Role.AGENCY_STAFF) and can_run_stage(user, edition_stage)


def stage_close(
    *,
    edition_stage: EditionStage,
    decided: Iterable[int],
    passing: Iterable[int],
    reasons: Mapping[int, str] | None = None,
    missing_reason: str = "",
    ties_decided: bool = False,
    by,
    request=None,
) -> StageCloseResult:
    """Close a scored stage: pass on the applications of `passing`, and mark the others of `decided` (the ids the
    office had in view) not selected, each with its reason from `reasons` (the default reason where none is
    given; an empty one is refused for that application).

    Refuses, naming every reason: a stage that is not scored or already closed; missing score sheets, applications
    without any score or with a consensus still to record, unless `missing_reason` says why the office closes all
    the same; a choice that splits applications with the same score, unless `ties_decided` confirms it.
    Applications at the stage that are not in `decided` (they arrived after the page was loaded) are left at the
    stage, which then stays open.

    Side effects: locks the stage row for the whole close; per application the transition with its history,
    audit row and mail (``application_pass_stage`` / ``application_not_selected_at_stage``); once no application
    is left at the stage, sets closed_at, closed_by and closed_note, and an UPDATE audit row. A refusal of the
    user appends a PERMISSION_REFUSED audit row.
    """
    stage = edition_stage.stage
    if not may_close(by, edition_stage):
        _refuse(by, edition_stage, "only the office or the agency closes a review stage", request)
    if stage.kind not in SCORED_STAGES:
        raise ValidationError(
            _("“%(stage)s” is not scored by experts; its results are recorded one by one.")
            % {"stage": stage.get_kind_display()}
        )
    decided = {int(pk) for pk in decided}
    passing = {int(pk) for pk in passing} & decided
    reasons = {int(pk): reason for pk, reason in (reasons or {}).items()}
    missing_reason = (missing_reason or "").strip()
    with transaction.atomic():
        locked = (
            EditionStage.objects.select_for_update(of=("self",))
            .select_related("edition__rulebook", "stage", "closed_by")
            .get(pk=edition_stage.pk)
        )
        if locked.closed_at is not None:
            raise ValidationError(
                _("This stage was closed on %(date)s by %(name)s.")
                % {"date": locked.closed_on, "name": locked.closed_by or "—"}
            )
        progress = stage_progress(edition_stage=locked)
        in_view = [row for row in progress.at_stage if row.pk in decided]
        errors = []
        problems = progress.problems()
        if problems and not missing_reason:
            errors.extend(problems)
            errors.append(_("Wait for them, or write why the stage is closed all the same."))
        split = split_ties(progress.at_stage, passing)
        if split and not ties_decided:
            errors.append(
                _(
                    "The choice separates applications with the same score: %(rows)s. Confirm that you have chosen "
                    "between them."
                )
                % {"rows": "、".join(f"{row.label}（{_points(row.final)}）" for row in split)}
            )
        if errors:
            raise ValidationError(errors)

        def act(row: ProgressRow):
            if row.pk in passing:
                return application_pass_stage(
                    application=row.application,
                    by=by,
                    stage=stage,
                    comment=_pass_comment(row, defence_list=progress.defence_list),
                    request=request,
                )
            return application_not_selected_at_stage(
                application=row.application,
                by=by,
                stage=stage,
                reason=reasons.get(row.pk, row.default_reason),
                request=request,
            )

        result = bulk_apply(in_view, act)
        passed = [row for row in result.done if row.pk in passing]
        not_selected = [row for row in result.done if row.pk not in passing]
        remaining = edition_stage_applications(locked).count()
        if remaining == 0:
            locked.closed_at = timezone.now()
            locked.closed_by = by
            locked.closed_note = missing_reason
            locked.save(update_fields=["closed_at", "closed_by", "closed_note"])
            detail = f"stage closed: {len(passed)} passed on, {len(not_selected)} not selected"
            if problems:
                detail += f"; closed with: {' '.join(problems)} reason: {missing_reason}"
            if split:
                detail += "; ties decided by hand: " + ", ".join(row.label for row in split)
            audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail=detail, request=request)
            edition_stage.closed_at, edition_stage.closed_by = locked.closed_at, by
            edition_stage.closed_note = missing_reason
    return StageCloseResult(bulk=result, passed=passed, not_selected=not_selected, remaining=remaining)


def stage_not_needed(*, edition_stage: EditionStage, application_ids: Iterable[int], by, request=None) -> BulkResult:
    """The office finds a stage the rulebook runs only where needed (national art. 20: a site visit "where doubts
    remain"; the Shandong notice's on-site verification "where needed") not needed for these applications: each
    passes on without it (``application_pass_stage(skipped=True)``, which names the skipped stage in the history).

    Refused for a stage that is not conditional or is closed. Each application moves whole or not at all; those
    no longer at the stage are listed with the reason. Side effects: those of ``application_pass_stage``.
    """
    if not may_close(by, edition_stage):
        _refuse(by, edition_stage, "only the office or the agency decides that a stage is not needed", request)
    stage = edition_stage.stage
    if not stage.conditional:
        raise ValidationError(
            _("“%(stage)s” is not a stage the rulebook runs only where needed; every application goes through it.")
            % {"stage": stage.get_kind_display()}
        )
    if edition_stage.closed_at:
        raise ValidationError(_("This stage is closed."))
    ids = sorted(set(application_ids))
    if not ids:
        raise ValidationError(_("Tick the applications first."))
    applications = list(edition_stage_applications(edition_stage).filter(pk__in=ids))
    found = {application.pk for application in applications}
    result = bulk_apply(
        applications,
        lambda application: application_pass_stage(
            application=application, by=by, stage=stage, skipped=True, request=request
        ),
    )
    for pk in ids:
        if pk not in found:
            result.refused.append((pk, _("not at this stage any more")))
    return result
