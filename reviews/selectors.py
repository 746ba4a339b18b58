"""Reads of the reviews app: every read a page of the app makes, already scoped to who asks."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from applications.enums import ApplicationState
from applications.models import Application, ApplicationFile
from awards.enums import SCORED_STAGES, StageKind
from awards.models import Edition, Quota

from .conflicts import conflicted_pairs
from .enums import BARRING_KINDS, ConflictDecision, MemberRole, SheetState
from .models import (
    Assignment,
    CandidateProposal,
    ConflictOverride,
    DefenceSession,
    DepartmentSignOff,
    EditionStage,
    ExpertProfile,
    ExpertTie,
    GateRecord,
    ReviewBody,
    ReviewBodyMember,
    ReviewRules,
    ScoreItem,
    SiteVisit,
    Undertaking,
)
from .results import _leads_a_body as leads_a_body  # the service's own test of standing, so page and service agree


def experts_assignable() -> QuerySet[ExpertProfile]:
    """Experts the office may assign: in the pool (not deactivated by the office), marked available, with an
    active account, and not barred by their credit record (a removal for misconduct bars for good: Zibo art. 21,
    Weihai art. 25, Linyi art. 26).

    Credit records and ties (with the tied units) are prefetched, so ``expert.barred`` and
    ``reviews.conflicts`` read no more rows per expert.
    """
    return (
        ExpertProfile.objects.filter(available=True, deactivated_at__isnull=True, user__is_active=True)
        .exclude(credit_records__kind__in=sorted(BARRING_KINDS))
        .select_related("user", "employer", "district")
        .prefetch_related("credit_records", Prefetch("ties", queryset=ExpertTie.objects.select_related("organisation")))
    )


# Selectors of the review pages (reviews/views/): every read those pages make, keyword-only. The expert's reads are
# scoped to the expert who asks and answer None for what is not theirs (the page turns that into an audited 404);
# the office's and the stage records' pages are guarded by role, and their reads answer 404 for an unknown id.
# `reviews.assigning` imports this module, so its readers are imported inside the functions that use them.

# --- the expert's pages ----------------------------------------------------------------------------------------

_ASSIGNMENT_RELATED = (
    "edition_stage__edition__scheme",
    "edition_stage__stage",
    "edition_stage__score_sheet",
    "application__organisation",
    "application__individual",
    "expert",
    "declaration",
    "sheet",
)
_APPLICANT = ("organisation", "individual")


def expert_assignments(*, user, application=None) -> QuerySet[Assignment]:
    """The user's live (not withdrawn) assignments, with everything the queue shows, in due-date order; with
    `application`, only the assignments to it."""
    rows = Assignment.objects.filter(expert__user=user, withdrawn_at__isnull=True)
    if application is not None:
        rows = rows.filter(application=application)
    return rows.select_related(*_ASSIGNMENT_RELATED).order_by(
        "edition_stage__sheets_due", "edition_stage_id", "application__number", "pk"
    )


def expert_assignment(*, user, pk: int) -> Assignment | None:
    """The user's live assignment `pk`, or None when it is someone else's, withdrawn, or does not exist."""
    return expert_assignments(user=user).filter(pk=pk).first()


def expert_sheet_assignment(*, user, pk: int) -> Assignment | None:
    """The user's live assignment `pk` if it was declared free of conflict and the user may open its application
    now (``assigning.expert_may_open``); else None."""
    from .assigning import expert_may_open

    assignment = expert_assignment(user=user, pk=pk)
    if (
        assignment is None
        or getattr(getattr(assignment, "declaration", None), "decision", None) != ConflictDecision.NO_CONFLICT
        or not expert_may_open(user=user, application=assignment.application)
    ):
        return None
    return assignment


def expert_application(*, user, pk: int) -> Application | None:
    """Application `pk` with its current files, if the user may open it as an expert; else None."""
    from .assigning import expert_may_open

    application = (
        Application.objects.select_related(
            "edition__scheme", "organisation", "individual", "recommender", "current_stage"
        )
        .prefetch_related(
            Prefetch(
                "files", queryset=ApplicationFile.objects.filter(superseded_at__isnull=True).order_by("kind", "pk")
            )
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not expert_may_open(user=user, application=application):
        return None
    return application


def expert_file(*, user, pk: int) -> ApplicationFile | None:
    """Current (not superseded) file `pk`, if the user may open its application as an expert; else None."""
    from .assigning import expert_may_open

    file = (
        ApplicationFile.objects.select_related("application__organisation", "application__individual")
        .filter(pk=pk, superseded_at__isnull=True)
        .first()
    )
    if file is None or not expert_may_open(user=user, application=file.application):
        return None
    return file


def overridden_application_ids(*, expert: ExpertProfile) -> set[int]:
    """Ids of the applications for which an approved override sets the expert's conflict aside."""
    return set(
        ConflictOverride.objects.filter(expert=expert, approved_by__isnull=False).values_list(
            "application_id", flat=True
        )
    )


