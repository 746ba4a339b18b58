"""Forms of the office's pages on the notice's channels, the committee's deliberation of objections and the
onward recommendation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE_INPUT, _Styled


class PublicationForm(_Styled, forms.Form):
    channel = forms.TypedChoiceField(label=_("Channel"), coerce=int)
    published_on = forms.DateField(label=_("Published on"), widget=DATE_INPUT)
    where = forms.CharField(
        label=_("Where"),
        max_length=300,
        help_text=_("The outlet and issue, the page or the address where the notice appeared."),
    )

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(channel.pk, channel.name) for channel in channels]
        self.style()


class DeliberationForm(_Styled, forms.Form):
    held_on = forms.DateField(label=_("Date of the deliberation"), widget=DATE_INPUT)
    conclusion = forms.CharField(label=_("Conclusion of the committee"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class OnwardForm(_Styled, forms.Form):
    addressee = forms.CharField(
        label=_("Addressed to"), max_length=120, help_text=_("The body that receives the recommendation.")
    )
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=60, required=False)
    made_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
