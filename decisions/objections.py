"""Objections (异议) to the names on a public notice: anyone files one during the notice period under a real name;
the office investigates and upholds it (the name leaves the list) or dismisses it (the name moves on once the notice
has ended). While an objection is open the name cannot move on: `decisions.notice.open_objection_exists` reads the
state kept here."""

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import is_office
from applications.uploads import check_upload

from . import notice as notices
from .enums import EntryOutcome, ObjectionState
from .models import NoticeEntry, NoticeSpec, Objection, ObjectionDeliberation, PublicNotice

# No 0/O, 1/I/L: a reference is read out over the telephone.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_REFERENCE_LENGTH = 10


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


def new_reference() -> str:
    """A random receipt reference such as "YY-7KQ4M2XH9C": not guessable, not sequential."""
    return "YY-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _i in range(_REFERENCE_LENGTH))


def notice_is_open(notice: PublicNotice, *, now: datetime | None = None) -> bool:
    """Objections are received from the notice's first day until its end (midnight after its last day)."""
    now = now or timezone.now()
    return notice.closed_at is None and notice.starts_on <= timezone.localdate(now) and now < notice.ends_at


def notice_period_refusal(notice: PublicNotice, *, now: datetime | None = None) -> str | None:
    """Why an objection to this notice cannot be filed now, with its dates; None while it can."""
    if notice_is_open(notice, now=now):
        return None
    dates = {"start": notice.starts_on.isoformat(), "end": notice.ends_on.isoformat()}
    now = now or timezone.now()
    if notice.closed_at is None and timezone.localdate(now) < notice.starts_on:
        return _("The notice period has not begun: objections are received from %(start)s to %(end)s.") % dates
    return _("The notice period is over: objections were received from %(start)s to %(end)s.") % dates


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


def objection_file(
    *,
    entry: NoticeEntry,
    full_name: str,
    phone: str,
    email: str = "",
    organisation: str = "",
    statement: str,
    evidence,
    remote_addr: str | None = None,
    request=None,
    now: datetime | None = None,
) -> Objection:
    """File an objection to a name on a public notice, under a real name with a contact and an evidence file.

    Refuses (ValidationError) outside the notice period, naming its first and last day; a name that is no longer
    pending on the notice; a missing name, telephone, statement or evidence file; an evidence file the upload
    check rejects (UploadRejected, a ValidationError, with the reason). Holds the application's row lock while it
    writes, so the notice's closing either sees this objection or has already moved the name (and then this one is
    refused). Side effects: one Objection (state open, random reference) with its evidence file stored privately;
    a CREATE audit row that names neither the objector nor the candidate."""
    full_name = _required(full_name, _("Give your real name."))
    phone = _required(phone, _("Give a telephone number where the office can reach you."))
    statement = _required(statement, _("Write the facts and reasons of the objection."))
    if not evidence:
        raise ValidationError(_("Attach the evidence that supports the objection."))
    refusal = notice_period_refusal(entry.notice, now=now)
    if refusal:
        raise ValidationError(refusal)
    checked = check_upload(evidence)
    with transaction.atomic():
        entry = NoticeEntry.objects.select_for_update().select_related("notice").get(pk=entry.pk)
        application = Application.objects.select_for_update(of=("self",)).get(pk=entry.application_id)
        refusal = notice_period_refusal(entry.notice, now=now)
        if refusal:
            raise ValidationError(refusal)
        if entry.outcome != EntryOutcome.PENDING or application.state != ApplicationState.IN_NOTICE:
            raise ValidationError(_("This name is no longer on the notice; objections to it are not received."))
        objection = Objection(
            notice=entry.notice,
            entry=entry,
            full_name=full_name[:60],
            phone=phone[:30],
            email=(email or "").strip(),
            organisation=(organisation or "").strip()[:200],
            statement=statement,
            evidence_name=checked.name,
            evidence_size=checked.size,
            evidence_sha256=checked.sha256,
            remote_addr=remote_addr or None,
        )
        objection.evidence.save(checked.name, evidence, save=False)
        try:
            for attempt in range(3):
                objection.reference = new_reference()
                try:
                    with transaction.atomic():
                        objection.save()
                    break
                except IntegrityError:
                    if attempt == 2:
                        raise
        except Exception:
            objection.evidence.delete(save=False)
            raise
        audit_record(
            action=AuditAction.CREATE,
            obj=objection,
            detail=f"objection to notice {entry.notice_id}, entry {entry.position}",
            request=request,
        )
    return objection