def assignments_conflicted(*, assignments: list[Assignment]) -> set[int]:
    """Ids of the assignments (all of one expert) whose expert the data now shows conflicted (ties declared since,
    say), unless an approved override sets the conflict aside. A few queries per value of same_district,
    whatever the count."""
    by_flag = defaultdict(list)
    for assignment in assignments:
        by_flag[assignment.edition_stage.same_district_conflict].append(assignment)
    if not by_flag:
        return set()
    expert = assignments[0].expert
    overrides = overridden_application_ids(expert=expert)
    conflicted = set()
    for flag, rows in by_flag.items():
        pairs = conflicted_pairs(experts=[expert], applications=[a.application_id for a in rows], same_district=flag)
        conflicted |= {
            a.pk for a in rows if (a.application_id, expert.pk) in pairs and a.application_id not in overrides
        }
    return conflicted


def editions_led_by(*, user, edition_ids) -> set[int]:
    """Of `edition_ids`, the editions in which the user leads or chairs a confirmed review body (one query)."""
    return set(
        ReviewBodyMember.objects.filter(
            expert__user=user,
            role__in=[MemberRole.LEADER, MemberRole.CHAIR],
            body__confirmed_at__isnull=False,
            body__edition_id__in=set(edition_ids),
        ).values_list("body__edition_id", flat=True)
    )


def score_items(*, template) -> list[ScoreItem]:
    """The items of a score sheet template, top-level and nested, in the sheet's order."""
    return list(ScoreItem.objects.filter(template=template).order_by("position"))


def consensus_stage(*, user, pk: int) -> tuple[EditionStage, ExpertProfile] | None:
    """Edition stage `pk` and the user's expert profile, if the user (not barred) leads or chairs a confirmed
    review body of its edition; else None."""
    edition_stage = EditionStage.objects.select_related("edition__scheme", "stage", "score_sheet").filter(pk=pk).first()
    expert = ExpertProfile.objects.filter(user=user).first()
    if edition_stage is None or expert is None or expert.barred or not leads_a_body(user, edition_stage):
        return None
    return edition_stage, expert


def consensus_applications(*, edition_stage: EditionStage, expert: ExpertProfile, application_ids) -> QuerySet:
    """Of `application_ids`, the applications the leader may see, by number: not those where the data shows the
    leader conflicted (unless an approved override sets it aside), nor those the leader recused from."""
    application_ids = list(application_ids)
    hidden = {
        pk
        for pk, _e in conflicted_pairs(
            experts=[expert], applications=application_ids, same_district=edition_stage.same_district_conflict
        )
    }
    hidden -= overridden_application_ids(expert=expert)
    hidden |= set(
        Assignment.objects.filter(
            expert=expert, application_id__in=application_ids, declaration__decision=ConflictDecision.RECUSE
        ).values_list("application_id", flat=True)
    )
    return (
        Application.objects.select_related(*_APPLICANT)
        .filter(pk__in=[pk for pk in application_ids if pk not in hidden])
        .order_by("number", "pk")
    )


# --- the office's pages --------------------------------------------------------------------------------------


