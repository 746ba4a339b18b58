"""The undertaking of confidentiality and independence an expert or agency member signs for an edition before
seeing its material (Zibo art. 22, Weihai art. 24, Linyi art. 24, national art. 15). Thin: reviews.undertakings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.enums import Role
from accounts.rules import role_required

from .. import selectors
from ..undertakings import undertaking_problem, undertaking_rules, undertaking_sign


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def gate(request, edition):
    """A redirect to the edition's undertaking page (with the reason as a message) while `request.user` has not
    signed it; None when they may see the material."""
    reason = undertaking_problem(user=request.user, edition=edition)
    if not reason:
        return None
    messages.warning(request, reason)
    url = f"{redirect('reviews:undertaking', edition_id=edition.pk).url}?next={request.get_full_path()}"
    return redirect(url)


@role_required(Role.EXPERT, Role.AGENCY_STAFF)
@require_http_methods(["GET", "POST"])
def undertaking(request, edition_id: int):
    edition = selectors.undertaking_edition(user=request.user, pk=edition_id)
    if edition is None:
        raise Http404
    rules = undertaking_rules(edition)
    if rules is None:
        raise Http404
    default = redirect("reviews:agency_stages" if request.user.agency_id else "reviews:queue").url
    if request.method == "POST":
        if request.POST.get("agree") != "yes":
            messages.error(request, _("Tick the box to sign the undertaking."))
        else:
            try:
                undertaking_sign(edition=edition, by=request.user, request=request)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Your undertaking has been recorded."))
                return redirect(_next(request, default))
    return render(
        request,
        "reviews/undertaking.html",
        {
            "edition": edition,
            "rules": rules,
            "signed": selectors.undertaking_signed(user=request.user, edition=edition),
            "next": _next(request, default),
            "pending": bool(undertaking_problem(user=request.user, edition=edition)),
        },
    )
