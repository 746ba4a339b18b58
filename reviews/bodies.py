"""Review bodies per edition: review committees (Linyi art. 9, national art. 12–13), review groups (Zibo, Weihai)
and specialty groups (national art. 14) — their writes and the check of their composition against the rulebook.

The composition rules are data on ``awards.Rulebook`` (``committee_*``, ``group_article``): this module reads them
and restates none, so a new city's committee rules need no code.
"""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult
from accounts.models import User
from accounts.rules import is_office
from accounts.services import audit_record
from awards.models import Edition

from .enums import BODY_ROLES, MemberRole, ReviewBodyKind
from .models import ExpertProfile, ReviewBody, ReviewBodyMember, ReviewRules
from .selectors import experts_assignable


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


def _citation(body: ReviewBody, article: str) -> dict[str, str]:
    """The scheme and the article a problem cites; the rulebook's own title where it gives no article."""
    rulebook = body.edition.rulebook
    return {"scheme": body.edition.scheme.name, "article": article or str(rulebook)}


def _committee_problems(body: ReviewBody, roles: Counter) -> list[str]:
    rulebook = body.edition.rulebook
    cite = _citation(body, rulebook.committee_article)
    problems = []
    chairs = roles[MemberRole.CHAIR]
    if chairs != rulebook.committee_chairs:
        problems.append(
            _("%(scheme)s %(article)s: the review committee must have %(expected)d chair(s); it has %(count)d.")
            % {**cite, "expected": rulebook.committee_chairs, "count": chairs}
        )
    low, high = rulebook.committee_vice_chairs_min, rulebook.committee_vice_chairs_max
    vice = roles[MemberRole.VICE_CHAIR]
    message = None
    if low is not None and high is not None and not low <= vice <= high:
        if low == high:
            message = _(
                "%(scheme)s %(article)s: the review committee must have %(min)d vice chair(s); it has %(count)d."
            )
        else:
            message = _(
                "%(scheme)s %(article)s: the review committee must have %(min)d to %(max)d vice chairs; "
                "it has %(count)d."
            )
    elif low is not None and high is None and vice < low:
        message = _(
            "%(scheme)s %(article)s: the review committee must have at least %(min)d vice chair(s); it has %(count)d."
        )
    elif high is not None and low is None and vice > high:
        message = _(
            "%(scheme)s %(article)s: the review committee may have at most %(max)d vice chair(s); it has %(count)d."
        )
    if message:
        problems.append(message % {**cite, "min": low or 0, "max": high or 0, "count": vice})
    total = sum(roles.values())
    if rulebook.committee_size_odd and total % 2 == 0:
        problems.append(
            _("%(scheme)s %(article)s: the review committee must have an odd number of members; it has %(count)d.")
            % {**cite, "count": total}
        )
    return problems


def _group_problems(body: ReviewBody, roles: Counter) -> list[str]:
    leaders = roles[MemberRole.LEADER]
    if leaders == 1:
        return []
    cite = _citation(body, body.edition.rulebook.group_article)
    if body.kind == ReviewBodyKind.SPECIALTY_GROUP:
        message = _("%(scheme)s %(article)s: a specialty group must have exactly one leader; it has %(count)d.")
    else:
        # The texts of Zibo and Weihai give the review group no leader, but the group's agreed scores need one
        # member who records them (issue 4, item 7).
        message = _("%(scheme)s %(article)s: a review group must have exactly one leader; it has %(count)d.")
    return [message % {**cite, "count": leaders}]


def body_composition_problems(body: ReviewBody) -> list[str]:
    """Why the body's members do not make up the body its rulebook asks for; empty when they do.

    A review committee: exactly ``committee_chairs`` chairs, vice chairs within
    ``committee_vice_chairs_min``..``committee_vice_chairs_max`` (an empty limit is no limit), an odd total when
    ``committee_size_odd`` (Linyi art. 9). A review or specialty group: exactly one leader (national art. 14). Every
    message cites the scheme and the article. Reads the members once (uses the prefetch cache when present).
    """
    members = list(body.members.all())
    problems = []
    allowed = BODY_ROLES[ReviewBodyKind(body.kind)]
    for member in members:
        if member.role not in allowed:
            problems.append(
                _("%(expert)s has the role %(role)s, which a body of the kind %(kind)s does not have.")
                % {"expert": member.expert, "role": member.get_role_display(), "kind": body.get_kind_display()}
            )
    roles = Counter(member.role for member in members)
    if body.kind == ReviewBodyKind.REVIEW_COMMITTEE:
        problems += _committee_problems(body, roles)
    else:
        problems += _group_problems(body, roles)
    return problems