def edition_stages_overview() -> QuerySet[EditionStage]:
    """Every edition stage, newest edition first, with its live assignments and submitted sheets counted in SQL
    (``assigned``, ``submitted``)."""
    return (
        EditionStage.objects.select_related("edition__scheme", "stage", "score_sheet")
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__withdrawn_at__isnull=True)),
            submitted=Count(
                "assignments",
                filter=Q(assignments__withdrawn_at__isnull=True, assignments__sheet__state=SheetState.SUBMITTED),
            ),
        )
        .order_by("-edition__year", "edition__scheme__code", "stage__position")
    )


def edition_stage_for_office(*, pk: int) -> EditionStage:
    """Edition stage `pk` with its edition, scheme, stage and score sheet; 404 if there is none."""
    return get_object_or_404(EditionStage.objects.select_related("edition__scheme", "stage", "score_sheet"), pk=pk)


def board_applications(*, edition_stage: EditionStage) -> QuerySet[Application]:
    """The applications of a stage's board: those in review at the stage and those ever assigned at it."""
    from .assigning import edition_stage_applications

    return (
        Application.objects.filter(
            Q(pk__in=edition_stage_applications(edition_stage).values("pk"))
            | Q(pk__in=Assignment.objects.filter(edition_stage=edition_stage).values("application_id"))
        )
        .select_related(*_APPLICANT)
        .order_by("number", "pk")
    )


def board_assignments(*, edition_stage: EditionStage) -> QuerySet[Assignment]:
    """Every assignment of the stage, withdrawn ones included, with expert, declaration and sheet."""
    return (
        Assignment.objects.filter(edition_stage=edition_stage)
        .select_related("expert", "declaration", "sheet")
        .order_by("expert__full_name", "pk")
    )


def edition_for_office(*, pk: int) -> Edition:
    """Edition `pk` with its scheme and rulebook; 404 if there is none."""
    return get_object_or_404(Edition.objects.select_related("scheme", "rulebook"), pk=pk)


def candidate_list_proposed(*, edition: Edition) -> bool:
    return CandidateProposal.objects.filter(edition=edition).exists()


def candidate_lines(*, edition: Edition) -> QuerySet[CandidateProposal]:
    """The proposed candidate list of the edition, by rank, with applicant and the user who changed a line."""
    return (
        CandidateProposal.objects.filter(edition=edition)
        .select_related("application__organisation", "application__individual", "changed_by")
        .order_by("rank", "application__number", "pk")
    )


def candidate_line_for_office(*, pk: int) -> CandidateProposal:
    """Line `pk` of a candidate list with its edition's scheme and rulebook; 404 if there is none."""
    return get_object_or_404(CandidateProposal.objects.select_related("edition__scheme", "edition__rulebook"), pk=pk)


def rulebook_quotas(*, rulebook_id: int) -> dict[tuple[str, str], Quota]:
    """The rulebook's quotas by (scope, tier)."""
    return {(q.scope, q.tier): q for q in Quota.objects.filter(rulebook_id=rulebook_id)}


def stage_application(*, edition_stage: EditionStage, application_id: int) -> Application:
    """Application `application_id` if it has at least one assignment (live or withdrawn) at the stage; else 404."""
    application = (
        Application.objects.select_related(*_APPLICANT)
        .filter(pk=application_id, pk__in=Assignment.objects.filter(edition_stage=edition_stage).values("application"))
        .first()
    )
    if application is None:
        raise Http404
    return application


def stage_application_assignments(*, edition_stage: EditionStage, application: Application) -> QuerySet[Assignment]:
    """The application's assignments at the stage, live ones first, with expert, declaration, sheet and assigner."""
    return (
        Assignment.objects.filter(edition_stage=edition_stage, application=application)
        .select_related("expert", "declaration", "sheet", "assigned_by")
        .order_by(F("withdrawn_at").asc(nulls_first=True), "expert__full_name", "pk")
    )


