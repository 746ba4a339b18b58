"""One way every growing list of the portal is paged: the page of rows and the query string that keeps the
filters when the reader moves to another page (used by templates/includes/pagination.html)."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator


@dataclass(frozen=True)
class Listing:
    page: Page
    query: str  # the request's query string without `page`, for the links of the pagination include


def paginate(request, rows, *, per_page: int) -> Listing:
    """Page `rows` (a queryset, already filtered and ordered) by the request's `page` parameter; a page number
    out of range or not a number shows the nearest page, never an error."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Listing(page=page, query=query.urlencode())