def body_create(*, edition: Edition, kind: str, name: str, field: str = "", by: User, request=None) -> ReviewBody:
    """Form a review body for the edition. Office staff only; the edition need not be open.

    Side effects: inserts the ReviewBody and a CREATE audit row. A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, edition, "only office staff form review bodies", request)
    if kind not in ReviewBodyKind.values:
        raise ValidationError(_("Unknown kind of review body: %(kind)s.") % {"kind": kind})
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the review body a name."))
    with transaction.atomic():
        if ReviewBody.objects.filter(edition=edition, name=name).exists():
            raise ValidationError(_("This edition already has a review body named %(name)s.") % {"name": name})
        try:
            with transaction.atomic():
                body = ReviewBody.objects.create(edition=edition, kind=kind, name=name, field=(field or "").strip())
        except IntegrityError:  # formed concurrently
            raise ValidationError(
                _("This edition already has a review body named %(name)s.") % {"name": name}
            ) from None
        audit_record(action=AuditAction.CREATE, actor=by, obj=body, request=request)
    return body


def _expert_unassignable_reason(expert: ExpertProfile) -> str:
    """Why the expert may not sit on a body (the same test as assignment: ``experts_assignable``); empty if none."""
    if experts_assignable().filter(pk=expert.pk).exists():
        return ""
    fresh = ExpertProfile.objects.select_related("user").prefetch_related("credit_records").get(pk=expert.pk)
    if fresh.barred:
        return _("%(expert)s was removed from review work and may not be engaged again.") % {"expert": fresh}
    if not fresh.user.is_active:
        return _("The account of %(expert)s is inactive.") % {"expert": fresh}
    return _("%(expert)s is marked unavailable.") % {"expert": fresh}


def review_rules(rulebook) -> ReviewRules:
    """The rulebook's review rules (an unsaved empty row where the data has none: no approval, no field match,
    no undertaking, no removal body)."""
    return ReviewRules.objects.filter(rulebook=rulebook).first() or ReviewRules(rulebook=rulebook)


def _field_mismatch(body: ReviewBody, expert: ExpertProfile) -> str:
    """National art. 12: an expert of the matching field — refused when the body has a specialty the expert's
    fields of expertise do not include (only where the rulebook's data asks for the match)."""
    rules = review_rules(body.edition.rulebook)
    if not rules.field_match_article or not body.field or body.field in (expert.fields or []):
        return ""
    return _(
        "%(scheme)s %(article)s: the members are experts of the matching field; %(expert)s's fields (%(fields)s) "
        "do not include %(field)s."
    ) % {
        "scheme": body.edition.scheme.name,
        "article": rules.field_match_article,
        "expert": expert,
        "fields": "、".join(expert.fields or []) or "—",
        "field": body.field,
    }


def _withdraw_confirmation(body: ReviewBody, by: User, request) -> None:
    """A confirmed body whose members change must be confirmed again (and approved again: the approval was of
    the composition that changed)."""
    if body.confirmed_at is None:
        return
    body.confirmed_at = None
    body.confirmed_by = None
    body.approved_on = None
    body.approval_document = ""
    body.approval_recorded_by = None
    body.approval_recorded_at = None
    body.save(
        update_fields=[
            "confirmed_at",
            "confirmed_by",
            "approved_on",
            "approval_document",
            "approval_recorded_by",
            "approval_recorded_at",
        ]
    )
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        obj=body,
        detail="confirmation withdrawn: members changed",
        request=request,
    )


