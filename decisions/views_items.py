"""Thin views of the items issued to winners: the office's table per edition and its record form, and the winner's
own items with the certificate download."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.enums import Role
from accounts.listing import paginate
from accounts.rules import role_required

from . import selectors, selectors_items
from .forms_items import AwardMoneyUseForm, IssuedItemForm
from .items import award_money_use_record, issued_item_record

MONEY_USES_PER_PAGE = 25


@require_GET
@role_required(Role.OFFICE_STAFF)
def edition_items(request, edition_id: int):
    edition = selectors.edition_with_rulebook_for_office(pk=edition_id)
    table = selectors_items.edition_items_table(edition)
    return render(request, "decisions/items/edition.html", {"edition": edition, "table": table})


def _initial(row, kind: str | None) -> dict:
    cell = row.cells_by_kind.get(kind) if kind else None
    if cell is None or not cell.recordable:
        return {}
    initial = {"kind": kind}
    if cell.record is not None:
        record = cell.record
        initial.update(issued_on=record.issued_on, amount=record.amount, paid_on=record.paid_on, note=record.note)
    return initial


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def item_record(request, pk: int):
    row = selectors_items.winner_for_office(user=request.user, pk=pk)
    kinds = [cell.kind for cell in row.cells if cell.recordable]
    if request.method == "POST":
        form = IssuedItemForm(request.POST, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = issued_item_record(
                    application=row.application,
                    kind=data["kind"],
                    by=request.user,
                    issued_on=data["issued_on"],
                    amount=data["amount"],
                    paid_on=data["paid_on"],
                    note=data["note"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(item)s recorded for %(winner)s.")
                    % {"item": item.get_kind_display(), "winner": row.application.applicant_name},
                )
                return redirect("decisions:items", edition_id=row.application.edition_id)
    else:
        form = IssuedItemForm(initial=_initial(row, request.GET.get("kind")), kinds=kinds)
    return render(request, "decisions/items/record.html", {"row": row, "form": form, "kinds": kinds})


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICE_STAFF)
def money_uses(request, pk: int):
    """How the award money paid to a winner was used, against the purposes its rulebook lists; the office adds a
    use (purpose, amount, date, optional evidence)."""
    account = selectors_items.money_item_for_office(user=request.user, pk=pk)
    form = AwardMoneyUseForm(request.POST or None, request.FILES or None, purposes=account.purposes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award_money_use_record(
                item=account.item,
                purpose=form.purposes.get(data["purpose"]),
                amount=data["amount"],
                used_on=data["used_on"],
                description=data["description"],
                evidence=data["evidence"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Use of the award money recorded."))
            return redirect("decisions:money_uses", pk=account.item.pk)
    listing = paginate(request, selectors_items.money_uses(account.item), per_page=MONEY_USES_PER_PAGE)
    return render(
        request,
        "decisions/items/money_uses.html",
        {
            "account": account,
            "application": account.item.application,
            "form": form,
            "page": listing.page,
            "query": listing.query,
        },
    )


@require_GET
@role_required(Role.OFFICE_STAFF)
def money_use_evidence(request, pk: int, use_pk: int):
    use = selectors_items.money_use_for_office(user=request.user, item_pk=pk, pk=use_pk)
    return FileResponse(use.evidence.open("rb"), as_attachment=True, filename=use.evidence_name)


@require_GET
@role_required(Role.APPLICANT)
def my_items(request):
    rows = selectors_items.items_of_winner(user=request.user)
    return render(request, "decisions/items/mine.html", {"rows": rows})


@require_GET
@role_required(Role.APPLICANT)
def my_application_items(request, pk: int):
    rows = selectors_items.items_of_winner(user=request.user, pk=pk)
    return render(request, "decisions/items/mine.html", {"rows": rows, "single": True})
