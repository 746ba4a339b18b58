"""Writes of the reviews app: the expert pool, the experts' credit records and their declared ties."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import District, Organisation, User
from accounts.rules import has_any_role, is_office
from accounts.services import audit_record

from .enums import BARRING_KINDS, CreditRecordKind, RemovalBodyKind, TieKind
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
    *, expert: ExpertProfile, kind: str, note: str, article: str = "", by: User, edition=None, request=None
) -> ExpertCreditRecord:
    """Append an entry to the expert's credit record. Office staff only.

    A barring entry (``BARRING_KINDS``: removal from review work for misconduct) also marks the expert unavailable,
    and ``reviews.selectors.experts_assignable`` leaves them out for good: an expert removed for misconduct is not
    engaged again (Zibo art. 21, Weihai art. 25, Linyi art. 26).

    A removal in an edition (`edition` given) is recorded as the decision of the body its rulebook names
    (``ReviewRules.removal_body`` and ``removal_article``, which replace a typed article): Zibo art. 21 the
    supervision group, Weihai art. 25 the office, Linyi art. 26 the review committee — for Linyi the edition's
    acting committee (``reviews.bodies.acting_committee``: confirmed, odd, approved), refused without one.

    Side effects: inserts the ExpertCreditRecord (append-only) and a CREATE audit row; for a barring entry, locks
    the expert row, saves ``available=False`` (also on the instance passed in) and appends an UPDATE audit row. A
    refusal appends a PERMISSION_REFUSED audit row.
    """
    from .bodies import acting_committee, review_rules

    if not is_office(by):
        _refuse(by, expert, "only office staff write experts' credit records", request)
    if kind not in CreditRecordKind.values:
        raise ValidationError(_("Unknown kind of credit record: %(kind)s.") % {"kind": kind})
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write what happened."))
    article = (article or "").strip()
    decided_by, committee = "", None
    if edition is not None and kind in BARRING_KINDS:
        rules = review_rules(edition.rulebook)
        if rules.removal_body:
            decided_by, article = rules.removal_body, rules.removal_article
        if rules.removal_body_kind == RemovalBodyKind.REVIEW_COMMITTEE:
            committee = acting_committee(edition)
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
        record = ExpertCreditRecord.objects.create(
            expert=locked,
            kind=kind,
            note=note,
            article=article,
            edition=edition,
            decided_by=decided_by,
            committee=committee,
            recorded_by=by,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=record,
            detail=f"{record.article} {decided_by}".strip(),
            request=request,
        )
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


# --- the expert pool kept in the portal (reviews.views.experts) ----------------------------------------------
#
# Accounts of new experts get no password from the office. The account is created with an unusable password and
# the expert sets one through a link (Django's password-reset token): the office never knows the password, the
# link stops working once a password is set (the token signs the password hash) and expires after
# PASSWORD_RESET_TIMEOUT. A generated initial password shown on screen would be known to the office, could be
# read over a shoulder or kept in a browser's history, and would stay valid until the expert chose to change it.


def _field_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(message) for item in items for message in item.messages]
            for name, items in error.error_dict.items()
        }
    return {"__all__": list(error.messages)}


def expert_password_path(*, user: User) -> str:
    """The path of the one-time page on which the expert sets the password of a new account."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return reverse(
        "reviews:expert_password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _welcome_mail(user_id: int) -> None:
    """Mail the expert the link to set a password (after the commit; a mail server that fails does not undo the
    account, and the office was shown the link)."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email or not user.is_active or user.has_usable_password():
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "link": settings.PORTAL_BASE_URL.rstrip("/") + expert_password_path(user=user)}
        subject = render_to_string("reviews/experts/mail/welcome_subject.txt", context).strip()
        body = render_to_string("reviews/experts/mail/welcome.txt", context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send(fail_silently=True)


def _account_problems(*, username: str, phone: str) -> dict[str, list[str]]:
    from .expert_import import normalise_mobile
    from .selectors import accounts_taken

    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("Enter a username.")]
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["username"] = [_("A username may hold only letters, digits and @ . + - _.")]
    if not normalise_mobile(phone):
        errors["phone"] = [_("Enter a mainland mobile number of 11 digits, e.g. 13800000000.")]
    if errors:
        return errors
    taken = accounts_taken(usernames=[username], phones=[normalise_mobile(phone)])
    if taken["usernames"]:
        existing = ExpertProfile.objects.filter(user__username__iexact=username).select_related("user").first()
        if existing is not None:
            errors["username"] = [
                _("%(name)s (username %(username)s) is already in the expert pool.")
                % {"name": existing.full_name, "username": existing.user.username}
            ]
        else:
            errors["username"] = [_("The username %(username)s is taken by another account.") % {"username": username}]
    if taken["phones"]:
        errors["phone"] = [_("The mobile number %(phone)s belongs to another account.") % {"phone": phone}]
    return errors


def expert_create(
    *,
    by: User,
    username: str,
    full_name: str,
    phone: str,
    employer_name: str,
    email: str = "",
    title: str = "",
    employer: Organisation | None = None,
    district: District | None = None,
    fields: Iterable[str] = (),
    industries: Iterable[str] = (),
    max_load: int = 20,
    ties: Iterable[dict] = (),
    request=None,
) -> ExpertProfile:
    """Create an expert's account and profile in one transaction (the office's form and the .xlsx import).
    Office staff only.

    The account gets the expert role and an unusable password: the expert sets one through the link of
    ``expert_password_path`` (mailed after the commit when an e-mail address is given, and shown to the office
    once). ``ties`` are ExpertTie values (``organisation``, ``kind``, optional ``since``, ``until``, ``note``),
    declared through ``expert_tie_declare``.

    Side effects: inserts the User (CREATE audit row naming the role), then ``expert_register`` (ExpertProfile,
    role group, CREATE audit row) and one ``expert_tie_declare`` per tie; queues the welcome mail on commit.
    Refuses, saving nothing, a username or mobile number another account has (with a separate message when that
    account is already an expert) and values the profile does not accept: ValidationError keyed by field. A
    refusal of a non-office user appends a PERMISSION_REFUSED audit row.
    """
    from .expert_import import normalise_mobile

    if not is_office(by):
        _refuse(by, None, "only office staff create experts", request)
    username = (username or "").strip()
    email = (email or "").strip()
    full_name = (full_name or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    with transaction.atomic():
        errors = _account_problems(username=username, phone=phone)
        if errors:
            raise ValidationError(errors)
        user = User(
            username=username,
            display_name=full_name[:60],
            phone=normalise_mobile(phone),
            email=email,
            district=district,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same username created at the same moment
            raise ValidationError(
                {"username": _("The username %(username)s is taken by another account.") % {"username": username}}
            ) from None
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=user,
            detail=f"expert account, role {Role.EXPERT.value}; password to be set by the expert",
            request=request,
        )
        profile = expert_register(
            user=user,
            full_name=full_name,
            employer_name=employer_name,
            employer=employer,
            district=district,
            title=title,
            fields=fields,
            industries=industries,
            max_load=max_load,
            by=by,
            request=request,
        )
        for tie in ties:
            expert_tie_declare(expert=profile, by=by, request=request, **tie)
        if email:
            transaction.on_commit(lambda: _welcome_mail(user.pk))
    return profile


def expert_password_link_renew(*, expert: ExpertProfile, by: User, request=None) -> str:
    """Give a new password-set link to an expert who has not set a password yet (the first link expired or was
    lost). Office staff only; once the expert has a password, they change it themselves and the office cannot
    take the account over this way.

    Side effects: an UPDATE audit row on the user; the link mailed on commit when the user has an e-mail address.
    Returns the link's path. A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, expert, "only office staff issue password-set links", request)
    user = expert.user
    if user.has_usable_password():
        raise ValidationError(_("%(name)s has set a password already; they change it themselves.") % {"name": expert})
    if not user.is_active:
        raise ValidationError(_("The account of %(name)s is disabled.") % {"name": expert})
    with transaction.atomic():
        audit_record(action=AuditAction.UPDATE, actor=by, obj=user, detail="password-set link issued", request=request)
        if user.email:
            transaction.on_commit(lambda: _welcome_mail(user.pk))
    return expert_password_path(user=user)


