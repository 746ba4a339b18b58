"""Every read the aftercare pages use, already scoped to the user who asks: someone else's round, evaluation,
group or event is a 404, not a 403 that admits it exists."""

from django.db.models import Count, Q
from django.http import Http404

from accounts.enums import Role
from accounts.rules import has_any_role
from applications.enums import ApplicationState
from applications.models import Application

from .enums import ASSESSED_STATES, Attendance
from .models import (
    Evaluation,
    EvaluationRound,
    MisconductReport,
    SharingEvent,
    SharingInvitation,
    StaffRemovalRule,
    SupervisionGroup,
    SupervisionMember,
    SupervisionOpinion,
    SupervisionRule,
)
from .rules import Rotation, is_office, rotation_check

_APPLICANT = ("edition", "edition__scheme", "organisation", "individual")


# --- holders --------------------------------------------------------------------------------------------------


def current_holders(scheme):
    """The scheme's holders today: awards of its editions in state AWARDED and not revoked."""
    return (
        Application.objects.filter(edition__scheme=scheme, state=ApplicationState.AWARDED, revoked_on__isnull=True)
        .select_related(*_APPLICANT)
        .order_by("edition__year", "number", "id")
    )


def _own_applications_q(user, prefix: str = "") -> Q:
    """The applications `user` answers for as a holder (mirrors applications.rules.is_applicant_of)."""
    if not has_any_role(user, Role.APPLICANT):
        return Q(pk__in=[])
    own = Q(**{f"{prefix}owner": user})
    if user.organisation_id:
        own |= Q(**{f"{prefix}organisation_id": user.organisation_id})
    return own


def holders_for_office(user):
    """All current holders of every scheme, with their sharing record counted in the same query."""
    if not is_office(user):
        raise Http404
    return (
        Application.objects.filter(state=ApplicationState.AWARDED, revoked_on__isnull=True)
        .select_related(*_APPLICANT)
        .annotate(**_sharing_counts("sharing_invitations__"))
        .order_by("edition__scheme_id", "edition__year", "number", "id")
    )


def holder_for_office(user, application_id: int) -> Application:
    """An award, current or revoked, as the office's holder page shows it."""
    if not is_office(user):
        raise Http404
    try:
        return Application.objects.select_related(*_APPLICANT).get(
            pk=application_id, state__in=[ApplicationState.AWARDED, ApplicationState.REVOKED]
        )
    except Application.DoesNotExist:
        raise Http404 from None


def _sharing_counts(prefix: str) -> dict:
    field = f"{prefix}attendance"
    return {
        "invited_count": Count(f"{prefix}id", distinct=True),
        "attended_count": Count(f"{prefix}id", filter=Q(**{field: Attendance.ATTENDED}), distinct=True),
        "excused_count": Count(f"{prefix}id", filter=Q(**{field: Attendance.EXCUSED}), distinct=True),
        "absent_count": Count(f"{prefix}id", filter=Q(**{field: Attendance.ABSENT}), distinct=True),
    }


def sharing_record(application) -> dict:
    """A holder's record of experience-sharing events, so that "long-term refusal to share" (Weihai art. 27 (7),
    art. 28 (6)) rests on data: how many events they were invited to, attended, were excused from and missed
    without excuse, and how many are not recorded yet; with the dates of the absences, newest first.

    Returns {"invited", "attended", "excused", "absent", "pending": int, "absent_on": [date, ...]}.
    """
    counts = SharingInvitation.objects.filter(application=application).aggregate(**_sharing_counts(""))
    absent_on = list(
        SharingInvitation.objects.filter(application=application, attendance=Attendance.ABSENT)
        .order_by("-event__held_on")
        .values_list("event__held_on", flat=True)
    )
    record = {
        "invited": counts["invited_count"],
        "attended": counts["attended_count"],
        "excused": counts["excused_count"],
        "absent": counts["absent_count"],
    }
    record["pending"] = record["invited"] - record["attended"] - record["excused"] - record["absent"]
    record["absent_on"] = absent_on
    return record


# --- periodic evaluation --------------------------------------------------------------------------------------


def rounds_for(user):
    """The office sees every round; a named evaluator the rounds they are on; anyone else none."""
    rounds = EvaluationRound.objects.select_related("scheme").annotate(
        evaluation_count=Count("evaluations", distinct=True),
        reported_count=Count("evaluations", filter=Q(evaluations__reported_at__isnull=False), distinct=True),
        assessed_count=Count("evaluations", filter=Q(evaluations__state__in=sorted(ASSESSED_STATES)), distinct=True),
        failed_count=Count("evaluations", filter=Q(evaluations__state="failed"), distinct=True),
    )
    if is_office(user):
        return rounds
    if not user.is_authenticated:
        return rounds.none()
    return rounds.filter(evaluators=user)


