"""Writes of the reviews app: the expert pool, the experts' credit records and their declared ties."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import District, Organisation, User
from accounts.rules import has_any_role, is_office
from accounts.services import audit_record

from .enums import BARRING_KINDS, CreditRecordKind, TieKind
from .models import ExpertCreditRecord, ExpertProfile, ExpertTie


def _refuse(by, obj, reason: str, request=None):
    """Audit the refusal, then refuse. Called before any transaction opens, so the audit row survives."""
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def _is_expert_self(user, expert: ExpertProfile) -> bool:
    return has_any_role(user, Role.EXPERT) and user.pk == expert.user_id


def expert_register(
    *,
    user: User,
    full_name: str,
    employer_name: str,
    employer: Organisation | None = None,
    district: District | None = None,
    title: str = "",
    fields: Iterable[str] = (),
    industries: Iterable[str] = (),
    max_load: int = 20,
    by: User,
    request=None,
) -> ExpertProfile:
    """Add `user` to the expert pool (专家库). Office staff only.

    Side effects: inserts the ExpertProfile, adds the user to the expert role group, appends a CREATE audit row.
    A refusal appends a PERMISSION_REFUSED audit row. Refuses a user who already has a profile, and values the
    model does not accept (e.g. a load limit outside 1–200).
    """
    if not is_office(by):
        _refuse(by, user, "only office staff add experts", request)
    profile = ExpertProfile(
        user=user,
        full_name=(full_name or "").strip(),
        title=(title or "").strip(),
        employer=employer,
        employer_name=(employer_name or "").strip(),
        district=district,
        fields=list(fields),
        industries=list(industries),
        max_load=max_load,
    )
    with transaction.atomic():
        if ExpertProfile.objects.filter(user=user).exists():
            raise ValidationError(_("%(user)s is already in the expert pool.") % {"user": user})
        profile.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError:  # registered concurrently
            raise ValidationError(_("%(user)s is already in the expert pool.") % {"user": user}) from None
        user.groups.add(Group.objects.get(name=Role.EXPERT.value))
        user.__dict__.pop("_role_names", None)
        audit_record(action=AuditAction.CREATE, actor=by, obj=profile, request=request)
    return profile


def expert_credit_record_add(
    *, expert: ExpertProfile, kind: str, note: str, article: str = "", by: User, request=None
) -> ExpertCreditRecord:
    """Append an entry to the expert's credit record. Office staff only.

    A barring entry (``BARRING_KINDS``: removal from review work for misconduct) also marks the expert unavailable,
    and ``reviews.selectors.experts_assignable`` leaves them out for good: an expert removed for misconduct is not
    engaged again (Zibo art. 21, Weihai art. 25, Linyi art. 26).

    Side effects: inserts the ExpertCreditRecord (append-only) and a CREATE audit row; for a barring entry, locks
    the expert row, saves ``available=False`` (also on the instance passed in) and appends an UPDATE audit row. A
    refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, expert, "only office staff write experts' credit records", request)
    if kind not in CreditRecordKind.values:
        raise ValidationError(_("Unknown kind of credit record: %(kind)s.") % {"kind": kind})
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write what happened."))
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
        record = ExpertCreditRecord.objects.create(
            expert=locked, kind=kind, note=note, article=(article or "").strip(), recorded_by=by
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=record, detail=record.article, request=request)
        if kind in BARRING_KINDS:
            was_available = locked.available
            locked.available = False
            locked.save(update_fields=["available"])
            expert.available = False
            if was_available:
                audit_record(
                    action=AuditAction.UPDATE,
                    actor=by,
                    obj=locked,
                    detail=f"barred from assignment: {CreditRecordKind(kind).label}",
                    request=request,
                )
    return record


def expert_tie_declare(
    *,
    expert: ExpertProfile,
    organisation: Organisation,
    kind: str,
    since: date | None = None,
    until: date | None = None,
    note: str = "",
    by: User,
    request=None,
) -> ExpertTie:
    """Record a tie between the expert and a unit (consulting, former employment, a relative, …), which makes the
    expert conflicted for that unit (see ``reviews.conflicts``). The expert declares their own ties; office staff
    may record one for any expert.

    Side effects: inserts the ExpertTie and a CREATE audit row. A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not (is_office(by) or _is_expert_self(by, expert)):
        _refuse(by, expert, "only the expert or office staff declare an expert's ties", request)
    if kind not in TieKind.values:
        raise ValidationError(_("Unknown kind of tie: %(kind)s.") % {"kind": kind})
    if since is not None and until is not None and until < since:
        raise ValidationError(_("The tie cannot end before it began."))
    with transaction.atomic():
        tie = ExpertTie.objects.create(
            expert=expert, organisation=organisation, kind=kind, since=since, until=until, note=(note or "").strip()
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=tie, request=request)
    return tie
