from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.enums import Role
from accounts.listing import paginate
from accounts.rules import has_any_role, role_required

from . import selectors
from .confirmations import office_set_value_confirm
from .selectors import scheme_detail as select_scheme
from .selectors import schemes_public

PAGE_SIZE = 50


@require_GET
def scheme_list(request):
    return render(request, "awards/scheme_list.html", {"schemes": schemes_public()})


@require_GET
def scheme_detail(request, code: str):
    return render(request, "awards/scheme_detail.html", {"scheme": select_scheme(code=code)})


class ConfirmForm(forms.Form):
    basis = forms.CharField(
        label=gettext_lazy("Basis of the office's value"),
        max_length=300,
        help_text=gettext_lazy("The document or decision the value comes from, with its number."),
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class OfficeValueFilter(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Confirmation"),
        required=False,
        choices=(
            ("", gettext_lazy("All")),
            ("open", gettext_lazy("Not confirmed")),
            ("confirmed", gettext_lazy("Confirmed")),
        ),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


@require_GET
@role_required(Role.OFFICE_STAFF, Role.AUDITOR)
def office_values(request):
    """The values the portal carries where a rulebook's text is silent; the office confirms each, the auditor
    reads them."""
    filter_form = OfficeValueFilter(request.GET)
    state = filter_form.cleaned_data["state"] if filter_form.is_valid() else ""
    listing = paginate(request, selectors.office_set_values(state=state), per_page=PAGE_SIZE)
    return render(
        request,
        "awards/office_values.html",
        {
            "page": listing.page,
            "query": listing.query,
            "filter_form": filter_form,
            "can_confirm": has_any_role(request.user, Role.OFFICE_STAFF),
            "form": ConfirmForm(),
        },
    )


@require_POST
@role_required(Role.OFFICE_STAFF)
def office_value_confirm(request, pk: int):
    value = selectors.office_set_value(pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the document or decision the office's value comes from."))
        return redirect("awards:office_values")
    try:
        office_set_value_confirm(value=value, by=request.user, basis=form.cleaned_data["basis"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(label)s” of “%(rulebook)s” is confirmed.") % {"label": value.label, "rulebook": value.rulebook.title},
        )
    return redirect("awards:office_values")
