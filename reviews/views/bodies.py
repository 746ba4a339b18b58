"""The office forms an edition's review bodies: a committee (Linyi art. 9; national art. 13), review or specialty
groups with their leaders (national art. 14), seats the experts, and confirms the composition the rulebook asks
for. Thin: each action calls its service in reviews.bodies."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.enums import Role
from accounts.rules import has_any_role, role_required

from .. import selectors
from ..bodies import (
    body_approval_record,
    body_composition_problems,
    body_confirm,
    body_create,
    body_member_add,
    body_member_remove,
    review_rules,
)
from ..enums import BODY_ROLES, MemberRole, ReviewBodyKind


def _flash(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
@require_GET
def bodies(request, edition_id: int):
    edition = selectors.edition_for_office(pk=edition_id)
    rules = review_rules(edition.rulebook)  # one query, for every body
    rows = [
        {
            "body": body,
            "members": list(body.members.all()),
            "roles": [MemberRole(role) for role in MemberRole.values if role in BODY_ROLES[ReviewBodyKind(body.kind)]],
            "problems": [] if body.confirmed_at else body_composition_problems(body),
            "approval": rules
            if body.kind == ReviewBodyKind.REVIEW_COMMITTEE and rules.committee_approved_by
            else None,
        }
        for body in selectors.edition_review_bodies(edition=edition)
    ]
    return render(
        request,
        "reviews/bodies.html",
        {
            "edition": edition,
            "rows": rows,
            "kinds": ReviewBodyKind.choices,
            "experts": selectors.experts_assignable().order_by("full_name", "pk"),
            "can_act": has_any_role(request.user, Role.OFFICE_STAFF),
        },
    )


@role_required(Role.OFFICE_STAFF)
@require_POST
def body_new(request, edition_id: int):
    edition = selectors.edition_for_office(pk=edition_id)
    try:
        body = body_create(
            edition=edition,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", "")[:120],
            field=request.POST.get("field", "")[:120],
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("%(body)s has been formed; seat its members.") % {"body": body.name})
    return redirect("reviews:bodies", edition_id=edition.pk)


@role_required(Role.OFFICE_STAFF)
@require_POST
def body_member_new(request, edition_id: int, pk: int):
    edition = selectors.edition_for_office(pk=edition_id)
    body = selectors.review_body_for_office(edition=edition, pk=pk)
    expert_id = request.POST.get("expert", "")
    if not expert_id.isdigit():
        messages.error(request, _("Choose the expert."))
        return redirect("reviews:bodies", edition_id=edition.pk)
    try:
        member = body_member_add(
            body=body,
            expert=selectors.expert_for_body(pk=int(expert_id)),
            role=request.POST.get("role", ""),
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("%(member)s has been seated on %(body)s.") % {"member": member, "body": body.name})
    return redirect("reviews:bodies", edition_id=edition.pk)


@role_required(Role.OFFICE_STAFF)
@require_POST
def body_member_off(request, edition_id: int, pk: int, expert_id: int):
    edition = selectors.edition_for_office(pk=edition_id)
    body = selectors.review_body_for_office(edition=edition, pk=pk)
    try:
        body_member_remove(body=body, expert=selectors.expert_for_body(pk=expert_id), by=request.user, request=request)
    except ValidationError as error:
        _flash(request, error)
    return redirect("reviews:bodies", edition_id=edition.pk)


@role_required(Role.OFFICE_STAFF)
@require_POST
def body_confirm_view(request, edition_id: int, pk: int):
    edition = selectors.edition_for_office(pk=edition_id)
    body = selectors.review_body_for_office(edition=edition, pk=pk)
    try:
        body_confirm(body=body, by=request.user, request=request)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The composition of %(body)s is confirmed.") % {"body": body.name})
    return redirect("reviews:bodies", edition_id=edition.pk)


@role_required(Role.OFFICE_STAFF)
@require_POST
def body_approval_view(request, edition_id: int, pk: int):
    edition = selectors.edition_for_office(pk=edition_id)
    body = selectors.review_body_for_office(edition=edition, pk=pk)
    raw = request.POST.get("approved_on", "")
    try:
        approved_on = date.fromisoformat(raw) if raw else None
    except ValueError:
        messages.error(request, _("Give the date of the approval."))
        return redirect("reviews:bodies", edition_id=edition.pk)
    try:
        body_approval_record(
            body=body,
            approved_on=approved_on,
            document=request.POST.get("document", "")[:200],
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The approval of %(body)s is recorded.") % {"body": body.name})
    return redirect("reviews:bodies", edition_id=edition.pk)
