"""The decision chain: every decision-phase stage of a rulebook's pipeline, in the rulebook's order, recorded by
the office for the body that took it; the approval of each candidate within the quotas; the announcement.

The order is the pipeline data's: a step can be recorded only for the candidates waiting at its stage, and only
once nobody of the edition waits at an earlier one. So Weihai (art. 15) publishes its notice straight after the
candidate list and the leading group decides after it, while Zibo and Linyi hold the notice after the leading
group, without any scheme named in this code. (The public notice itself is in decisions.notice.)
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record
from applications import pipeline
from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import is_office
from applications.services import record_transition
from applications.uploads import check_upload
from awards.enums import QuotaScope, StageKind, StagePhase, Tier
from awards.models import Edition, Stage

from .certificates import _issue
from .models import DecisionStep, StepOutcome
from .notice import open_objection_exists
from .objections import deliberation_refusal

S = ApplicationState
K = StageKind

APPROVAL_KINDS = frozenset({K.GOVERNMENT_APPROVAL, K.ORGANISER_APPROVAL})
VOTING_KINDS = frozenset({K.REVIEW_COMMITTEE})
MEETING_KINDS = frozenset({K.REVIEW_COMMITTEE, K.LEADING_GROUP, K.SUPERVISION_OPINIONS})
# Stages recorded by decision_step_record; the notice, approvals and announcement have services of their own.
STEP_KINDS = frozenset(
    {K.SUPERVISION_OPINIONS, K.CANDIDATE_LIST, K.REVIEW_COMMITTEE, K.LEADING_GROUP, K.MINISTRY_CONSULTATION}
)
WAITING_STATES = (S.CANDIDATE, S.IN_NOTICE)
HELD_OR_APPROVED = (S.APPROVED, S.AWARDED, S.REVOKED)


@dataclass
class CandidateDecision:
    """What a body decided about one candidate: kept on the list or not (then why), and its votes if it voted."""

    kept: bool = True
    reason: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None


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


def chain_stages(edition: Edition) -> list[Stage]:
    return [s for s in pipeline.stages(edition.rulebook) if s.phase == StagePhase.DECISION]


def tiers_of(edition: Edition) -> dict[int, str]:
    """Each candidate's tier from the proposed candidate list; a candidate without a line is in the award tier."""
    from reviews.models import CandidateProposal

    return dict(
        CandidateProposal.objects.filter(edition=edition).exclude(tier="").values_list("application_id", "tier")
    )


def _check_stage(edition: Edition, stage: Stage, kinds) -> None:
    if stage.rulebook_id != edition.rulebook_id or stage.kind not in kinds:
        raise ValidationError(_("“%(stage)s” is not a step that can be recorded here.") % {"stage": stage})


def _check_date(held_on: date | None) -> None:
    if held_on is None:
        raise ValidationError(_("Give the date of the decision."))
    if held_on > timezone.localdate():
        raise ValidationError(_("The date of a decision cannot be in the future."))


def _waiting(edition: Edition, stage: Stage, *, states=(S.CANDIDATE,)) -> list[Application]:
    """Lock and return the candidates waiting at `stage`; refuse while any of the edition's candidates waits at an
    earlier decision stage (the scheme's order), or when nobody waits here."""
    earlier = (
        Application.objects.filter(
            edition=edition, state__in=WAITING_STATES, current_stage__position__lt=stage.position
        )
        .select_related("current_stage")
        .order_by("current_stage__position")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("Candidates are still waiting at an earlier step, “%(earlier)s”; it comes before “%(stage)s”.")
            % {"earlier": earlier.current_stage.get_kind_display(), "stage": stage.get_kind_display()}
        )
    candidates = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("edition", "edition__rulebook", "organisation", "individual")
        .filter(edition=edition, state__in=states, current_stage=stage)
        .order_by("category", "number", "pk")
    )
    if not candidates:
        raise ValidationError(
            _("No candidate is waiting at the step “%(stage)s”.") % {"stage": stage.get_kind_display()}
        )
    return candidates


def _attach(step: DecisionStep, document) -> None:
    if document is None:
        return
    checked = check_upload(document)
    step.document = document
    step.document_name = checked.name
    step.document_sha256 = checked.sha256