def assignment_for_office(*, pk: int) -> Assignment:
    """Assignment `pk` with its stage, edition and sheet; 404 if there is none."""
    return get_object_or_404(
        Assignment.objects.select_related("edition_stage__edition__scheme", "edition_stage__stage", "sheet"), pk=pk
    )


def expert_for_office(*, pk: int) -> ExpertProfile:
    """Expert `pk` of the pool; 404 if there is none."""
    return get_object_or_404(ExpertProfile, pk=pk)


def conflict_overrides() -> QuerySet[ConflictOverride]:
    """Every conflict override, those awaiting approval first, then the newest."""
    return ConflictOverride.objects.select_related(
        "application__organisation", "application__individual", "expert", "requested_by", "approved_by"
    ).order_by(F("approved_at").desc(nulls_first=True), "-requested_at", "-pk")


def conflict_override_for_office(*, pk: int) -> ConflictOverride:
    """Conflict override `pk` with its expert and application; 404 if there is none."""
    return get_object_or_404(ConflictOverride.objects.select_related("expert", "application"), pk=pk)


# --- the stages recorded rather than scored: gates, sign-offs, site visits, defence sessions ---------------------


def edition_stage_of_kind(*, pk: int, kinds) -> EditionStage:
    """Edition stage `pk` if its stage is of one of `kinds`; any other stage has no such page: 404."""
    return get_object_or_404(
        EditionStage.objects.select_related("edition__scheme", "stage").filter(stage__kind__in=sorted(kinds)), pk=pk
    )


def stage_applicants(*, edition_stage: EditionStage) -> QuerySet[Application]:
    """The applications in review at the stage (``assigning.edition_stage_applications``), with their applicant."""
    from .assigning import edition_stage_applications

    return edition_stage_applications(edition_stage).select_related(*_APPLICANT)


def stage_applicant(*, edition_stage: EditionStage, pk: int) -> Application | None:
    """Application `pk` if it is in review at the stage; else None."""
    from .assigning import edition_stage_applications

    return edition_stage_applications(edition_stage).filter(pk=pk).first()


def stage_application_ids(*, edition_stage: EditionStage) -> set[int]:
    from .assigning import edition_stage_applications

    return set(edition_stage_applications(edition_stage).values_list("pk", flat=True))


def gate_records(*, edition_stage: EditionStage) -> list[GateRecord]:
    """The gate's records, by application number, with applicant and recorder."""
    return list(
        GateRecord.objects.filter(edition_stage=edition_stage)
        .select_related("application__organisation", "application__individual", "recorded_by")
        .order_by("application__number", "application_id")
    )


def stage_signed_by_departments(*, edition_stage: EditionStage) -> bool:
    """Is this a qualification check that departments sign off (so the gate page records nothing itself)?"""
    return edition_stage.stage.kind == StageKind.QUALIFICATION_CHECK and edition_stage.departments.exists()


def stage_department_names(*, edition_stage: EditionStage) -> list[str]:
    """The names of the departments that sign off the stage, in their order."""
    return [department.name for department in edition_stage.departments.all()]


def department_sign_offs(*, edition_stage: EditionStage) -> list[DepartmentSignOff]:
    return list(
        DepartmentSignOff.objects.filter(edition_stage=edition_stage).select_related("signed_by").order_by("signed_at")
    )


def applications_with_applicant(*, pks) -> QuerySet[Application]:
    """Applications `pks`, by number, with their applicant (the rows of a stage page, already scoped by the page)."""
    return Application.objects.filter(pk__in=pks).select_related(*_APPLICANT).order_by("number", "pk")


def stage_experts(*, edition_stage: EditionStage) -> QuerySet[ExpertProfile]:
    """The experts with a live assignment at the stage, by name."""
    return ExpertProfile.objects.filter(
        pk__in=Assignment.objects.filter(edition_stage=edition_stage, withdrawn_at__isnull=True).values("expert_id")
    ).order_by("full_name", "pk")


