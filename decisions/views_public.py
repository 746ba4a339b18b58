"""Public pages, no login: the public notices (current and past) with their names, the objection form and its
receipt, the announced results of each edition and the honour roll."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.listing import paginate
from accounts.ratelimit import over_limit
from accounts.rules import is_office
from accounts.services import client_ip
from applications.uploads import UploadRejected

from . import selectors
from .enums import EntryOutcome
from .forms_public import HonourRollFilterForm, ObjectionForm
from .objections import notice_is_open, notice_period_refusal, objection_file

# Objections filed from one address: a person, or an office behind one address, files a handful; a script more.
OBJECTION_RATE_LIMIT = (5, 3600)
HONOUR_ROLL_PAGE_SIZE = 50
_RECEIPT_KEY = "decisions:objection_receipt"


@require_GET
def notice_list(request):
    return render(request, "decisions/public/notice_list.html", selectors.public_notices())


@require_GET
def notice_detail(request, pk: int):
    notice = selectors.public_notice_get(pk)
    return render(
        request,
        "decisions/public/notice_detail.html",
        {
            "notice": notice,
            "entries": selectors.notice_entries(notice),
            "spec": selectors.notice_spec_of(notice),
            "publications": selectors.notice_publications(notice),
            "is_open": notice_is_open(notice),
            "refusal": notice_period_refusal(notice),
            "office_view": is_office(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def objection_create(request, pk: int):
    """The objection form of a notice: a name on it, a real name, a contact, the facts, the evidence file."""
    notice = selectors.public_notice_get(pk)
    refusal = notice_period_refusal(notice)
    entries = [entry for entry in selectors.notice_entries(notice) if entry.outcome == EntryOutcome.PENDING]
    context = {"notice": notice, "refusal": refusal}
    if refusal:
        return render(request, "decisions/public/objection_closed.html", context)
    if request.method == "POST":
        if over_limit(request, "objection", *OBJECTION_RATE_LIMIT):
            context["limited"] = True
            context["form"] = ObjectionForm(entries=entries)
            return render(request, "decisions/public/objection_form.html", context, status=429)
        form = ObjectionForm(request.POST, request.FILES, entries=entries)
        if form.is_valid():
            entry = selectors.notice_entry_get(notice, form.cleaned_data["entry"])
            try:
                objection = objection_file(
                    entry=entry,
                    full_name=form.cleaned_data["full_name"],
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                    organisation=form.cleaned_data["organisation"],
                    statement=form.cleaned_data["statement"],
                    evidence=form.cleaned_data["evidence"],
                    remote_addr=client_ip(request),
                    request=request,
                )
            except ValidationError as error:
                form.add_error("evidence" if isinstance(error, UploadRejected) else None, error)
            else:
                request.session[_RECEIPT_KEY] = {
                    "reference": objection.reference,
                    "notice": notice.pk,
                    "name": entry.name,
                    "submitted_at": timezone.localtime(objection.submitted_at).strftime("%Y-%m-%d %H:%M"),
                }
                return redirect("public:objection_receipt", pk=notice.pk)
    else:
        form = ObjectionForm(entries=entries, initial={"entry": request.GET.get("entry", "")})
    context["form"] = form
    return render(request, "decisions/public/objection_form.html", context)


@require_GET
def objection_receipt(request, pk: int):
    """The receipt of the objection just filed from this browser: its reference, nothing about anyone else's."""
    notice = selectors.public_notice_get(pk)
    receipt = request.session.get(_RECEIPT_KEY)
    if not receipt or receipt.get("notice") != notice.pk:
        messages.info(request, _("No objection was filed from this browser for this notice."))
        return redirect("public:notice_detail", pk=notice.pk)
    response = render(request, "decisions/public/objection_receipt.html", {"notice": notice, "receipt": receipt})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def results_list(request):
    return render(request, "decisions/public/results_list.html", {"editions": selectors.announced_editions()})


@require_GET
def results_detail(request, edition_id: int):
    announcement = selectors.announcement_of(edition_id)
    return render(
        request,
        "decisions/public/results_detail.html",
        {
            "announcement": announcement,
            "edition": announcement.edition,
            "rows": selectors.edition_results(edition_id),
        },
    )


@require_GET
def honour_roll(request):
    """Every winner of every announced edition, filterable by scheme, year and district (GET)."""
    form = HonourRollFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    listing = paginate(request, selectors.honour_roll(**filters), per_page=HONOUR_ROLL_PAGE_SIZE)
    return render(
        request,
        "decisions/public/honour_roll.html",
        {
            "form": form,
            "filter_errors": [error for errors in form.errors.values() for error in errors] if form.is_bound else [],
            "page": listing.page,
            "rows": selectors.honour_rows(listing.page.object_list),
            "query": listing.query,
            "roll_url": reverse("public:honour_roll"),
        },
    )
