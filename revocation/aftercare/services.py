"""Writes after the award: periodic evaluation (Zibo art. 30), the supervision group (Zibo art. 12, art. 21) and
experience-sharing events (national art. 23, Weihai art. 22). Keyword-only; each refusal of a user who may not act
is audited before any transaction opens, so that the audit row is not rolled back with it."""

from collections.abc import Iterable, Mapping
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import User
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.uploads import check_upload
from awards.models import Edition, Scheme

from .enums import Attendance, EvaluationCriterion, EvaluationState, MisconductDecision, RemovalBody, StaffKind
from .models import (
    CriterionAssessment,
    Evaluation,
    EvaluationRound,
    MisconductReport,
    SharingEvent,
    SharingInvitation,
    StaffRemovalRule,
    SupervisionGroup,
    SupervisionMember,
    SupervisionOpinion,
)
from .rules import is_applicant_of, is_evaluator_of, is_office
from .selectors import current_holders, group_rotation, staff_removal_rule


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


def _require_office(by, obj, reason: str, request=None) -> None:
    if not is_office(by):
        _refuse(by, obj, reason, request)


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


# --- periodic evaluation --------------------------------------------------------------------------------------


def evaluation_round_launch(
    *,
    scheme: Scheme,
    title: str,
    report_due: date,
    note: str = "",
    evaluators: Iterable[User] = (),
    by: User,
    request=None,
) -> EvaluationRound:
    """Launch a round of periodic evaluation of the scheme's current holders (awarded, not revoked). Office only.

    Side effects: inserts the round, its named evaluators and one Evaluation (awaiting the self-report) per
    current holder; a CREATE audit row. Refuses a due date in the past and a scheme with no current holder.
    """
    _require_office(by, scheme, "only office staff launch an evaluation round", request)
    title = _text(title, _("Give the round a title."))
    if report_due < timezone.localdate():
        raise ValidationError(_("The self-reports cannot be due in the past."))
    with transaction.atomic():
        holders = list(current_holders(scheme))
        if not holders:
            raise ValidationError(_("%(scheme)s has no current holder to evaluate.") % {"scheme": scheme})
        evaluation_round = EvaluationRound.objects.create(
            scheme=scheme, title=title, report_due=report_due, note=(note or "").strip(), launched_by=by
        )
        evaluation_round.evaluators.set(list(evaluators))
        Evaluation.objects.bulk_create([Evaluation(round=evaluation_round, application=a) for a in holders])
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=evaluation_round,
            detail=f"{len(holders)} holders",
            request=request,
        )
    return evaluation_round


def evaluation_round_evaluators_set(
    *, evaluation_round: EvaluationRound, evaluators: Iterable[User], by: User, request=None
) -> None:
    """Name the people outside the office who assess the round. Office only.

    Side effects: replaces the round's named evaluators, an UPDATE audit row.
    """
    _require_office(by, evaluation_round, "only office staff name evaluators", request)
    evaluators = list(evaluators)
    with transaction.atomic():
        evaluation_round.evaluators.set(evaluators)
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=evaluation_round,
            detail="evaluators: " + ", ".join(u.get_username() for u in evaluators),
            request=request,
        )


def evaluation_report_file(*, evaluation: Evaluation, text: str, uploaded=None, by: User, request=None) -> Evaluation:
    """File (or file again, until assessed) the holder's self-report, with an optional supporting file.

    Side effects: stores the file (checked by its content) outside the web root, saves the text, the time and the
    author, moves the evaluation to REPORTED; an UPDATE audit row. A filed self-report keeps its earlier file when
    no new one comes with it.
    """
    if not is_applicant_of(by, evaluation.application):
        _refuse(by, evaluation, "not the holder", request)
    text = _text(text, _("Write the self-report."))
    checked = check_upload(uploaded) if uploaded is not None else None
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if not locked.may_report:
            raise ValidationError(_("This evaluation has been assessed; the self-report can no longer change."))
        locked.report_text = text
        if checked is not None:
            locked.report_file_name = checked.name
            locked.report_file_type = checked.content_type
            locked.report_file_size = checked.size
            locked.report_file_sha256 = checked.sha256
            locked.report_file.save(checked.name, uploaded, save=False)
        locked.reported_at = timezone.now()
        locked.reported_by = by
        locked.file_report()
        locked.save()
        audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail="self-report filed", request=request)
    return locked