def body_member_add(*, body: ReviewBody, expert: ExpertProfile, role: str, by: User, request=None) -> ReviewBodyMember:
    """Seat an expert on a review body in a role the body has (a committee: chair, vice chair, member; a group:
    leader, member). Office staff only. Refuses an expert who may not be assigned (barred by their credit record,
    unavailable, inactive account) and an expert already on the body.

    Side effects: inserts the ReviewBodyMember and a CREATE audit row; if the body was confirmed, clears its
    confirmation and appends a STATE_CHANGE audit row. A refusal appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, body, "only office staff seat experts on review bodies", request)
    if role not in MemberRole.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role})
    if role not in BODY_ROLES[ReviewBodyKind(body.kind)]:
        raise ValidationError(
            _("A body of the kind %(kind)s has no role %(role)s.")
            % {"kind": body.get_kind_display(), "role": MemberRole(role).label}
        )
    reason = _expert_unassignable_reason(expert) or _field_mismatch(body, expert)
    if reason:
        raise ValidationError(reason)
    already = _("%(expert)s is already a member of %(body)s.") % {"expert": expert, "body": body.name}
    with transaction.atomic():
        locked = ReviewBody.objects.select_for_update().get(pk=body.pk)
        if ReviewBodyMember.objects.filter(body=locked, expert=expert).exists():
            raise ValidationError(already)
        try:
            with transaction.atomic():
                member = ReviewBodyMember.objects.create(body=locked, expert=expert, role=role)
        except IntegrityError:  # seated concurrently
            raise ValidationError(already) from None
        audit_record(action=AuditAction.CREATE, actor=by, obj=member, detail=f"{locked.pk}: {role}", request=request)
        _withdraw_confirmation(locked, by, request)
    _copy_state(body, locked)
    return member


def body_member_remove(*, body: ReviewBody, expert: ExpertProfile, by: User, request=None) -> None:
    """Take an expert off a review body. Office staff only.

    Side effects: deletes the ReviewBodyMember and appends an UPDATE audit row on the body naming the expert and
    role; if the body was confirmed, clears its confirmation and appends a STATE_CHANGE audit row. A refusal
    appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, body, "only office staff take experts off review bodies", request)
    with transaction.atomic():
        locked = ReviewBody.objects.select_for_update().get(pk=body.pk)
        member = ReviewBodyMember.objects.filter(body=locked, expert=expert).first()
        if member is None:
            raise ValidationError(
                _("%(expert)s is not a member of %(body)s.") % {"expert": expert, "body": locked.name}
            )
        role = member.role
        member.delete()
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=locked,
            detail=f"member removed: expert {expert.pk} ({role})",
            request=request,
        )
        _withdraw_confirmation(locked, by, request)
    _copy_state(body, locked)


def _copy_state(body: ReviewBody, locked: ReviewBody) -> None:
    for name in ("confirmed_at", "confirmed_by", "approved_on", "approval_document", "approval_recorded_by"):
        setattr(body, name, getattr(locked, name))
    body.approval_recorded_at = locked.approval_recorded_at


def body_confirm(*, body: ReviewBody, by: User, request=None) -> ReviewBody:
    """Confirm the body's composition. Office staff only. Refused with every problem of
    ``body_composition_problems`` unless there are none — e.g. a Linyi committee of an even size (art. 9).

    Side effects: locks the body, saves ``confirmed_at`` and ``confirmed_by`` (also on the instance passed in) and
    appends a STATE_CHANGE audit row. A refusal by role appends a PERMISSION_REFUSED audit row.
    """
    if not is_office(by):
        _refuse(by, body, "only office staff confirm review bodies", request)
    with transaction.atomic():
        locked = (
            ReviewBody.objects.select_for_update(of=("self",))
            .select_related("edition__rulebook", "edition__scheme")
            .get(pk=body.pk)
        )
        if locked.confirmed_at is not None:
            raise ValidationError(_("%(body)s is already confirmed.") % {"body": locked.name})
        problems = body_composition_problems(locked)
        if problems:
            raise ValidationError(problems)
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = by
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_record(
            action=AuditAction.STATE_CHANGE,
            actor=by,
            obj=locked,
            detail=f"confirmed with {locked.members.count()} members",
            request=request,
        )
    body.confirmed_at, body.confirmed_by = locked.confirmed_at, locked.confirmed_by
    return body