def site_visits(*, edition_stage: EditionStage) -> QuerySet[SiteVisit]:
    """The stage's scheduled visits, by date, with applicant and team."""
    return (
        SiteVisit.objects.filter(edition_stage=edition_stage)
        .select_related("application__organisation", "application__individual")
        .prefetch_related(Prefetch("team", queryset=ExpertProfile.objects.order_by("full_name", "pk")))
        .order_by("scheduled_on", "pk")
    )


def defence_sessions(*, edition_stage: EditionStage) -> QuerySet[DefenceSession]:
    """The stage's defence sessions, by time, with their applications by number."""
    return (
        DefenceSession.objects.filter(edition_stage=edition_stage)
        .prefetch_related(
            Prefetch("applications", queryset=Application.objects.select_related(*_APPLICANT).order_by("number", "pk"))
        )
        .order_by("starts_at", "pk")
    )


# --- the expert pool as the office keeps it (reviews.views.experts) ------------------------------------------


def expert_pool() -> QuerySet[ExpertProfile]:
    """Every expert of the pool, for the office and the auditor, with what the list shows computed in SQL:

    - ``load``: live (not withdrawn) assignments in editions not yet finished, the expert's current work;
    - ``open_sheets``: of those, the ones whose score sheet is not submitted yet;
    - ``is_barred``: a barring credit record exists (``BARRING_KINDS``).
    """
    from django.db.models import Count, Exists, OuterRef, Q

    from awards.enums import EditionStatus

    from .enums import SheetState
    from .models import ExpertCreditRecord

    current = Q(
        assignments__withdrawn_at__isnull=True,
        assignments__edition_stage__edition__status__in=[
            status for status in EditionStatus.values if status != EditionStatus.FINISHED
        ],
    )
    return (
        ExpertProfile.objects.select_related("user", "district", "district__parent")
        .annotate(
            load=Count("assignments", filter=current),
            open_sheets=Count(
                "assignments",
                filter=current & ~Q(assignments__sheet__state=SheetState.SUBMITTED),
            ),
            is_barred=Exists(
                ExpertCreditRecord.objects.filter(expert=OuterRef("pk"), kind__in=sorted(BARRING_KINDS))
            ),
        )
        .order_by("full_name", "pk")
    )


def expert_assignment_history(expert: ExpertProfile):
    """The expert's assignments, newest first, withdrawn ones included, with the stage, edition, application and
    sheet each row shows."""
    from .models import Assignment

    return (
        Assignment.objects.filter(expert=expert)
        .select_related("edition_stage__edition__scheme", "edition_stage__stage", "application", "sheet")
        .order_by("-assigned_at", "-pk")
    )


def expert_tags_in_use() -> dict[str, list[str]]:
    """The fields of expertise and industries already given to experts, sorted, for the forms' suggestions (so
    the office reuses one spelling, which the assignment's matching compares as text)."""
    fields: set[str] = set()
    industries: set[str] = set()
    for expert_fields, expert_industries in ExpertProfile.objects.values_list("fields", "industries"):
        fields.update(str(value).strip() for value in expert_fields or () if str(value).strip())
        industries.update(str(value).strip() for value in expert_industries or () if str(value).strip())
    return {"fields": sorted(fields), "industries": sorted(industries)}


def expert_titles_in_use() -> list[str]:
    return sorted(set(ExpertProfile.objects.exclude(title="").values_list("title", flat=True)))


def accounts_taken(*, usernames=(), phones=()) -> dict[str, set[str]]:
    """Which of these usernames (compared case-insensitively, as the login does) and mobile numbers an account
    already has; the expert import checks a whole file with two queries."""
    from django.db.models.functions import Lower

    from accounts.models import User

    usernames = {name.casefold() for name in usernames if name}
    phones = {phone for phone in phones if phone}
    taken_names = set()
    if usernames:
        rows = User.objects.annotate(folded=Lower("username")).filter(folded__in=usernames)
        taken_names = {name.casefold() for name in rows.values_list("username", flat=True)}
    taken_phones = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True)) if phones else set()
    return {"usernames": taken_names, "phones": taken_phones}