def _periodic_evaluation_ground(application):
    """The rulebook's ground for a failed periodic evaluation (Zibo 第三十条), found by its flag, not its number."""
    from revocation.models import RevocationGround

    return (
        RevocationGround.objects.filter(
            rulebook_id=application.edition.rulebook_id,
            periodic_evaluation=True,
            category=application.category,
            is_active=True,
        )
        .order_by("number")
        .first()
    )


def evaluation_assess(
    *,
    evaluation: Evaluation,
    findings: Mapping[str, tuple[bool, str]],
    by: User,
    request=None,
):
    """Record the assessment of the three criteria, each passed or failed with a comment. A failure of any
    criterion fails the evaluation and opens a revocation case (Zibo art. 30) through revocation's own service.
    An evaluation awaiting its self-report may be assessed only once the report was due.

    Side effects: inserts one CriterionAssessment per criterion, moves the evaluation to PASSED or FAILED, an
    UPDATE audit row; on failure, revocation.services.case_open (its own rows, audit and mail) and the link to the
    case. Everything in one transaction.
    """
    if not is_evaluator_of(by, evaluation.round):
        _refuse(by, evaluation, "not an evaluator of this round", request)
    wanted = set(EvaluationCriterion.values)
    if set(findings) != wanted:
        raise ValidationError(_("Assess each of the three criteria."))
    cleaned = {}
    for criterion in EvaluationCriterion:
        passed, comment = findings[criterion.value]
        cleaned[criterion.value] = (
            bool(passed),
            _text(comment, _("Give a comment on %(criterion)s.") % {"criterion": criterion.label}),
        )
    failed = [EvaluationCriterion(c).label for c, (passed, _comment) in cleaned.items() if not passed]
    with transaction.atomic():
        locked = (
            Evaluation.objects.select_for_update(of=("self",))
            .select_related("application", "application__edition", "round")
            .get(pk=evaluation.pk)
        )
        if locked.state not in (EvaluationState.AWAITING_REPORT, EvaluationState.REPORTED):
            raise ValidationError(_("This evaluation has already been assessed."))
        if locked.state == EvaluationState.AWAITING_REPORT and timezone.localdate() <= locked.round.report_due:
            raise ValidationError(
                _("The holder has until %(due)s to file the self-report.") % {"due": locked.round.report_due}
            )
        CriterionAssessment.objects.bulk_create(
            [
                CriterionAssessment(evaluation=locked, criterion=c, passed=passed, comment=comment)
                for c, (passed, comment) in cleaned.items()
            ]
        )
        locked.assessed_at = timezone.now()
        locked.assessed_by = by
        if failed:
            locked.fail_assessment()
        else:
            locked.pass_assessment()
        locked.save()
        audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail=locked.state, request=request)
        if failed and locked.application.state == ApplicationState.AWARDED:
            locked.case = _open_case(locked, failed=failed, by=by, request=request)
            locked.save(update_fields=["case"])
    return locked


def _open_case(evaluation: Evaluation, *, failed: list, by: User, request=None):
    from revocation.enums import CaseSource
    from revocation.services import case_open

    summary = _("Failed the periodic evaluation “%(round)s” on: %(criteria)s.") % {
        "round": evaluation.round.title,
        "criteria": "、".join(str(label) for label in failed),
    }
    comments = [f"{a.get_criterion_display()}：{a.comment}" for a in evaluation.assessments.all() if not a.passed]
    return case_open(
        application=evaluation.application,
        source=CaseSource.PERIODIC_EVALUATION,
        by=by,
        summary="\n".join([summary, *comments]),
        ground=_periodic_evaluation_ground(evaluation.application),
        request=request,
    )


# --- supervision group ----------------------------------------------------------------------------------------


def _locked_group(group: SupervisionGroup) -> SupervisionGroup:
    return SupervisionGroup.objects.select_for_update(of=("self",)).select_related("edition").get(pk=group.pk)


def supervision_group_create(*, edition: Edition, by: User, request=None) -> SupervisionGroup:
    """Set up the supervision group of an edition (one per edition). Office only.

    Side effects: inserts the group, a CREATE audit row. Refuses a second group for the edition.
    """
    _require_office(by, edition, "only office staff set up a supervision group", request)
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        if SupervisionGroup.objects.filter(edition=edition).exists():
            raise ValidationError(_("This edition already has a supervision group."))
        group = SupervisionGroup.objects.create(edition=edition, created_by=by)
        audit_record(action=AuditAction.CREATE, actor=by, obj=group, request=request)
    return group


