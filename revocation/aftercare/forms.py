"""Forms of the aftercare pages. They parse what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications.forms import PortalForm
from awards.models import Scheme
from reviews.models import ExpertProfile

from .enums import Attendance, EvaluationCriterion, MemberKind, StaffKind


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.get_username()})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.get_username()})"


def _active_users():
    return User.objects.filter(is_active=True).order_by("username")


class RoundLaunchForm(PortalForm):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.filter(is_active=True))
    title = forms.CharField(label=_("Title"), max_length=120)
    report_due = forms.DateField(label=_("Self-reports due"), widget=_date_input())
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evaluators = UserMultipleChoiceField(
        label=_("Named evaluators (optional)"),
        queryset=_active_users(),
        required=False,
        help_text=_("Office staff may always assess; name here anyone else who assesses this round."),
    )


class EvaluatorsForm(PortalForm):
    evaluators = UserMultipleChoiceField(label=_("Named evaluators"), queryset=_active_users(), required=False)


class SelfReportForm(PortalForm):
    text = forms.CharField(
        label=_("Self-report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("How you kept operating lawfully, set an example and kept improving since the award."),
    )
    file = forms.FileField(label=_("Supporting file (optional)"), required=False)


class AssessmentForm(PortalForm):
    """A pass/fail choice and a comment for each criterion of Zibo art. 30."""

    VERDICTS = (("pass", _("Pass")), ("fail", _("Fail")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in EvaluationCriterion:
            self.fields[f"{criterion.value}_verdict"] = forms.ChoiceField(
                label=criterion.label, choices=self.VERDICTS, widget=forms.RadioSelect
            )
            self.fields[f"{criterion.value}_comment"] = forms.CharField(
                label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2})
            )
        self.style()

    def criteria(self):
        return [
            (criterion, self[f"{criterion.value}_verdict"], self[f"{criterion.value}_comment"])
            for criterion in EvaluationCriterion
        ]

    def findings(self) -> dict:
        return {
            c.value: (self.cleaned_data[f"{c.value}_verdict"] == "pass", self.cleaned_data[f"{c.value}_comment"])
            for c in EvaluationCriterion
        }


class MemberForm(PortalForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MemberKind.choices)
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    position = forms.CharField(label=_("Position (optional)"), max_length=100, required=False)
    user = UserChoiceField(
        label=_("Portal account (optional)"),
        queryset=_active_users(),
        required=False,
        help_text=_("Linked to an account, the member can log in and file opinions."),
    )


class DissolveForm(PortalForm):
    on = forms.DateField(label=_("Dissolved on"), widget=_date_input())


class OpinionForm(PortalForm):
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 6}))


class AnswerForm(PortalForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class MisconductForm(PortalForm):
    """Who the report is about: an expert of the pool, or the agency's or the office's staff by name."""

    staff_kind = forms.ChoiceField(label=_("Who"), choices=StaffKind.choices, initial=StaffKind.EXPERT)
    expert = forms.ModelChoiceField(
        label=_("Expert"),
        queryset=ExpertProfile.objects.order_by("full_name"),
        required=False,
        help_text=_("For an expert."),
    )
    staff_name = forms.CharField(
        label=_("Name"), max_length=60, required=False, help_text=_("For the agency's or the office's staff.")
    )
    staff_organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}))


class MisconductDecisionForm(PortalForm):
    DECISIONS = (("remove", _("Remove from review work")), ("no_action", _("No action")))
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        required=False,
        help_text=_("On removal: the competent department or employer asked to deal with the person."),
    )
    referred_on = forms.DateField(label=_("Referred on"), required=False, widget=_date_input())


class StaffRemovalForm(MisconductForm):
    """A removal decided by the body the rulebook names (Weihai: the office; Linyi: the review committee)."""

    note = forms.CharField(label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 3}))
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        help_text=_("The competent department or employer asked to deal with the person."),
    )
    referred_on = forms.DateField(label=_("Referred on"), required=False, widget=_date_input())

    field_order = ["edition", "staff_kind", "expert", "staff_name", "staff_organisation", "text", "note"]

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"] = EditionRuleChoiceField(label=_("Edition"), queryset=editions)
        self.order_fields(self.field_order)
        self.style()


class EditionRuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        rule = obj.rulebook.staff_removal_rule
        return f"{obj.scheme.short_name} {obj.title} · {rule.body}（{rule.article}）"


class EventForm(PortalForm):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.filter(is_active=True))
    title = forms.CharField(label=_("Title"), max_length=160)
    held_on = forms.DateField(label=_("Date"), widget=_date_input())
    place = forms.CharField(label=_("Place"), max_length=160)
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HolderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number} {obj.applicant_name} · {obj.edition.title}"


class InviteForm(PortalForm):
    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"] = HolderChoiceField(
            label=_("Holders to invite"), queryset=holders, widget=forms.CheckboxSelectMultiple
        )
        self.style()


class AttendanceForm(PortalForm):
    attendance = forms.ChoiceField(
        label=_("Attendance"),
        choices=[(a.value, a.label) for a in (Attendance.ATTENDED, Attendance.EXCUSED, Attendance.ABSENT)],
    )
    excuse = forms.CharField(label=_("Reason for the excuse"), max_length=300, required=False)