def objection_decide(*, objection: Objection, upheld: bool, findings: str, by, request=None) -> Objection:
    """Record the office's findings on an objection and its outcome.

    Office only (refusal audited before anything is written); findings are required; an objection is decided
    once. Upheld: the name leaves the notice with the findings as the reason (`notice_entry_withdraw`: IN_NOTICE →
    NOT_SELECTED, history, audit, mail) unless an earlier upheld objection already took it off. Dismissed: once
    committed, the name moves on if its notice has ended and nothing else is open (`notice_entry_release`).
    Side effects: the objection's state, findings, decider and time; an UPDATE audit row."""
    if not is_office(by):
        _refuse(by, objection, "only the award office decides objections", request)
    findings = _required(findings, _("Write the findings of the investigation."))
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.state != ObjectionState.OPEN:
            raise ValidationError(_("This objection has already been decided."))
        objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
        objection.findings = findings
        objection.decided_by = by
        objection.decided_at = timezone.now()
        objection.save(update_fields=["state", "findings", "decided_by", "decided_at"])
        entry = NoticeEntry.objects.get(pk=objection.entry_id)
        if upheld and entry.outcome == EntryOutcome.PENDING:
            notices.notice_entry_withdraw(entry=entry, reason=findings, by=by, request=request)
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=objection,
            detail=f"objection {objection.state}",
            request=request,
        )
        if not upheld:
            transaction.on_commit(lambda: notices.notice_entry_release(entry=entry, by=by, request=request))
    return objection


# --- the review committee's deliberation of the findings (national 第二十一条) ----------------------------------


def deliberation_rule(rulebook) -> NoticeSpec | None:
    """The notice rule of a rulebook that has objections reported to a committee, or None where it does not."""
    return NoticeSpec.objects.filter(rulebook=rulebook, objections_to_committee=True).first()


def undeliberated_objections(application: Application) -> int:
    """How many decided objections to this application have not yet been deliberated by the committee."""
    return (
        Objection.objects.filter(entry__application=application, deliberation__isnull=True)
        .exclude(state=ObjectionState.OPEN)
        .count()
    )


def deliberation_refusal(application: Application, rulebook) -> str | None:
    """Why the application cannot be approved yet under a rulebook that has objections reported to its committee
    (national 第二十一条: 对有异议的经验进行调查核实并报评审委员会审议); None when nothing waits for the committee."""
    rule = deliberation_rule(rulebook)
    if rule is None:
        return None
    waiting = undeliberated_objections(application)
    if not waiting:
        return None
    return _(
        "%(count)d objections to %(name)s have been investigated but not yet deliberated by the %(body)s "
        "(%(article)s); it cannot be approved before."
    ) % {
        "count": waiting,
        "name": application.applicant_name,
        "body": rule.committee_body,
        "article": rule.objections_article or rule.article,
    }


def objection_deliberation_record(
    *, objection: Objection, held_on, conclusion: str, by, request=None
) -> ObjectionDeliberation:
    """Record the review committee's deliberation of the office's findings on an objection (national 第二十一条).

    Office only (audited refusal); only under a rulebook that has findings reported to the committee, only once
    the findings are recorded, once per objection; the date cannot be in the future nor before the findings;
    the conclusion is required. Side effects: one ObjectionDeliberation and a CREATE audit row."""
    if not is_office(by):
        _refuse(by, objection, "only the award office records the committee's deliberation", request)
    objection = Objection.objects.select_related("notice__edition").get(pk=objection.pk)
    rule = deliberation_rule(objection.notice.edition.rulebook_id)
    if rule is None:
        raise ValidationError(_("The rulebook of this notice does not have objections reported to a committee."))
    conclusion = _required(conclusion, _("Write the committee's conclusion."))
    if held_on is None or held_on > timezone.localdate():
        raise ValidationError(_("The date of the deliberation cannot be in the future."))
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.state == ObjectionState.OPEN:
            raise ValidationError(_("Record the findings of the investigation first; the committee deliberates them."))
        if held_on < timezone.localdate(objection.decided_at):
            raise ValidationError(_("The committee cannot have deliberated the findings before they were recorded."))
        if ObjectionDeliberation.objects.filter(objection=objection).exists():
            raise ValidationError(_("The committee's deliberation of this objection is already recorded."))
        deliberation = ObjectionDeliberation.objects.create(
            objection=objection, body=rule.committee_body, held_on=held_on, conclusion=conclusion, recorded_by=by
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=deliberation,
            request=request,
            detail=f"objection {objection.reference} deliberated {held_on}",
        )
    return deliberation