# --- the office's worklist and an application's dossier (reviews.views.worklist, reviews.views.dossier) -------
# The office reads every application; the auditor reads the same, without acting. Anyone else reads none.


def _reads_the_office_lists(user) -> bool:
    from accounts.enums import Role
    from accounts.rules import has_any_role

    return has_any_role(user, Role.OFFICE_STAFF, Role.AUDITOR)


def office_editions(*, user) -> QuerySet[Edition]:
    """The editions whose applications the user may list (for the office and the auditor: all), newest first."""
    if not _reads_the_office_lists(user):
        return Edition.objects.none()
    return Edition.objects.select_related("scheme").order_by("-year", "scheme__code", "-pk")


def worklist_districts(*, user):
    """The districts (or cities, provinces) that recommend at least one application the worklist lists."""
    from accounts.models import District

    return (
        District.objects.filter(pk__in=office_applications(user=user).order_by().values("recommender_id"))
        .select_related("parent")
        .order_by("code")
    )


def office_applications(*, user) -> QuerySet[Application]:
    """Every application the worklist lists: submitted at least once (never a draft, nor a draft withdrawn before it
    was submitted), with what a row shows and the sort keys annotated: ``tier`` (of its line on the proposed
    candidate list; None without one, "" outside the quotas), ``sort_name`` and ``state_order`` (the lifecycle's
    order). One query per page, whatever the number of rows."""
    if not _reads_the_office_lists(user):
        return Application.objects.none()
    tier = CandidateProposal.objects.filter(application=OuterRef("pk")).values("tier")[:1]
    state_order = Case(
        *[When(state=state.value, then=Value(index)) for index, state in enumerate(ApplicationState)],
        output_field=IntegerField(),
    )
    return (
        Application.objects.filter(submitted_at__isnull=False)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("edition__scheme", "organisation", "individual", "recommender__parent", "current_stage")
        .annotate(
            tier=Subquery(tier),
            sort_name=Coalesce("organisation__name", "individual__full_name"),
            state_order=state_order,
        )
    )


def state_counts(applications: QuerySet[Application]) -> dict[str, int]:
    """How many of `applications` are in each state, and "all": one SQL aggregate."""
    counts = {
        row["state"]: row["n"] for row in applications.order_by().values("state").annotate(n=Count("pk")).order_by()
    }
    counts["all"] = sum(counts.values())
    return counts


def office_applications_chosen(*, user, pks) -> QuerySet[Application]:
    """The applications of `pks` the user may list, loaded for the services that move them (their rulebook's
    stages prefetched), in number order."""
    return (
        office_applications(user=user)
        .filter(pk__in=list(pks))
        .select_related("edition__rulebook")
        .prefetch_related("edition__rulebook__stages")
        .order_by("number", "pk")
    )


def edition_recommended(*, user, edition: Edition) -> QuerySet[Application]:
    """The recommended applications of `edition`, waiting for the office to start their review, in number order."""
    from applications.enums import ApplicationState

    return (
        office_applications(user=user)
        .filter(edition=edition, state=ApplicationState.RECOMMENDED)
        .select_related("edition__rulebook")
        .prefetch_related("edition__rulebook__stages")
        .order_by("number", "pk")
    )


def office_application(*, user, pk: int) -> Application:
    """One application for the office's dossier, with its files, history, opinions and rulebook's stages
    prefetched; 404 for an unknown one, or a draft (the office does not see an application before it is
    submitted)."""
    from applications.models import ApplicationTransition, Recommendation

    return get_object_or_404(
        office_applications(user=user)
        .select_related("edition__rulebook", "owner", "organisation__district__parent", "individual__district__parent")
        .prefetch_related(
            "edition__rulebook__stages",
            Prefetch(
                "files",
                queryset=ApplicationFile.objects.filter(superseded_at__isnull=True).select_related("uploaded_by"),
                to_attr="current_files",
            ),
            Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor", "stage")),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("signed_by", "letter", "district__parent"),
            ),
        ),
        pk=pk,
    )


