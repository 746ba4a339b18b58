"""The office's form to record an item handed to a winner; the rules are checked by decisions.items."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms import PortalForm

from .enums import IssuedItemKind


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IssuedItemForm(PortalForm):
    """`kinds` are the items the winner's rulebook gives its category that are recorded here (not the
    certificate). Which of the other fields an item needs is the service's rule, so that the form and the service
    never disagree; the errors it raises are attached to the fields."""

    kind = forms.ChoiceField(label=_("Item"))
    issued_on = forms.DateField(
        label=_("Handed over on"),
        required=False,
        widget=_date_input(),
        help_text=_("For a plaque or a trophy."),
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        help_text=_("For award money: the amount paid, in yuan."),
    )
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=_date_input(), help_text=_("For award money."))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("E.g. the payment voucher number, or who received the item."),
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, IssuedItemKind(kind).label) for kind in kinds]


class AwardMoneyUseForm(PortalForm):
    """One use of award money against a purpose the rulebook lists; the rules are checked by decisions.items."""

    purpose = forms.TypedChoiceField(label=_("Purpose"), coerce=int)
    amount = forms.DecimalField(
        label=_("Amount used (yuan)"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    used_on = forms.DateField(label=_("Used on"), widget=_date_input())
    description = forms.CharField(
        label=_("Description"), required=False, max_length=300, help_text=_("E.g. the project or the invoice.")
    )
    evidence = forms.FileField(label=_("Evidence"), required=False, help_text=_("Optional: an invoice or a report."))

    def __init__(self, *args, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        self.purposes = {p.pk: p for p in purposes}
        self.fields["purpose"].choices = [(p.pk, p.text) for p in purposes]