# What the office may change on a profile (ExpertProfile fields); the account's own fields are the expert's.
EXPERT_EDITABLE = (
    "full_name",
    "title",
    "employer_name",
    "employer",
    "district",
    "fields",
    "industries",
    "max_load",
    "available",
)


def expert_update(*, expert: ExpertProfile, by: User, request=None, **changes) -> ExpertProfile:
    """Change the profile of an expert (the names of ``EXPERT_EDITABLE``). Office staff only. An expert barred
    by their credit record cannot be marked available again.

    Side effects: locks the row, saves the changed fields, appends an UPDATE audit row naming them (none when
    nothing changed). A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, expert, "only office staff change experts", request)
    unknown = set(changes) - set(EXPERT_EDITABLE)
    if unknown:
        raise TypeError(f"expert_update cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
        for name in ("full_name", "title", "employer_name"):
            if name in changes:
                changes[name] = (changes[name] or "").strip()
        for name in ("fields", "industries"):
            if name in changes:
                changes[name] = list(changes[name])
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        if changes.get("available") and locked.credit_records.filter(kind__in=sorted(BARRING_KINDS)).exists():
            raise ValidationError(
                {"available": _("%(name)s is barred from review work by their credit record.") % {"name": locked}}
            )
        for name in changed:
            setattr(locked, name, changes[name])
        locked.full_clean(validate_unique=False)
        locked.save(update_fields=changed)
        audit_record(
            action=AuditAction.UPDATE, actor=by, obj=locked, detail="changed: " + ", ".join(changed), request=request
        )
    return locked


def expert_deactivate(*, expert: ExpertProfile, reason: str, by: User, request=None) -> ExpertProfile:
    """Take an expert out of the pool: ``reviews.selectors.experts_assignable`` leaves them out, so they get no
    new assignment and sit on no new review body. Office staff only.

    What the expert already has is kept: live assignments stay (the office replaces them on the stage board
    where the work must still be done), and the account keeps working, so the expert still reads their past
    assignments and sheets and finishes what is theirs. This is not the misconduct bar (a credit record,
    ``expert_credit_record_add``), which is for good.

    Side effects: locks the row, sets ``deactivated_at`` and ``deactivation_reason``, appends an UPDATE audit row
    with the reason. A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, expert, "only office staff deactivate experts", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the expert leaves the pool."))
    if len(reason) > ExpertProfile._meta.get_field("deactivation_reason").max_length:
        raise ValidationError(_("The reason is too long; keep it under 300 characters."))
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
        if locked.deactivated_at is not None:
            raise ValidationError(_("%(name)s is already deactivated.") % {"name": locked})
        locked.deactivated_at = timezone.now()
        locked.deactivation_reason = reason
        locked.save(update_fields=["deactivated_at", "deactivation_reason"])
        audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail=f"deactivated: {reason}", request=request)
    expert.deactivated_at, expert.deactivation_reason = locked.deactivated_at, locked.deactivation_reason
    return locked