def supervision_member_add(
    *,
    group: SupervisionGroup,
    kind: str,
    full_name: str,
    organisation_name: str,
    position: str = "",
    user: User | None = None,
    by: User,
    request=None,
) -> SupervisionMember:
    """Appoint a member to a group not yet confirmed. A member linked to a portal account gets the supervision-group
    role, so that they can log in and file opinions.

    Side effects: inserts the member, adds the account to the supervisor role group when linked, a CREATE audit
    row. Refuses a confirmed or dissolved group and an account already on the group.
    """
    _require_office(by, group, "only office staff appoint supervision-group members", request)
    member = SupervisionMember(
        group=group,
        kind=kind,
        full_name=(full_name or "").strip(),
        organisation_name=(organisation_name or "").strip(),
        position=(position or "").strip(),
        user=user,
    )
    member.full_clean(exclude=["group"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        locked = _locked_group(group)
        if locked.is_confirmed or locked.is_dissolved:
            raise ValidationError(_("The group has been confirmed; its members can no longer change."))
        if user is not None and locked.members.filter(user=user).exists():
            raise ValidationError(_("%(user)s is already a member of this group.") % {"user": user})
        member.save()
        if user is not None and not user.has_role(Role.SUPERVISOR):
            user.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
            user.__dict__.pop("_role_names", None)
        audit_record(action=AuditAction.CREATE, actor=by, obj=member, detail=member.kind, request=request)
    return member


def supervision_member_remove(*, member: SupervisionMember, by: User, request=None) -> None:
    """Take a member off a group not yet confirmed. Side effects: deletes the member, a DELETE audit row."""
    _require_office(by, member, "only office staff change a supervision group", request)
    with transaction.atomic():
        locked = _locked_group(member.group)
        if locked.is_confirmed or locked.is_dissolved:
            raise ValidationError(_("The group has been confirmed; its members can no longer change."))
        audit_record(action=AuditAction.DELETE, actor=by, obj=member, request=request)
        member.delete()


def rotation_message(rotation) -> str:
    """The counts of a rotation, citing the rulebook's article: previous members, how many were replaced, how many
    must be. Members added to a group replace nobody."""
    values = {
        "replaced": rotation.replaced,
        "previous": rotation.previous_total or 0,
        "required": rotation.required,
        "article": rotation.article,
    }
    if rotation.article:
        return (
            _(
                "%(article)s: %(replaced)d of the previous edition's group's %(previous)d members were replaced, "
                "at least %(required)d required (members added do not count as rotated)."
            )
            % values
        )
    return (
        _(
            "%(replaced)d of the previous edition's group's %(previous)d members were replaced, at least "
            "%(required)d required (members added do not count as rotated)."
        )
        % values
    )


def supervision_group_confirm(*, group: SupervisionGroup, by: User, request=None) -> SupervisionGroup:
    """Confirm the group's membership once at least the rulebook's share (Zibo art. 12: one third, rounded up) of
    the previous edition's group of the same scheme was replaced, i.e. is no longer in this group.

    Side effects: sets confirmed_at and confirmed_by, an UPDATE audit row with the counts. Refuses, with the counts,
    a rotation short of the share; refuses an empty, confirmed or dissolved group.
    """
    _require_office(by, group, "only office staff confirm a supervision group", request)
    with transaction.atomic():
        locked = _locked_group(group)
        if locked.is_confirmed:
            raise ValidationError(_("The group has already been confirmed."))
        if locked.is_dissolved:
            raise ValidationError(_("The group has been dissolved."))
        rotation, _previous, _members = group_rotation(locked)
        if rotation.total == 0:
            raise ValidationError(_("Appoint the members first."))
        if not rotation.ok:
            raise ValidationError(rotation_message(rotation), code="rotation")
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = by
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=locked,
            detail=(
                f"confirmed: {rotation.replaced} of {rotation.previous_total or 0} previous members replaced, "
                f"{rotation.required} required"
            ),
            request=request,
        )
    return locked


def supervision_group_dissolve(*, group: SupervisionGroup, on: date, by: User, request=None) -> SupervisionGroup:
    """Dissolve the group after its edition (Zibo art. 12: 当届选树工作结束后即解散). From then on its members file
    nothing; the office may still answer what was filed.

    Side effects: sets dissolved_on, an UPDATE audit row. Refuses a group already dissolved.
    """
    _require_office(by, group, "only office staff dissolve a supervision group", request)
    with transaction.atomic():
        locked = _locked_group(group)
        if locked.is_dissolved:
            raise ValidationError(_("The group has already been dissolved."))
        if on > timezone.localdate():
            raise ValidationError(_("A group is dissolved on a day that has come."))
        locked.dissolved_on = on
        locked.save(update_fields=["dissolved_on"])
        audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail=f"dissolved {on}", request=request)
    return locked


