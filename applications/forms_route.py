"""Small forms of the submission route, the cities' proposals and the cities' submissions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import PortalForm


class RouteForm(PortalForm):
    province_owned = forms.BooleanField(label=_("We are a province-owned enterprise (省属企业)"), required=False)
    external_number = forms.CharField(
        label=_("Number in the national online application system (申报编号)"), max_length=40, required=False
    )


class ProposalForm(PortalForm):
    opinion = forms.CharField(label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CitySubmissionForm(PortalForm):
    edition = forms.IntegerField(widget=forms.HiddenInput)
    district = forms.IntegerField(widget=forms.HiddenInput)
    letter = forms.FileField(label=_("Recommendation letter (推荐文件)"))