def expert_reactivate(*, expert: ExpertProfile, reason: str, by: User, request=None) -> ExpertProfile:
    """Bring a deactivated expert back into the pool. Office staff only. An expert barred by their credit record
    stays out: the bar is for good (Zibo art. 21, Weihai art. 25, Linyi art. 26).

    Side effects: locks the row, clears ``deactivated_at`` and ``deactivation_reason``, appends an UPDATE audit
    row with the reason. A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, expert, "only office staff reactivate experts", request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the expert returns to the pool."))
    if len(reason) > 300:
        raise ValidationError(_("The reason is too long; keep it under 300 characters."))
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
        if locked.deactivated_at is None:
            raise ValidationError(_("%(name)s is in the pool already.") % {"name": locked})
        if locked.credit_records.filter(kind__in=sorted(BARRING_KINDS)).exists():
            raise ValidationError(
                _("%(name)s is barred from review work by their credit record and cannot return.") % {"name": locked}
            )
        locked.deactivated_at = None
        locked.deactivation_reason = ""
        locked.save(update_fields=["deactivated_at", "deactivation_reason"])
        audit_record(action=AuditAction.UPDATE, actor=by, obj=locked, detail=f"reactivated: {reason}", request=request)
    expert.deactivated_at, expert.deactivation_reason = None, ""
    return locked


class ImportRefused(ValidationError):
    """Some rows of an import have errors; ``rows`` holds every row with its errors. Nothing was imported."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__(_("Some rows have errors; nothing was imported."))


def expert_import_check(rows):
    """Validate parsed rows (``reviews.expert_import.ExpertRow``) against each other and the accounts that exist
    now. Returns the rows with their errors; writes nothing."""
    from .expert_import import normalise_mobile, validate_rows
    from .selectors import accounts_taken

    taken = accounts_taken(
        usernames=[row.username for row in rows], phones=[normalise_mobile(row.phone) for row in rows]
    )
    return validate_rows(rows, taken_usernames=taken["usernames"], taken_phones=taken["phones"])


def expert_import(*, rows, by: User, file_name: str = "", request=None) -> list[ExpertProfile]:
    """Import the experts of a checked file: all rows or none. Office staff only.

    The rows are checked again (another user may have taken a username since the preview); one row with an error
    raises ImportRefused and nothing is imported. Each row goes through ``expert_create`` in one transaction, so a
    failure of any row (a race on a username) rolls back every row.

    Side effects: per row those of ``expert_create``; one CREATE audit row for the import (file name, count). A
    refusal of a non-office user appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, None, "only office staff import experts", request)
    rows = expert_import_check(rows)
    if not rows or any(row.errors for row in rows):
        raise ImportRefused(rows)
    created = []
    with transaction.atomic():
        for row in rows:
            try:
                created.append(expert_create(by=by, request=request, **row.service_arguments()))
            except ValidationError as error:
                row.errors = [message for messages in _field_errors(error).values() for message in messages]
                raise ImportRefused(rows) from None
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            detail=f"expert import {file_name}: {len(created)} experts".replace("  ", " "),
            request=request,
        )
    return created