def _sitting_member(group: SupervisionGroup, by: User, request) -> SupervisionMember:
    """`by`'s membership of the group; refused (and audited) when `by` is not a member."""
    member = group.members.filter(user=by).first() if by is not None and by.is_authenticated else None
    if member is None:
        _refuse(by, group, "not a member of this supervision group", request)
    return member


def supervision_opinion_file(*, group: SupervisionGroup, text: str, by: User, request=None) -> SupervisionOpinion:
    """A member files an opinion on the edition's selection, for the office to answer.

    Side effects: inserts the opinion, a CREATE audit row. Refuses a non-member; a group not confirmed yet or
    dissolved takes nothing.
    """
    member = _sitting_member(group, by, request)
    text = _text(text, _("Write the opinion."))
    with transaction.atomic():
        locked = _locked_group(group)
        if not locked.is_sitting:
            raise ValidationError(
                _("The group is not sitting: it files nothing before it is confirmed or once dissolved.")
            )
        opinion = SupervisionOpinion.objects.create(group=locked, member=member, text=text)
        audit_record(action=AuditAction.CREATE, actor=by, obj=opinion, request=request)
    return opinion


def supervision_opinion_answer(
    *, opinion: SupervisionOpinion, answer: str, by: User, request=None
) -> SupervisionOpinion:
    """The office answers a member's opinion, once.

    Side effects: saves the answer, its time and author (compare-and-set: a second answer changes nothing and is
    refused), an UPDATE audit row.
    """
    _require_office(by, opinion, "only office staff answer supervision opinions", request)
    answer = _text(answer, _("Write the answer."))
    with transaction.atomic():
        now = timezone.now()
        updated = SupervisionOpinion.objects.filter(pk=opinion.pk, answered_at__isnull=True).update(
            answer=answer, answered_at=now, answered_by=by
        )
        if not updated:
            raise ValidationError(_("This opinion has already been answered."))
        audit_record(action=AuditAction.UPDATE, actor=by, obj=opinion, detail="answered", request=request)
    opinion.refresh_from_db()
    return opinion


def _staff(staff_kind: str, expert, staff_name: str, staff_organisation: str) -> dict:
    """The person a report is about: an expert of the pool, or anyone else doing the work, by name."""
    if staff_kind not in StaffKind.values:
        raise ValidationError(_("Choose who the report is about."))
    staff_name, staff_organisation = (staff_name or "").strip(), (staff_organisation or "").strip()
    if staff_kind == StaffKind.EXPERT:
        if expert is None:
            raise ValidationError(_("Choose the expert."))
        return {"staff_kind": staff_kind, "expert": expert, "staff_name": "", "staff_organisation": ""}
    if not staff_name:
        raise ValidationError(_("Give the name of the person the report is about."))
    return {
        "staff_kind": staff_kind,
        "expert": None,
        "staff_name": staff_name[:60],
        "staff_organisation": staff_organisation[:200],
    }


def misconduct_report_file(
    *,
    group: SupervisionGroup,
    text: str,
    by: User,
    staff_kind: str = StaffKind.EXPERT,
    expert=None,
    staff_name: str = "",
    staff_organisation: str = "",
    request=None,
) -> MisconductReport:
    """A member reports misconduct by anyone doing the selection work (Zibo art. 21: 选树工作人员 — an expert, the
    third-party agency's staff or the office's staff).

    Side effects: inserts the report, a CREATE audit row. Refuses a non-member; a group not sitting takes nothing.
    """
    member = _sitting_member(group, by, request)
    text = _text(text, _("Write what happened."))
    person = _staff(staff_kind, expert, staff_name, staff_organisation)
    with transaction.atomic():
        locked = _locked_group(group)
        if not locked.is_sitting:
            raise ValidationError(
                _("The group is not sitting: it files nothing before it is confirmed or once dissolved.")
            )
        report = MisconductReport.objects.create(
            edition=locked.edition, group=locked, member=member, text=text, **person
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=report, detail=report.person_name, request=request)
    return report


