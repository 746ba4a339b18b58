"""Forms of the expert and office review pages. They parse what was typed; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from applications.forms import PortalForm
from applications.models import Application
from awards.enums import SCORED_STAGES
from awards.models import Edition, Stage

from .enums import ConflictDecision, GateOutcome, SignOffDecision
from .models import ExpertProfile, ScoreSheetTemplate
from .stage_records import GATE_STAGES, NOTED_ONLY_STAGES, SURVEY_STAGES


def points_text(value: Decimal) -> str:
    """Points as typed by a person: 12.5, 30, 0 (no trailing zeros, no exponent)."""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".")


class DeclarationForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Your declaration"), choices=ConflictDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreSheetForm(forms.Form):
    """One points input per scored item, and the strengths and opportunities of each category where the sheet
    asks for them. Values are kept as typed (so nothing is lost on an error); ``sheet_save`` checks them."""

    def __init__(self, *args, template, categories, scores=None, locked=False, comments="", **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        self.categories = categories
        if template.requires_comments:
            # National art. 19, 20: 撰写评语并打分 — the sheet's written comments, required on submission.
            self.fields["comments"] = forms.CharField(
                label=_("Written comments"),
                required=False,
                initial=comments,
                widget=forms.Textarea(attrs={"class": "form-control", "rows": 5, "id": "sheet-comments"}),
            )
        for category in categories:
            for item in category["items"]:
                given = scores.get(item.pk)
                self.fields[f"points-{item.pk}"] = forms.CharField(
                    label=f"{item.code} {item.label}",
                    required=False,
                    initial="" if given is None or given.points is None else points_text(given.points),
                    widget=forms.NumberInput(
                        attrs={
                            "class": "form-control score-points",
                            "min": "0",
                            "max": points_text(item.points),
                            "step": "0.5",
                            "data-item": item.pk,
                            "inputmode": "decimal",
                        }
                    ),
                )
            if template.asks_strengths:
                given = scores.get(category["item"].pk)
                for part, label in (
                    ("strengths", _("Strengths")),
                    ("opportunities", _("Opportunities for improvement")),
                ):
                    self.fields[f"{part}-{category['item'].pk}"] = forms.CharField(
                        label=label,
                        required=False,
                        initial=getattr(given, part, ""),
                        widget=forms.Textarea(
                            attrs={
                                "class": "form-control",
                                "rows": 3,
                                "data-item": category["item"].pk,
                                "data-part": part,
                            }
                        ),
                    )
        if locked:
            for field in self.fields.values():
                field.disabled = True

    def scores(self) -> dict:
        """What ``sheet_save`` takes: item id -> {"points", "strengths", "opportunities"}."""
        result: dict = {}
        for name, value in self.cleaned_data.items():
            if name == "comments":
                continue
            part, item_id = name.split("-", 1)
            result.setdefault(int(item_id), {})[part] = value
        return result

    def comments(self) -> str | None:
        """The written comments as typed; None when the sheet asks for none."""
        return self.cleaned_data.get("comments") if "comments" in self.fields else None

    def rows(self):
        """The categories with their bound fields, for the template."""
        for category in self.categories:
            yield {
                **category,
                "fields": [(item, self[f"points-{item.pk}"]) for item in category["items"]],
                "strengths": self[f"strengths-{category['item'].pk}"]
                if f"strengths-{category['item'].pk}" in self.fields
                else None,
                "opportunities": (
                    self[f"opportunities-{category['item'].pk}"]
                    if f"opportunities-{category['item'].pk}" in self.fields
                    else None
                ),
            }


class AssignForm(PortalForm):
    seed = forms.IntegerField(
        label=_("Seed of the random draw"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Leave empty to draw one; it is recorded either way."),
    )


class EditionStageForm(PortalForm):
    edition = forms.ModelChoiceField(label=_("Edition"), queryset=Edition.objects.none())
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())
    opens = forms.DateField(label=_("Opens"), widget=forms.DateInput(attrs={"type": "date"}))
    sheets_due = forms.DateField(label=_("Score sheets due"), widget=forms.DateInput(attrs={"type": "date"}))
    experts_per_application = forms.IntegerField(
        label=_("Experts per application"), min_value=1, max_value=30, initial=5
    )
    score_sheet = forms.ModelChoiceField(
        label=_("Score sheet"),
        queryset=ScoreSheetTemplate.objects.none(),
        required=False,
        help_text=_("Stages that experts score need one; gate stages, whose result is recorded, take none."),
    )
    run_by = forms.ModelChoiceField(
        label=_("Run by (third-party agency)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The office"),
        help_text=_("The agency whose staff record, schedule and organise this stage."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.select_related("scheme").order_by("-year", "scheme__code")
        self.fields["stage"].queryset = (
            Stage.objects.filter(kind__in=sorted(SCORED_STAGES | GATE_STAGES))
            .select_related("rulebook__scheme")
            .order_by("rulebook", "position")
        )
        self.fields["stage"].label_from_instance = lambda stage: f"{stage.rulebook.scheme} · {stage.get_kind_display()}"
        self.fields["score_sheet"].queryset = ScoreSheetTemplate.objects.all()
        # The organisations some agency account works for (a user page binds the account to its agency).
        self.fields["run_by"].queryset = Organisation.objects.filter(agency_staff__isnull=False).distinct()

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


# --- the office's ranking, candidate list, assignments and overrides; the leader's consensus ---------------------


class CandidateChangeForm(PortalForm):
    """One line of the proposed list moved to another tier. The reason is checked by ``candidate_change``, which
    says what is missing in the office's words."""

    tier = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = tiers
        self.fields["reason"].portal_required = True