def _plenary(edition: Edition, members_total, members_present) -> int:
    """The plenary is held by the edition's acting review committee (confirmed, odd where the rulebook says so —
    Linyi art. 9 —, approved by the body the rulebook names — Linyi art. 7(四)), whose member count is the total;
    then the quorum, as the rulebook's data says (two thirds by default: the texts state none). Returns the total."""
    from reviews.bodies import acting_committee

    rulebook = edition.rulebook
    committee = acting_committee(edition)
    count = len(committee.members.all())
    if members_total and members_total != count:
        raise ValidationError(
            _("The confirmed review committee has %(count)d members, not %(given)d.")
            % {"count": count, "given": members_total}
        )
    members_total = count
    if members_present is None:
        raise ValidationError(_("Give the number of members of the committee and of those present."))
    if members_present > members_total:
        raise ValidationError(_("More members present than the committee has."))
    num, den = rulebook.plenary_quorum_numerator, rulebook.plenary_quorum_denominator
    if members_present * den < members_total * num:
        raise ValidationError(
            _("No quorum: %(present)d of %(total)d members present; at least %(num)d/%(den)d must be (%(article)s).")
            % {
                "present": members_present,
                "total": members_total,
                "num": num,
                "den": den,
                "article": rulebook.plenary_article or rulebook.title,
            }
        )
    return members_total


def _votes(edition: Edition, application: Application, decision: CandidateDecision, present: int) -> bool:
    counts = [decision.votes_for, decision.votes_against, decision.votes_abstain]
    if any(c is None for c in counts):
        raise ValidationError(
            _("Give the votes for, against and abstaining on %(name)s.") % {"name": application.applicant_name}
        )
    if any(c < 0 for c in counts) or sum(counts) > present:
        raise ValidationError(
            _("The votes on %(name)s add up to more than the %(present)d members present.")
            % {"name": application.applicant_name, "present": present}
        )
    rulebook = edition.rulebook
    return decision.votes_for * rulebook.plenary_majority_denominator > present * rulebook.plenary_majority_numerator


def decision_step_record(
    *,
    edition: Edition,
    stage: Stage,
    by,
    held_on: date,
    minutes: str = "",
    document_number: str = "",
    document=None,
    members_total: int | None = None,
    members_present: int | None = None,
    decisions: dict[int, CandidateDecision] | None = None,
    request=None,
) -> DecisionStep:
    """Record one step of the chain for every candidate waiting at `stage`: the office's proposal of the candidate
    list, the supervision group's opinions considered (Zibo art. 17), the review committee's plenary (Linyi art.
    16: members, quorum, a vote per candidate, minutes), the leading group's meeting, the ministry's comments
    (national art. 20).

    `decisions` maps application ids to CandidateDecision; a candidate left out is kept. At the candidate-list step
    the proposed list decides (a line outside every quota is not kept); at the plenary the votes decide (more than
    the rulebook's majority of those present). A candidate not kept needs a reason. Refuses anyone but the office
    (audited), a date in the future, a meeting without minutes, the wrong order (see module docstring), a second
    record of the same step.
    Side effects: one DecisionStep with a StepOutcome per candidate; each kept candidate moves to the next stage
    (CANDIDATE), the others leave the list (NOT_SELECTED), each with history, audit and mail; a CREATE audit row."""
    if not is_office(by):
        _refuse(by, edition, "only the award office records the decision chain", request)
    _check_stage(edition, stage, STEP_KINDS)
    _check_date(held_on)
    minutes = (minutes or "").strip()
    if stage.kind in MEETING_KINDS and not minutes:
        raise ValidationError(
            _("Write the minutes or the opinions of “%(stage)s”.") % {"stage": stage.get_kind_display()}
        )
    decisions = dict(decisions or {})
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if DecisionStep.objects.filter(edition=edition, stage=stage).exists():
            raise ValidationError(_("This step has already been recorded."))
        candidates = _waiting(edition, stage)
        if stage.kind in VOTING_KINDS:
            members_total = _plenary(edition, members_total, members_present)
        unknown = set(decisions) - {c.pk for c in candidates}
        if unknown:
            raise ValidationError(_("Some decisions are about applications not waiting at this step."))
        if stage.kind == K.CANDIDATE_LIST:
            decisions = _proposal_decisions(edition, candidates)
        outcomes: list[tuple[Application, CandidateDecision, bool]] = []
        for application in candidates:
            decision = decisions.get(application.pk, CandidateDecision())
            kept = decision.kept
            if stage.kind in VOTING_KINDS:
                kept = _votes(edition, application, decision, members_present)
                if not kept and not decision.reason:
                    decision.reason = _("Not carried by the plenary: %(yes)d of %(present)d present voted for.") % {
                        "yes": decision.votes_for,
                        "present": members_present,
                    }
            decision.reason = (decision.reason or "").strip()
            if not kept and not decision.reason:
                raise ValidationError(
                    _("Give the reason %(name)s leaves the list.") % {"name": application.applicant_name}
                )
            outcomes.append((application, decision, kept))
        step = DecisionStep(
            edition=edition,
            stage=stage,
            body=stage.body or edition.scheme.office,
            held_on=held_on,
            minutes=minutes,
            document_number=(document_number or "").strip(),
            members_total=members_total if stage.kind in VOTING_KINDS else None,
            members_present=members_present if stage.kind in VOTING_KINDS else None,
            recorded_by=by,
        )
        _attach(step, document)
        step.save()
        following = pipeline.next_stage(edition.rulebook, stage)
        for application, decision, kept in outcomes:
            StepOutcome.objects.create(
                step=step,
                application=application,
                kept=kept,
                votes_for=decision.votes_for,
                votes_against=decision.votes_against,
                votes_abstain=decision.votes_abstain,
                reason=decision.reason,
            )
            from_state = application.state
            if kept:
                application.advance_decision(next_stage=following)
            else:
                application.reject()
            record_transition(
                application=application,
                from_state=from_state,
                by=by,
                comment=f"{stage.get_kind_display()}: {decision.reason}"
                if decision.reason
                else stage.get_kind_display(),
                request=request,
            )
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=step,
            request=request,
            detail=f"{stage.kind} on {held_on}: kept {sum(k for _a, _d, k in outcomes)} of {len(outcomes)}",
        )
    return step


