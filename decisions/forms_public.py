"""Forms of the public pages: the objection to a name on a public notice, and the honour roll's filters."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.humancheck import HumanCheckFormMixin
from accounts.models import District
from awards.models import Scheme


class ObjectionForm(HumanCheckFormMixin, forms.Form):
    """An objection under a real name: who objects, how to reach them, to which name, why, and the evidence."""

    entry = forms.TypedChoiceField(label=_("Objection to"), coerce=int)
    full_name = forms.CharField(label=_("Real name"), max_length=60)
    phone = forms.CharField(label=_("Telephone"), max_length=30)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.CharField(
        label=_("Unit"),
        max_length=200,
        required=False,
        help_text=_("Only if you object on behalf of a unit; the evidence should then bear its seal."),
    )
    statement = forms.CharField(
        label=_("Facts and reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("State the facts that the office can check, with dates and places."),
    )
    evidence = forms.FileField(label=_("Evidence"))
    truthful = forms.BooleanField(
        label=_("I state the facts truthfully and under my real name. Anonymous objections are not investigated."),
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "---------")] + [
            (entry.pk, f"{entry.name}（{entry.unit_name}）" if entry.unit_name else entry.name) for entry in entries
        ]
        self.fields["evidence"].help_text = _(
            "PDF, Word, Excel, PowerPoint, JPEG or PNG, at most %(size)s. The type is judged by the content."
        ) % {"size": filesizeformat(settings.UPLOAD_MAX_FILE_BYTES)}
        for name, field in self.fields.items():
            if name in ("truthful", "human_token", "website"):
                continue
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["truthful"].widget.attrs["class"] = "form-check-input"


class HonourRollFilterForm(forms.Form):
    """GET filters of the honour roll. Unknown values are errors shown to the reader, never a server error."""

    scheme = forms.ModelChoiceField(
        label=_("Scheme"),
        queryset=Scheme.objects.order_by("id"),
        to_field_name="code",
        required=False,
        empty_label=_("All schemes"),
        error_messages={"invalid_choice": _("There is no scheme “%(value)s”; showing all schemes.")},
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": _("The year must be a number such as 2026; showing all years."),
            "min_value": _("The year must be between 2000 and 2100; showing all years."),
            "max_value": _("The year must be between 2000 and 2100; showing all years."),
        },
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.filter(is_active=True).select_related("parent").order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All districts"),
        error_messages={"invalid_choice": _("There is no district “%(value)s”; showing all districts.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["year"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["district"].widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        """The filters that were given and valid (an invalid one is dropped, its error shown)."""
        self.is_valid()
        return {
            name: self.cleaned_data.get(name)
            for name in ("scheme", "year", "district")
            if self.cleaned_data.get(name) not in (None, "")
        }