def round_for(user, pk: int) -> EvaluationRound:
    try:
        return rounds_for(user).get(pk=pk)
    except EvaluationRound.DoesNotExist:
        raise Http404 from None


def round_evaluations(evaluation_round):
    return (
        evaluation_round.evaluations.select_related(*(f"application__{name}" for name in _APPLICANT), "case")
        .prefetch_related("assessments")
        .order_by("application__number", "id")
    )


def _evaluations():
    return Evaluation.objects.select_related(
        "round", "round__scheme", *(f"application__{name}" for name in _APPLICANT), "case", "assessed_by"
    ).prefetch_related("assessments")


def evaluation_for_holder(user, pk: int) -> Evaluation:
    try:
        return _evaluations().filter(_own_applications_q(user, "application__")).get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


def evaluation_for_evaluator(user, pk: int) -> Evaluation:
    evaluations = _evaluations()
    if not is_office(user):
        if not user.is_authenticated:
            raise Http404
        evaluations = evaluations.filter(round__evaluators=user)
    try:
        return evaluations.get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


def evaluation_for_file(user, pk: int) -> Evaluation:
    """The holder, the round's evaluators and the office may read a self-report's file."""
    visible = _own_applications_q(user, "application__")
    if is_office(user):
        visible = Q()
    elif user.is_authenticated:
        visible |= Q(round__evaluators=user)
    try:
        return Evaluation.objects.filter(visible).distinct().get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


def evaluations_of_holder(application):
    return (
        Evaluation.objects.filter(application=application)
        .select_related("round", "case")
        .prefetch_related("assessments")
        .order_by("-round__launched_at", "-id")
    )


# --- supervision group ----------------------------------------------------------------------------------------