def _proposal_decisions(edition: Edition, candidates: list[Application]) -> dict[int, CandidateDecision]:
    from reviews.models import CandidateProposal

    lines = {p.application_id: p for p in CandidateProposal.objects.filter(edition=edition)}
    missing = [c for c in candidates if c.pk not in lines]
    if missing:
        raise ValidationError(
            _("Propose the candidate list first: %(count)d candidates have no line on it.") % {"count": len(missing)}
        )
    return {
        c.pk: CandidateDecision(kept=True)
        if lines[c.pk].tier
        else CandidateDecision(kept=False, reason=_("Ranked outside the quotas of the scheme."))
        for c in candidates
    }


# --- approval ------------------------------------------------------------------------------------------------


def approval_record(
    *,
    edition: Edition,
    stage: Stage,
    by,
    held_on: date,
    document_number: str,
    document,
    minutes: str = "",
    request=None,
) -> DecisionStep:
    """Record the government's (or the organiser's) approval document: its number (文号), date and the uploaded
    document. The candidates are then approved one by one (application_approve) within the quotas.
    Refuses anyone but the office (audited), a missing number or document, a future date, the wrong order, a
    second record. Side effects: one DecisionStep and a CREATE audit row."""
    if not is_office(by):
        _refuse(by, edition, "only the award office records an approval", request)
    _check_stage(edition, stage, APPROVAL_KINDS)
    _check_date(held_on)
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError(_("Give the number of the approval document (文号)."))
    if document is None:
        raise ValidationError(_("Upload the approval document."))
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if DecisionStep.objects.filter(edition=edition, stage=stage).exists():
            raise ValidationError(_("This step has already been recorded."))
        _waiting(edition, stage)
        step = DecisionStep(
            edition=edition,
            stage=stage,
            body=stage.body or edition.scheme.organiser,
            held_on=held_on,
            minutes=(minutes or "").strip(),
            document_number=document_number,
            recorded_by=by,
        )
        _attach(step, document)
        step.save()
        audit_record(
            action=AuditAction.CREATE, actor=by, obj=step, request=request, detail=f"{stage.kind} {document_number}"
        )
    return step


def _check_quota(edition: Edition, application: Application, tier: str, tiers: dict[int, str]) -> None:
    quotas = {(q.scope, q.tier): q for q in edition.rulebook.quotas.all()}
    own, total = quotas.get((application.category, tier)), quotas.get((QuotaScope.TOTAL, tier))
    if tier != Tier.AWARD and own is None and total is None:
        raise ValidationError(
            _("The rules of this scheme have no places in the tier %(tier)s.") % {"tier": Tier(tier).label}
        )
    taken = [
        (pk, category)
        for pk, category in Application.objects.filter(edition=edition, state__in=HELD_OR_APPROVED).values_list(
            "pk", "category"
        )
        if tiers.get(pk, Tier.AWARD) == tier
    ]
    checks = [
        (own, sum(1 for _pk, category in taken if category == application.category)),
        (total, len(taken)),
    ]
    for quota, count in checks:
        if quota is not None and count >= quota.max_count:
            raise ValidationError(
                _("The quota is full: %(scope)s, %(tier)s, at most %(max)d (%(article)s); %(count)d approved.")
                % {
                    "scope": quota.get_scope_display(),
                    "tier": quota.get_tier_display(),
                    "max": quota.max_count,
                    "article": quota.article or edition.rulebook.title,
                    "count": count,
                }
            )


