"""Forms of the office's decision pages. Per-candidate fields are added for the candidates waiting at the step."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Styled:
    """Bootstrap classes on every widget."""

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.NumberInput) or getattr(self, "compact", False):
                css += " form-control-sm" if css == "form-control" else ""
            widget.attrs["class"] = css


class StepForm(_Styled, forms.Form):
    """A step of the chain: the date, the minutes or opinions, a document; per candidate keep/drop with a reason,
    or (for a plenary) the votes."""

    held_on = forms.DateField(label=_("Date of the meeting or decision"), widget=DATE_INPUT)
    minutes = forms.CharField(label=_("Minutes or opinions"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=60, required=False)
    document = forms.FileField(label=_("Document (PDF)"), required=False)

    def __init__(self, *args, candidates=(), voting=False, choosing=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates, self.voting, self.choosing = list(candidates), voting, choosing
        if voting:
            self.fields["members_total"] = forms.IntegerField(label=_("Members of the committee"), min_value=1)
            self.fields["members_present"] = forms.IntegerField(label=_("Members present"), min_value=0)
        for application in self.candidates:
            if voting:
                for name, label in (("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))):
                    self.fields[f"{name}_{application.pk}"] = forms.IntegerField(label=label, min_value=0)
            elif choosing:
                self.fields[f"keep_{application.pk}"] = forms.BooleanField(
                    label=_("Kept on the list"), required=False, initial=True
                )
            if voting or choosing:
                self.fields[f"reason_{application.pk}"] = forms.CharField(
                    label=_("Reason"), max_length=500, required=False
                )
        self.style()

    def rows(self):
        """(application, its bound fields) for the template."""
        for application in self.candidates:
            names = ["for", "against", "abstain"] if self.voting else (["keep"] if self.choosing else [])
            if self.voting or self.choosing:
                names.append("reason")
            yield application, [self[f"{name}_{application.pk}"] for name in names]


class NoticeForm(_Styled, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    starts_on = forms.DateField(label=_("Published on"), widget=DATE_INPUT)
    how_to_object = forms.CharField(
        label=_("How to object"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where and how objections are received, with a contact telephone."),
    )


class ApprovalForm(_Styled, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    held_on = forms.DateField(label=_("Date of approval"), widget=DATE_INPUT)
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=60)
    document = forms.FileField(label=_("Approval document (PDF)"))
    minutes = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NotApprovedForm(_Styled, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    reason = forms.CharField(label=_("Reason"), max_length=500)


class AnnouncementForm(_Styled, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    held_on = forms.DateField(label=_("Date of the announcement"), widget=DATE_INPUT)
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=60)
    document = forms.FileField(label=_("Announcing document (PDF)"), required=False)