def groups_for_office(user):
    """Editions with their group (if any) and its counts, for the office's list."""
    from awards.models import Edition

    if not is_office(user):
        raise Http404
    return (
        Edition.objects.select_related("scheme", "supervision_group")
        .annotate(
            member_count=Count("supervision_group__members", distinct=True),
            unanswered_count=Count(
                "supervision_group__opinions",
                filter=Q(supervision_group__opinions__answered_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("scheme_id", "-year")
    )


def edition_for_group(user, edition_id: int):
    """The edition whose group page `user` may open: the office any edition, a member only their group's."""
    from awards.models import Edition

    editions = Edition.objects.select_related("scheme", "rulebook")
    if not is_office(user):
        if not user.is_authenticated:
            raise Http404
        editions = editions.filter(supervision_group__members__user=user)
    try:
        return editions.distinct().get(pk=edition_id)
    except Edition.DoesNotExist:
        raise Http404 from None


def group_of(edition) -> SupervisionGroup | None:
    try:
        return SupervisionGroup.objects.select_related("confirmed_by").get(edition=edition)
    except SupervisionGroup.DoesNotExist:
        return None


def group_members(group):
    return group.members.select_related("user").order_by("kind", "id")


def group_opinions(group, *, member=None):
    opinions = group.opinions.select_related("member", "answered_by").order_by("filed_at", "id")
    return opinions.filter(member=member) if member is not None else opinions


def group_misconduct_reports(group, *, member=None):
    reports = group.misconduct_reports.select_related("member", "expert", "decided_by").order_by("filed_at", "id")
    return reports.filter(member=member) if member is not None else reports


def previous_group(group) -> SupervisionGroup | None:
    """The group to rotate from: the confirmed group of the latest earlier edition of the same scheme. A group
    that was never confirmed never sat, so it is passed over."""
    return (
        SupervisionGroup.objects.filter(
            edition__scheme_id=group.edition.scheme_id,
            edition__year__lt=group.edition.year,
            confirmed_at__isnull=False,
        )
        .select_related("edition")
        .order_by("-edition__year")
        .first()
    )


def supervision_rule(edition) -> SupervisionRule | None:
    return SupervisionRule.objects.filter(rulebook_id=edition.rulebook_id).first()


def staff_removal_rule(edition) -> StaffRemovalRule | None:
    """Which body of the edition's rulebook removes misbehaving staff, under which article."""
    return StaffRemovalRule.objects.filter(rulebook_id=edition.rulebook_id).first()


def removals_for_office(user):
    """Every misconduct report and removal, newest first, with what the page shows (one query per page)."""
    if not is_office(user):
        raise Http404
    return MisconductReport.objects.select_related("edition__scheme", "expert", "member", "decided_by").order_by(
        "-filed_at", "-id"
    )


def removal_editions():
    """Editions whose rulebook has the office record removals directly (its body is not a supervision group)."""
    from awards.models import Edition

    from .enums import RemovalBody

    return (
        Edition.objects.filter(rulebook__staff_removal_rule__isnull=False)
        .exclude(rulebook__staff_removal_rule__body_kind=RemovalBody.SUPERVISION_GROUP)
        .select_related("scheme", "rulebook__staff_removal_rule")
        .order_by("-year", "scheme__code")
    )


def group_rotation(group) -> tuple[Rotation, SupervisionGroup | None, list[SupervisionMember]]:
    """The group's rotation against the previous group, that group, and its members (empty when there is none)."""
    previous = previous_group(group)
    previous_members = list(SupervisionMember.objects.filter(group=previous)) if previous else []
    rotation = rotation_check(
        SupervisionMember.objects.filter(group=group),
        previous_members if previous else None,
        rule=supervision_rule(group.edition),
    )
    return rotation, previous, previous_members


def opinion_for_office(user, pk: int) -> SupervisionOpinion:
    if not is_office(user):
        raise Http404
    try:
        return SupervisionOpinion.objects.select_related("group", "group__edition").get(pk=pk)
    except SupervisionOpinion.DoesNotExist:
        raise Http404 from None


def misconduct_report_for_office(user, pk: int) -> MisconductReport:
    if not is_office(user):
        raise Http404
    try:
        return MisconductReport.objects.select_related("group", "group__edition", "expert").get(pk=pk)
    except MisconductReport.DoesNotExist:
        raise Http404 from None


def member_for_office(user, pk: int) -> SupervisionMember:
    if not is_office(user):
        raise Http404
    try:
        return SupervisionMember.objects.select_related("group", "group__edition").get(pk=pk)
    except SupervisionMember.DoesNotExist:
        raise Http404 from None


# --- experience-sharing events --------------------------------------------------------------------------------


def events_for_office(user):
    if not is_office(user):
        raise Http404
    return SharingEvent.objects.select_related("scheme").annotate(**_sharing_counts("invitations__"))


def event_for_office(user, pk: int) -> SharingEvent:
    try:
        return events_for_office(user).get(pk=pk)
    except SharingEvent.DoesNotExist:
        raise Http404 from None


def event_invitations(event):
    return event.invitations.select_related(*(f"application__{name}" for name in _APPLICANT), "recorded_by").order_by(
        "application__number", "id"
    )


def invitation_for_office(user, pk: int) -> SharingInvitation:
    if not is_office(user):
        raise Http404
    try:
        return SharingInvitation.objects.select_related("event").get(pk=pk)
    except SharingInvitation.DoesNotExist:
        raise Http404 from None


def holders_not_invited(event):
    return current_holders(event.scheme).exclude(sharing_invitations__event=event)


# --- the holder's and the member's own page -------------------------------------------------------------------


def obligations_of(user) -> dict:
    """What `user` has to do after the award: their evaluations (open ones first), the events they are invited
    to, and the supervision groups they sit on."""
    own = _own_applications_q(user, "application__")
    evaluations = (
        Evaluation.objects.filter(own)
        .select_related("round", "round__scheme", *(f"application__{name}" for name in _APPLICANT))
        .order_by("round__report_due", "id")
    )
    invitations = (
        SharingInvitation.objects.filter(own)
        .select_related("event", "event__scheme", *(f"application__{name}" for name in _APPLICANT))
        .order_by("-event__held_on", "id")
    )
    memberships = (
        SupervisionMember.objects.filter(user=user)
        .select_related("group", "group__edition", "group__edition__scheme")
        .order_by("-group__edition__year", "id")
        if user.is_authenticated
        else SupervisionMember.objects.none()
    )
    rounds = (
        EvaluationRound.objects.filter(evaluators=user).select_related("scheme")
        if user.is_authenticated
        else EvaluationRound.objects.none()
    )
    return {
        "evaluations": evaluations,
        "invitations": invitations,
        "memberships": memberships,
        "evaluator_rounds": rounds,
    }


def round_evaluators(*, evaluation_round):
    """The evaluators of a round, by username."""
    return evaluation_round.evaluators.order_by("username")


def holder_invitations(*, application):
    """The holder's invitations to experience-sharing events, the latest event first."""
    return application.sharing_invitations.select_related("event").order_by("-event__held_on")