@dataclass
class StageScores:
    """One scored stage of the application: sheets submitted of those assigned, and the result (None before the
    first sheet is in)."""

    edition_stage: EditionStage
    assigned: int
    submitted: int
    result: object = None  # reviews.results.StageResult


@dataclass
class ApplicationReview:
    """What the review recorded about one application: its edition's review stages (each with ``departments``, the
    number of departments that sign it off), scores per scored stage, gate records, sign-offs, site visits, defence
    sessions and its line on the proposed candidate list."""

    edition_stages: list
    scores: list
    gate_records: list
    sign_offs: list
    site_visits: list
    defence_sessions: list
    proposal: CandidateProposal | None

    def edition_stage_of(self, stage) -> EditionStage | None:
        return next((es for es in self.edition_stages if stage is not None and es.stage_id == stage.pk), None)


def application_review(*, application: Application) -> ApplicationReview:
    """The review records of `application` (see ApplicationReview). A fixed number of queries whatever the number
    of sheets, records and history rows: seven, plus two per scored stage with a submitted sheet
    (``reviews.results.stage_results``, which the ranking also reads)."""
    from awards.enums import SCORED_STAGES

    from .results import stage_results

    edition_stages = list(
        EditionStage.objects.filter(edition_id=application.edition_id)
        .select_related("stage", "score_sheet")
        .annotate(departments_count=Count("departments"))
        .order_by("stage__position")
    )
    counts = {
        row["edition_stage"]: row
        for row in Assignment.objects.filter(application=application, withdrawn_at__isnull=True)
        .values("edition_stage")
        .annotate(assigned=Count("pk"), submitted=Count("pk", filter=Q(sheet__state=SheetState.SUBMITTED)))
        .order_by()
    }
    scores = []
    for edition_stage in edition_stages:
        if edition_stage.stage.kind not in SCORED_STAGES:
            continue
        row = counts.get(edition_stage.pk, {"assigned": 0, "submitted": 0})
        result = stage_results(edition_stage=edition_stage).get(application.pk) if row["submitted"] else None
        scores.append(StageScores(edition_stage, row["assigned"], row["submitted"], result))
    return ApplicationReview(
        edition_stages=edition_stages,
        scores=scores,
        gate_records=list(
            GateRecord.objects.filter(application=application)
            .select_related("edition_stage__stage", "recorded_by")
            .order_by("edition_stage__stage__position", "recorded_at")
        ),
        sign_offs=list(
            DepartmentSignOff.objects.filter(application=application)
            .select_related("edition_stage__stage", "signed_by")
            .order_by("edition_stage__stage__position", "signed_at")
        ),
        site_visits=list(
            SiteVisit.objects.filter(application=application)
            .select_related("edition_stage__stage")
            .prefetch_related("team")
            .order_by("scheduled_on")
        ),
        defence_sessions=list(
            DefenceSession.objects.filter(applications=application)
            .select_related("edition_stage__stage")
            .order_by("starts_at")
        ),
        proposal=CandidateProposal.objects.filter(application=application).first(),
    )


# --- the worklists of the qualification departments and the agencies (issue 10, item 5) --------------------------


def _department_stages(department) -> QuerySet[EditionStage]:
    """Qualification-check stages whose list of signing departments names `department` (in its region)."""
    stages = EditionStage.objects.filter(stage__kind=StageKind.QUALIFICATION_CHECK, departments__name=department.name)
    if department.region_id is not None:
        stages = stages.filter(edition__scheme__region_id=department.region_id)
    return stages


def awaiting_signature(user) -> QuerySet[Application]:
    """The applications at a qualification check whose departments include `user`'s own and which it has not
    signed yet, each annotated with `sign_stage_id` (the edition stage to sign on). None for an unbound account."""
    department = user.department
    if department is None:
        return Application.objects.none()
    stage = _department_stages(department).filter(
        edition_id=OuterRef("edition_id"), stage_id=OuterRef("current_stage_id")
    )
    signed = DepartmentSignOff.objects.filter(
        application_id=OuterRef("pk"), edition_stage_id=OuterRef("sign_stage_id"), department=department.name
    )
    return (
        Application.objects.filter(state=ApplicationState.IN_REVIEW, current_stage__kind=StageKind.QUALIFICATION_CHECK)
        .annotate(sign_stage_id=Subquery(stage.values("pk")[:1]))
        .filter(sign_stage_id__isnull=False)
        .exclude(Exists(signed))
        .select_related("edition__scheme", "organisation", "individual", "recommender__parent")
        .order_by("edition_id", "number", "pk")
    )