def _removal_rule(edition) -> StaffRemovalRule:
    rule = staff_removal_rule(edition)
    if rule is None:
        raise ValidationError(
            _("%(rulebook)s names no body that removes staff from the work.") % {"rulebook": edition.rulebook.title}
        )
    return rule


def _referral(referred_to: str, referred_on: date | None) -> tuple[str, date]:
    referred_to = (referred_to or "").strip()
    if not referred_to:
        raise ValidationError(_("A removal is referred to the person's competent department or employer: name it."))
    referred_on = referred_on or timezone.localdate()
    if referred_on > timezone.localdate():
        raise ValidationError(_("The referral cannot be dated in the future."))
    return referred_to[:200], referred_on


def _remove(report: MisconductReport, *, rule: StaffRemovalRule, note: str, referred_to, referred_on, by, request):
    """Carry out a removal on a locked report: the expert's credit record (which bars them for good), the body,
    the article and the referral."""
    from reviews.enums import CreditRecordKind
    from reviews.services import expert_credit_record_add

    if report.expert_id is not None:
        report.credit_record = expert_credit_record_add(
            expert=report.expert,
            kind=CreditRecordKind.MISCONDUCT_REMOVAL,
            note=f"{rule.body}：{note}",
            article=rule.article,
            by=by,
            request=request,
        )
    report.decision = MisconductDecision.REMOVED
    report.referred_to, report.referred_on = referred_to, referred_on


def misconduct_report_decide(
    *,
    report: MisconductReport,
    remove: bool,
    note: str,
    by: User,
    referred_to: str = "",
    referred_on: date | None = None,
    request=None,
) -> MisconductReport:
    """Record the decision on a supervision-group report of the body the rulebook names (Zibo art. 21: the
    supervision group removes the person and refers them to their competent department or employer). The office
    records it, from the group's decision. Removal of an expert goes on their credit record as MISCONDUCT_REMOVAL
    (reviews.services.expert_credit_record_add), which keeps them out of every later assignment.

    Side effects: saves the decision with the body and the article (once: a second decision is refused), the
    referral on removal, an UPDATE audit row; on removal of an expert the credit record, its audit rows and the
    expert's `available=False`, linked to the report. A removal without the referral is refused.
    """
    _require_office(by, report, "only office staff record decisions on misconduct reports", request)
    note = _text(note, _("Give the reasons for the decision."))
    if remove:
        referred_to, referred_on = _referral(referred_to, referred_on)
    with transaction.atomic():
        locked = (
            MisconductReport.objects.select_for_update(of=("self",))
            .select_related("expert", "edition__rulebook")
            .get(pk=report.pk)
        )
        if locked.decision != MisconductDecision.PENDING:
            raise ValidationError(_("This report has already been decided."))
        rule = _removal_rule(locked.edition)
        if remove:
            _remove(
                locked, rule=rule, note=note, referred_to=referred_to, referred_on=referred_on, by=by, request=request
            )
        else:
            locked.decision = MisconductDecision.NO_ACTION
        locked.decided_by_body = rule.body
        locked.article = rule.article
        locked.decision_note = note
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save()
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=locked,
            detail=f"{locked.decision} by {rule.body} ({rule.article})",
            request=request,
        )
    return locked


