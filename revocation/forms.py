"""Thin forms: parse, leave the rules to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.humancheck import HumanCheckFormMixin
from applications.forms import PortalForm

from .enums import OFFICE_SOURCES, AuthorityLevel, CaseState, RecoveryState, SpotCheckResult


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _holder_label(application) -> str:
    return f"{application.applicant_name} · {application.edition.scheme.short_name} {application.edition.title}"


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _holder_label(obj)


class ReportForm(HumanCheckFormMixin, PortalForm):
    """A citizen's report about an award holder (no login)."""

    application = HolderChoiceField(label=_("Award holder concerned"), queryset=None, empty_label="—")
    full_name = forms.CharField(label=_("Your real name"), max_length=60)
    contact = forms.CharField(
        label=_("How to contact you"), max_length=100, help_text=_("A telephone number or e-mail address.")
    )
    facts = forms.CharField(
        label=_("Facts"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, when and where; which ground of the rulebook you think applies."),
    )
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = holders
        self.style()  # the human-check fields arrive after PortalForm has styled the others


class CaseFilterForm(PortalForm):
    scheme = forms.TypedChoiceField(label=_("Scheme"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))] + list(CaseState.choices))

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", _("All"))] + [(s.pk, s.short_name) for s in schemes]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"scheme_id": self.cleaned_data["scheme"], "state": self.cleaned_data["state"] or None}


class CaseOpenForm(PortalForm):
    application = HolderChoiceField(label=_("Award concerned"), queryset=None, empty_label="—")
    source = forms.ChoiceField(label=_("Source of information"), choices=[(s.value, s.label) for s in OFFICE_SOURCES])
    summary = forms.CharField(label=_("Facts"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = holders


class CommentForm(PortalForm):
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GroundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.citation} {obj.text}"


class ProposeForm(PortalForm):
    ground = GroundChoiceField(label=_("Ground"), queryset=None, empty_label="—")
    findings = forms.CharField(
        label=_("Findings of the investigation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, grounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].queryset = grounds


class RevokeForm(PortalForm):
    ground = GroundChoiceField(label=_("Ground"), queryset=None, empty_label="—")
    document_number = forms.CharField(label=_("Decision document number"), max_length=60)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=_date_input())
    document = forms.FileField(label=_("Decision document (optional)"), required=False)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)

    def __init__(self, *args, grounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].queryset = grounds


class DismissForm(PortalForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    document_number = forms.CharField(
        label=_("Decision document number"),
        max_length=60,
        required=False,
        help_text=_("Required when the deciding body refuses a proposed revocation."),
    )
    decided_on = forms.DateField(label=_("Date of the decision"), required=False, widget=_date_input())
    document = forms.FileField(label=_("Decision document (optional)"), required=False)


class EvidenceForm(PortalForm):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class RecoveryForm(PortalForm):
    state = forms.ChoiceField(label=_("State"), choices=RecoveryState.choices)
    done_on = forms.DateField(label=_("Date"), required=False, widget=_date_input())
    amount_recovered = forms.DecimalField(
        label=_("Amount recovered (yuan)"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.credit_code}）"


class SpotCheckForm(PortalForm):
    organisation = OrganisationChoiceField(label=_("Unit"), queryset=None, empty_label="—")
    checked_on = forms.DateField(label=_("Date of the check"), widget=_date_input())
    authority = forms.CharField(label=_("Authority"), max_length=120)
    level = forms.ChoiceField(label=_("Level of the authority"), choices=AuthorityLevel.choices)
    product = forms.CharField(label=_("Product"), max_length=200)
    result = forms.ChoiceField(label=_("Result"), choices=SpotCheckResult.choices)
    reference = forms.CharField(label=_("Report number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