def agency_stages(user) -> QuerySet[EditionStage]:
    """The edition stages `user`'s agency runs, newest edition first, with the number of applications at each.
    None for an account bound to no agency."""
    if user.agency_id is None:
        return EditionStage.objects.none()
    at_stage = (
        Application.objects.filter(
            edition_id=OuterRef("edition_id"), current_stage_id=OuterRef("stage_id"), state=ApplicationState.IN_REVIEW
        )
        .order_by()
        .values("current_stage_id")
    )
    return (
        EditionStage.objects.filter(run_by_id=user.agency_id)
        .select_related("edition__scheme", "stage")
        .annotate(
            at_stage=Coalesce(
                Subquery(at_stage.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0)
            )
        )
        .order_by("-edition__year", "edition__scheme__code", "stage__position", "pk")
    )


def scored_edition_stage(*, pk: int) -> EditionStage:
    """Edition stage `pk` if experts score it (with what its progress page shows); a gate stage has no progress
    page: 404."""
    return get_object_or_404(
        EditionStage.objects.select_related("edition__scheme", "edition__rulebook", "stage", "closed_by").filter(
            stage__kind__in=sorted(SCORED_STAGES)
        ),
        pk=pk,
    )


def edition_review_bodies(*, edition: Edition) -> QuerySet[ReviewBody]:
    """The review bodies of the edition with their members and experts (two queries, whatever their number)."""
    return (
        ReviewBody.objects.filter(edition=edition)
        .select_related("confirmed_by", "approval_recorded_by", "edition__rulebook", "edition__scheme")
        .prefetch_related(Prefetch("members", queryset=ReviewBodyMember.objects.select_related("expert")))
        .order_by("kind", "name", "pk")
    )


def review_body_for_office(*, edition: Edition, pk) -> ReviewBody:
    """Review body `pk` of the edition; 404 for a body of another edition or none."""
    return get_object_or_404(ReviewBody.objects.filter(edition=edition), pk=pk)


def expert_for_body(*, pk) -> ExpertProfile:
    """Expert `pk` of the pool (whether the expert may sit on a body is the service's question); else 404."""
    return get_object_or_404(ExpertProfile, pk=pk)


def undertaking_edition(*, user, pk: int) -> Edition | None:
    """Edition `pk` if `user` reviews in it: a live assignment of theirs as an expert, or a stage their agency
    runs; else None (the page is a 404)."""
    in_review = Q(review_stages__assignments__expert__user=user, review_stages__assignments__withdrawn_at__isnull=True)
    if getattr(user, "agency_id", None) is not None:
        in_review |= Q(review_stages__run_by_id=user.agency_id)
    return Edition.objects.select_related("scheme", "rulebook").filter(in_review, pk=pk).distinct().first()


def undertakings_signed(*, user, edition_ids) -> set[int]:
    """The editions among `edition_ids` whose undertaking `user` has signed (one query)."""
    return set(Undertaking.objects.filter(user=user, edition_id__in=edition_ids).values_list("edition_id", flat=True))


def rulebooks_asking_undertaking(*, rulebook_ids) -> dict[int, str]:
    """The rulebooks among `rulebook_ids` that ask for an undertaking, with its article (one query)."""
    return dict(
        ReviewRules.objects.filter(rulebook_id__in=rulebook_ids)
        .exclude(undertaking_text="")
        .values_list("rulebook_id", "undertaking_article")
    )


def undertaking_signed(*, user, edition: Edition) -> Undertaking | None:
    return Undertaking.objects.filter(edition=edition, user=user).first()