class AssignmentReplaceForm(PortalForm):
    expert = forms.TypedChoiceField(label=_("New expert"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", "—"), *((e.pk, f"{e.full_name} · {e.employer_name}") for e in experts)]
        self.fields["reason"].portal_required = True


class SheetReopenForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason for re-opening"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].portal_required = True


class OverrideRequestForm(PortalForm):
    application = forms.CharField(label=_("Application number"), max_length=40)
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=ExpertProfile.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = ExpertProfile.objects.order_by("full_name", "pk")
        self.fields["expert"].label_from_instance = lambda expert: f"{expert.full_name} · {expert.employer_name}"
        self.fields["reason"].portal_required = True

    def clean_application(self):
        number = self.cleaned_data["application"].strip()
        application = Application.objects.filter(number=number).first()
        if application is None:
            raise forms.ValidationError(_("No application has the number %(number)s.") % {"number": number})
        return application


class ConsensusForm(PortalForm):
    agreed_score = forms.DecimalField(label=_("Agreed score"), min_value=0, max_digits=8, decimal_places=2)
    rationale = forms.CharField(label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rationale"].portal_required = True


# --- the stages recorded rather than scored: gates, sign-offs, site visits, defence sessions ----------------------


class GateRecordForm(PortalForm):
    """One application's result at a gate stage. Kept as typed; ``gate_record`` checks the note and the score."""

    outcome = forms.ChoiceField(label=_("Outcome"), required=False, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    score = forms.CharField(
        label=_("Survey score (0–100)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind in NOTED_ONLY_STAGES:
            outcomes = [GateOutcome.NOTED]
            self.fields["note"].label = _("Opinions")
        else:
            outcomes = [GateOutcome.PASS, GateOutcome.FAIL]
            self.fields["note"].help_text = _("A failure's note is the reason the applicant reads.")
        self.fields["outcome"].choices = [(outcome.value, outcome.label) for outcome in outcomes]
        self.fields["outcome"].portal_required = True
        if kind in SURVEY_STAGES:
            self.fields["score"].portal_required = True
        else:
            del self.fields["score"]


class SignOffForm(PortalForm):
    """A department's decision on one application; ``department_sign_off`` checks the department and the note."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=SignOffDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A refusal's note is the reason the applicant reads."),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—"), *((name, name) for name in departments)]
        self.fields["department"].portal_required = True
        self.fields["decision"].portal_required = True


class StageDepartmentsForm(PortalForm):
    names = forms.CharField(
        label=_("Departments that sign off"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One department per line, in order."),
    )

    def names_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["names"].splitlines() if line.strip()]


class SiteVisitForm(PortalForm):
    application = forms.ModelChoiceField(label=_("Application"), queryset=Application.objects.none())
    scheduled_on = forms.DateField(
        label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    team = forms.ModelMultipleChoiceField(
        label=_("Team"),
        queryset=ExpertProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Experts assigned to the application at this stage."),
    )
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, applications, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: f"{a.number} · {a.applicant_name}"
        self.fields["team"].queryset = experts
        self.fields["team"].label_from_instance = lambda expert: f"{expert.full_name} · {expert.employer_name}"
        self.fields["place"].portal_required = True
        self.fields["team"].portal_required = True

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "application": data["application"],
            "scheduled_on": data["scheduled_on"],
            "place": data["place"],
            "team": list(data["team"]),
            "checklist": [line.strip() for line in data["checklist"].splitlines() if line.strip()],
            "note": data["note"],
        }


class DefenceSessionForm(PortalForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at (Beijing time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications heard"),
        queryset=Application.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications
        self.fields["applications"].label_from_instance = lambda a: f"{a.number} · {a.applicant_name}"
        self.fields["place"].portal_required = True
        self.fields["applications"].portal_required = True

    def service_arguments(self) -> dict:
        return {**self.cleaned_data, "applications": list(self.cleaned_data["applications"])}


# --- closing a scored stage ----------------------------------------------------------------------------------------


class ProgressSelectForm(PortalForm):
    """How the office pre-selects who passes on: the top N, all at or above a score, or by hand (no preselection).
    Read from the query string, so the choice can be changed and shown again without sending anything."""

    TOP, SCORE, HAND = "top", "score", "hand"

    mode = forms.ChoiceField(
        label=_("Choose who passes on"),
        required=False,
        widget=forms.RadioSelect,
        choices=[(TOP, _("The top N")), (SCORE, _("All at or above a score")), (HAND, _("By ticking rows"))],
    )
    top = forms.IntegerField(label=_("N"), required=False, min_value=1, max_value=10000)
    min_score = forms.DecimalField(label=_("Score"), required=False, min_value=0, max_digits=8, decimal_places=2)

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.TOP and data.get("top") is None:
            self.add_error("top", _("Enter how many applications pass on."))
        if data.get("mode") == self.SCORE and data.get("min_score") is None:
            self.add_error("min_score", _("Enter the lowest score that passes on."))
        return data


class StageCloseForm(PortalForm):
    """The confirmations of a close; the ticks and the reasons per row are read by the view."""

    missing_reason = forms.CharField(
        label=_("Why the stage is closed with score sheets or a consensus missing"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ties_decided = forms.BooleanField(label=_("I have chosen between the applications tied at the cut"), required=False)