def staff_removal_record(
    *,
    edition: Edition,
    text: str,
    note: str,
    referred_to: str,
    by: User,
    staff_kind: str = StaffKind.EXPERT,
    expert=None,
    staff_name: str = "",
    staff_organisation: str = "",
    referred_on: date | None = None,
    request=None,
) -> MisconductReport:
    """Record a removal from the review work decided by the body the edition's rulebook names, where that body is
    not a supervision group: Weihai art. 25 the office itself, Linyi art. 26 the review committee (评审委), whose
    decision the office records. In Zibo the supervision group reports (art. 21): its report goes through
    misconduct_report_file and misconduct_report_decide, and is refused here.

    Side effects: inserts the report already decided (REMOVED, with the body, the article and the referral), a
    CREATE audit row; for an expert the credit record that bars them (reviews.services.expert_credit_record_add).
    """
    _require_office(by, edition, "only office staff record removals from the review work", request)
    text = _text(text, _("Write what happened."))
    note = _text(note, _("Give the reasons for the decision."))
    person = _staff(staff_kind, expert, staff_name, staff_organisation)
    referred_to, referred_on = _referral(referred_to, referred_on)
    rule = _removal_rule(edition)
    if rule.body_kind == RemovalBody.SUPERVISION_GROUP:
        raise ValidationError(
            _("Under %(article)s the %(body)s reports misconduct and removes the person: file it through the group.")
            % {"article": rule.article, "body": rule.body}
        )
    with transaction.atomic():
        report = MisconductReport(edition=edition, text=text, **person)
        _remove(report, rule=rule, note=note, referred_to=referred_to, referred_on=referred_on, by=by, request=request)
        report.decided_by_body = rule.body
        report.article = rule.article
        report.decision_note = note
        report.decided_at = timezone.now()
        report.decided_by = by
        report.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=report,
            detail=f"removed by {rule.body} ({rule.article}): {report.person_name}",
            request=request,
        )
    return report


# --- experience-sharing events --------------------------------------------------------------------------------


def sharing_event_create(
    *, scheme: Scheme, title: str, held_on: date, place: str, note: str = "", by: User, request=None
) -> SharingEvent:
    """Record an experience-sharing event of a scheme. Office only. Side effects: inserts it, a CREATE audit row."""
    _require_office(by, scheme, "only office staff record experience-sharing events", request)
    event = SharingEvent(
        scheme=scheme,
        title=(title or "").strip(),
        held_on=held_on,
        place=(place or "").strip(),
        note=(note or "").strip(),
        created_by=by,
    )
    event.full_clean()
    with transaction.atomic():
        event.save()
        audit_record(action=AuditAction.CREATE, actor=by, obj=event, request=request)
    return event


def sharing_event_invite(
    *, event: SharingEvent, applications: Iterable, by: User, request=None
) -> list[SharingInvitation]:
    """Invite holders to an event: only current holders of the event's scheme, each once (an invitation already
    there is left as it is).

    Side effects: inserts the new invitations, an UPDATE audit row on the event.
    """
    _require_office(by, event, "only office staff invite holders", request)
    wanted = {a.pk for a in applications}
    with transaction.atomic():
        SharingEvent.objects.select_for_update().get(pk=event.pk)
        holders = {a.pk for a in current_holders(event.scheme)}
        strangers = wanted - holders
        if strangers:
            raise ValidationError(_("Only current holders of the event's scheme can be invited."))
        already = set(event.invitations.values_list("application_id", flat=True))
        created = SharingInvitation.objects.bulk_create(
            [SharingInvitation(event=event, application_id=pk) for pk in sorted(wanted - already)]
        )
        audit_record(action=AuditAction.UPDATE, actor=by, obj=event, detail=f"{len(created)} invited", request=request)
    return created


def sharing_attendance_record(
    *, invitation: SharingInvitation, attendance: str, excuse: str = "", by: User, request=None
) -> SharingInvitation:
    """Record whether an invited holder attended, was excused (with the reason) or was absent without excuse. May
    be corrected; the latest record counts.

    Side effects: saves the attendance, the reason, the time and author, an UPDATE audit row.
    """
    _require_office(by, invitation, "only office staff record attendance", request)
    if attendance not in (Attendance.ATTENDED, Attendance.EXCUSED, Attendance.ABSENT):
        raise ValidationError(_("Choose attended, excused or absent."))
    excuse = (excuse or "").strip()
    if attendance == Attendance.EXCUSED and not excuse:
        raise ValidationError(_("Give the reason for the excuse."))
    if attendance != Attendance.EXCUSED:
        excuse = ""
    with transaction.atomic():
        locked = SharingInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.event.held_on > timezone.localdate():
            raise ValidationError(_("Attendance is recorded once the event has taken place."))
        locked.attendance = attendance
        locked.excuse = excuse
        locked.recorded_at = timezone.now()
        locked.recorded_by = by
        locked.save()
        audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail=attendance, request=request)
    return locked