def application_approve(*, application: Application, by, request=None) -> Application:
    """Approve one candidate under the recorded approval document, within the scheme's quota per category and tier.

    The edition's row is locked first, so approvals of one edition run one after another and two office staff
    clicking at the same moment cannot both take the last place. Refuses anyone but the office (audited), a
    candidate with an open objection, one not waiting at an approval step whose document is recorded, and a full
    quota (citing its article). Side effects: CANDIDATE → APPROVED (on to the announcement stage) with history,
    audit and mail; a StepOutcome; the certificate issued (number and token) and its rendering queued on commit."""
    if not is_office(by):
        _refuse(by, application, "only the award office approves candidates", request)
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update().select_related("rulebook", "scheme").get(pk=application.edition_id)
        )
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("current_stage").get(pk=application.pk)
        )
        stage = application.current_stage
        if application.state != S.CANDIDATE or stage is None or stage.kind not in APPROVAL_KINDS:
            raise ValidationError(_("This candidate is not waiting for approval."))
        step = DecisionStep.objects.filter(edition=edition, stage=stage).first()
        if step is None:
            raise ValidationError(_("Record the approval document first."))
        if open_objection_exists(application):
            raise ValidationError(
                _("An objection to %(name)s is still under investigation; it cannot be approved.")
                % {"name": application.applicant_name}
            )
        refusal = deliberation_refusal(application, edition.rulebook)
        if refusal:
            raise ValidationError(refusal)
        tiers = tiers_of(edition)
        _check_quota(edition, application, tiers.get(application.pk, Tier.AWARD), tiers)
        from_state = application.state
        application.approve(next_stage=pipeline.next_stage(edition.rulebook, stage))
        StepOutcome.objects.create(step=step, application=application, kept=True)
        record_transition(
            application=application,
            from_state=from_state,
            by=by,
            comment=f"{stage.get_kind_display()} {step.document_number}",
            request=request,
        )
        certificate, created = _issue(application=application, issued_on=step.held_on)
        if created:
            audit_record(action=AuditAction.CREATE, actor=by, obj=certificate, request=request, detail="certificate")
            from .tasks import render_certificate

            transaction.on_commit(lambda: render_certificate.delay(certificate.pk))
    return application


def application_not_approved(*, application: Application, reason: str, by, request=None) -> Application:
    """The approving body did not approve a candidate: it leaves the list with the reason.
    Side effects: CANDIDATE → NOT_SELECTED, a StepOutcome (not kept), history, audit, mail."""
    if not is_office(by):
        _refuse(by, application, "only the award office records approvals", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason the candidate was not approved."))
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=application.edition_id).first()
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("current_stage").get(pk=application.pk)
        )
        stage = application.current_stage
        if application.state != S.CANDIDATE or stage is None or stage.kind not in APPROVAL_KINDS:
            raise ValidationError(_("This candidate is not waiting for approval."))
        step = DecisionStep.objects.filter(edition_id=application.edition_id, stage=stage).first()
        if step is None:
            raise ValidationError(_("Record the approval document first."))
        from_state = application.state
        application.reject()
        StepOutcome.objects.create(step=step, application=application, kept=False, reason=reason)
        record_transition(application=application, from_state=from_state, by=by, comment=reason, request=request)
    return application


# --- announcement ----------------------------------------------------------------------------------------------


def announcement_record(
    *, edition: Edition, stage: Stage, by, held_on: date, document_number: str, document=None, request=None
) -> DecisionStep:
    """The government (or organiser) announces the approved winners: each APPROVED application becomes AWARDED on
    `held_on`, and from then on its certificate verifies as valid. Refuses anyone but the office (audited), a
    missing document number, a future date, candidates still waiting for approval, a second record.
    Side effects: a DecisionStep, a StepOutcome, transition, history, audit and mail per winner; certificates issued
    for any winner without one, rendering queued on commit."""
    if not is_office(by):
        _refuse(by, edition, "only the award office records the announcement", request)
    _check_stage(edition, stage, {K.ANNOUNCEMENT})
    _check_date(held_on)
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError(_("Give the number of the announcing document (文号)."))
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if DecisionStep.objects.filter(edition=edition, stage=stage).exists():
            raise ValidationError(_("The results have already been announced."))
        winners = _waiting(edition, stage, states=(S.APPROVED,))
        step = DecisionStep(
            edition=edition,
            stage=stage,
            body=stage.body or edition.scheme.organiser,
            held_on=held_on,
            document_number=document_number,
            recorded_by=by,
        )
        _attach(step, document)
        step.save()
        queued = []
        for application in winners:
            from_state = application.state
            application.award(on=held_on)
            StepOutcome.objects.create(step=step, application=application, kept=True)
            record_transition(
                application=application, from_state=from_state, by=by, comment=document_number, request=request
            )
            certificate, created = _issue(application=application, issued_on=held_on)
            if created:
                queued.append(certificate.pk)
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=step,
            request=request,
            detail=f"announced {len(winners)} winners, {document_number}",
        )
        if queued:
            from .tasks import render_certificate

            transaction.on_commit(lambda: [render_certificate.delay(pk) for pk in queued])
    return step
