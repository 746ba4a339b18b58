"""The worklists of the roles that act on one part of the review (issue 10, item 5): a qualification department's
applications awaiting its signature, and the stages a third-party agency runs. Each row links to the page on which
the work is done (reviews:signoff, reviews:gate, reviews:visits, reviews:defence)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.enums import Role
from accounts.listing import paginate
from accounts.rules import role_required

from ..selectors import agency_stages, awaiting_signature
from ._common import RECORD_PAGES

PER_PAGE = 50

# --- pages ------------------------------------------------------------------------------------------------------


@role_required(Role.QUALIFICATION_DEPARTMENT)
@require_GET
def signatures(request):
    listing = paginate(request, awaiting_signature(request.user), per_page=PER_PAGE)
    return render(
        request,
        "reviews/worklists/signatures.html",
        {"department": request.user.department, "page": listing.page, "query": listing.query},
    )


@role_required(Role.AGENCY_STAFF)
@require_GET
def agency(request):
    listing = paginate(request, agency_stages(request.user), per_page=PER_PAGE)
    for row in listing.page:
        row.record_page = RECORD_PAGES.get(row.stage.kind)
    return render(
        request,
        "reviews/worklists/agency.html",
        {"agency": request.user.agency, "page": listing.page, "query": listing.query},
    )