def approval_needed(body: ReviewBody) -> ReviewRules | None:
    """The rules naming the body that approves this committee (Linyi art. 7(四)); None when nobody does."""
    if body.kind != ReviewBodyKind.REVIEW_COMMITTEE:
        return None
    rules = review_rules(body.edition.rulebook)
    return rules if rules.committee_approved_by else None


def body_approval_record(*, body: ReviewBody, approved_on, document: str, by: User, request=None) -> ReviewBody:
    """Record that the body the rulebook names approved the review committee (Linyi art. 7(四): the leading group
    批准成立 the 评审委), from that body's document or minutes. Office staff only. Refused for a body no rulebook
    approval applies to, before its composition is confirmed, twice, without the document, or dated in the future.

    Side effects: locks the body, saves ``approved_on``, ``approval_document``, ``approval_recorded_by`` and
    ``approval_recorded_at`` (also on the instance passed in), appends a STATE_CHANGE audit row. A refusal by role
    appends a PERMISSION_REFUSED audit row. A later change of the members withdraws the approval with the
    confirmation.
    """
    if not is_office(by):
        _refuse(by, body, "only office staff record the approval of a review committee", request)
    rules = approval_needed(body)
    if rules is None:
        raise ValidationError(
            _("%(rulebook)s has no approval of %(body)s to record.")
            % {"rulebook": body.edition.rulebook.title, "body": body.name}
        )
    document = (document or "").strip()
    if not document:
        raise ValidationError(_("Give the document number or the minutes of the approval."))
    if approved_on is None:
        raise ValidationError(_("Give the date of the approval."))
    if approved_on > timezone.localdate():
        raise ValidationError(_("The date of the approval cannot be in the future."))
    with transaction.atomic():
        locked = ReviewBody.objects.select_for_update().get(pk=body.pk)
        if locked.confirmed_at is None:
            raise ValidationError(
                _("Confirm the composition of %(body)s before recording its approval (%(scheme)s %(article)s).")
                % {
                    "body": locked.name,
                    "scheme": body.edition.scheme.name,
                    "article": body.edition.rulebook.committee_article,
                }
            )
        if locked.approved_on is not None:
            raise ValidationError(_("The approval of %(body)s is already recorded.") % {"body": locked.name})
        locked.approved_on = approved_on
        locked.approval_document = document[:200]
        locked.approval_recorded_by = by
        locked.approval_recorded_at = timezone.now()
        locked.save(update_fields=["approved_on", "approval_document", "approval_recorded_by", "approval_recorded_at"])
        audit_record(
            action=AuditAction.STATE_CHANGE,
            actor=by,
            obj=locked,
            detail=f"approved by {rules.committee_approved_by} on {approved_on.isoformat()} "
            f"({rules.committee_approval_article}): {locked.approval_document}",
            request=request,
        )
    _copy_state(body, locked)
    return body


def acting_committee(edition: Edition) -> ReviewBody:
    """The edition's review committee, ready to act: confirmed, of the composition its rulebook asks for (Linyi
    art. 9: an odd number), and approved where the rulebook names a body that approves it (Linyi art. 7(四)).
    Refuses, citing the article, when there is none. The members are prefetched (``members.all()`` costs nothing)."""
    rulebook = edition.rulebook
    committee = (
        ReviewBody.objects.filter(edition=edition, kind=ReviewBodyKind.REVIEW_COMMITTEE, confirmed_at__isnull=False)
        .select_related("edition__rulebook", "edition__scheme")
        .prefetch_related("members")
        .order_by("pk")
        .first()
    )
    scheme = edition.scheme.name
    if committee is None:
        raise ValidationError(
            _("%(scheme)s %(article)s: the edition has no confirmed review committee; it cannot act.")
            % {"scheme": scheme, "article": rulebook.committee_article or rulebook.title}
        )
    problems = body_composition_problems(committee)
    if problems:
        raise ValidationError(problems)
    rules = approval_needed(committee)
    if rules is not None and not committee.approved:
        raise ValidationError(
            _("%(scheme)s %(article)s: %(approver)s has not approved %(body)s; it cannot act before.")
            % {
                "scheme": scheme,
                "article": rules.committee_approval_article,
                "approver": rules.committee_approved_by,
                "body": committee.name,
            }
        )
    return committee
